{% load static %}{% comment %}
The offline shell of the mobile app. Pages are fetched from the network first and kept for when it
fails; static files are served from the cache. Writes (POST) are never touched: the outbox sends them
itself, from a page or from here (mobile.js, imported for Background Sync). Neither are the copies of the directory and of the follow-ups due: the page keeps them in
IndexedDB, where an enterprise found online joins the directory's, and a stale cached answer would
overwrite a copy offline. The sheets a referent
keeps for offline reading sit in a cache of their own, "hubiit-saved", which a new version leaves alone.
Offline, a follow-up never opened online is served the follow-up shell, which names it from the copy of the
follow-ups due; a case's page is always served the case shell, which day.js fills from the copy of the
referent's day, refreshed more often than the page kept when it was last opened; a server error (a 503 while the database restarts) is answered the same way as no network. Signing
out empties the caches: the next page opened online puts the shell back.
Django comments, not script ones: the phone downloads none of this.
{% endcomment %}"use strict";
const CACHE = "hubiit-mobile-{{ version }}";
const SHELL = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => keys.filter((key) => key.startsWith("hubiit-mobile-") && key !== CACHE))
      .then((old) => Promise.all(old.map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

{# Background Sync: mobile.js's outbox, sent from here when the network is back, even with no page open. #}
importScripts("{% static 'visits/mobile.js' %}");
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(hubiit.background());
});

const SHELLS = [{% for prefix, shell, first in shells %}[new RegExp("^{{ prefix|escapejs }}\\d+/$"), "{{ shell|escapejs }}", {{ first|yesno:"1,0" }}]{% if not forloop.last %}, {% endif %}{% endfor %}];

async function offline(request) {
  const path = new URL(request.url).pathname;
  const [, shell, first] = SHELLS.find(([pattern]) => pattern.test(path)) || [];
  const cached = !first && (await caches.match(request, { ignoreSearch: true, ignoreVary: true }));
  return cached || (shell && caches.match(shell, { ignoreVary: true }));
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const copy = await offline(request);
    if (copy) return copy;
    throw error;
  }
  if (response.ok && !response.redirected) cache.put(request, response.clone());
  if (response.status < 500) return response;
  return (await offline(request)) || response;
}

async function keepShell() {
  const cache = await caches.open(CACHE);
  for (const url of SHELL) {
    if (await cache.match(url, { ignoreVary: true })) continue;
    const response = await fetch(url, { credentials: "same-origin" }).catch(() => null);
    if (response && response.ok && !response.redirected) await cache.put(url, response);
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if ([{% for copy in copies %}"{{ copy|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}].includes(url.pathname)) return;
  if (url.pathname.startsWith("{{ static_prefix|escapejs }}")) event.respondWith(cacheFirst(event.request));
  else if (url.pathname.startsWith("{{ scope|escapejs }}") && !url.pathname.startsWith("{{ photos|escapejs }}")) {
    event.respondWith(networkFirst(event.request));
    if (event.request.mode === "navigate") event.waitUntil(keepShell());
  } else if (event.request.destination === "image") {
    {# A kept sheet's pictures are files of the library, outside /m/: offline, from the sheets' cache. #}
    event.respondWith(fetch(event.request).catch(() => caches.match(event.request, { ignoreVary: true })));
  }
});
