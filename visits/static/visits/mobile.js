// The referents' mobile app: an outbox in IndexedDB of the visits, impact follow-ups and actions on cases
// made on the phone, sent to the API whenever the network allows, in the order they were made. Each record
// is keyed by the UUID made when its form opens, so a resend is stored once. The forms have scripts of their
// own (visit_form.js, followup.js, day.js).
// The service worker imports this script too, to send the outbox on a Background Sync: there it has no
// document, and takes its settings from those the last page kept (`background`).
"use strict";
(function () {
  const doc = self.document;
  const cfg = doc ? { ...JSON.parse(doc.getElementById("app-config").textContent), lang: doc.documentElement.lang } : { text: {} };
  const text = cfg.text;
  const $ = (selector) => document.querySelector(selector);
  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
  const when = (time) =>
    new Date(time).toLocaleString(cfg.lang, { dateStyle: "short", timeStyle: "short" });
  // An element with its properties and children: el("li", { className: "item" }, "text", node)
  function el(tag, properties, ...children) {
    const node = Object.assign(document.createElement(tag), properties);
    node.append(...children);
    return node;
  }
  const KEEP_SENT = 20;
  // The visit form's draft, one per referent on the phone (visit_form.js).
  const draftKey = `draft-${cfg.user}`;
  function localDateTime(date) {
    const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return shifted.toISOString().slice(0, 16);
  }
  const shortDate = (iso) => new Date(`${iso}T12:00:00`).toLocaleDateString(cfg.lang);
  // A follow-up of the copy -> "6-month follow-up · R-12 · due 1/6"
  const followupName = ([, , kind, date, reference]) =>
    [cfg.kinds[kind], reference, fill(text.due, { date: shortDate(date) })].filter(Boolean).join(" · ");

  // ---- IndexedDB: "outbox" holds one record per visit, follow-up or action on a case, "meta" the copies
  // and the drafts.
  let opened;
  function database() {
    opened = opened || new Promise((resolve, reject) => {
      const request = indexedDB.open("hubiit-mobile", 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore("outbox", { keyPath: "client_uuid" });
        request.result.createObjectStore("meta");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opened;
  }
  async function store(name, mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const request = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(request && request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  }
  const records = async () =>
    (await store("outbox", "readonly", (s) => s.getAll())).filter((record) => record.user === cfg.user);
  const get = (key) => store("outbox", "readonly", (s) => s.get(key));
  // Every change of the outbox shows at once, whatever else is under way.
  // A record waiting asks for a Background Sync (Chrome on Android): the service worker sends it once the
  // network is back, even with no page open.
  async function save(record) {
    await store("outbox", "readwrite", (s) => s.put(record));
    showOutbox();
    if (doc && record.state === "waiting") navigator.serviceWorker?.ready.then((r) => r.sync?.register("outbox")).catch(() => {});
  }
  async function remove(key) {
    await store("outbox", "readwrite", (s) => s.delete(key));
    showOutbox();
  }
  // meta(key) reads, meta(key, value) writes, meta(key, null) deletes.
  const meta = (key, value) =>
    store("meta", value === undefined ? "readonly" : "readwrite", (s) =>
      value === undefined ? s.get(key) : value === null ? s.delete(key) : s.put(value, key)
    );

  const uuid = () => crypto.randomUUID();

  // ---- Requests. Each gives up after `ms` (one that never answers would hold the outbox forever), with a
  // timer rather than AbortSignal.timeout so that tests can move the clock. The Date header of each answer
  // says how far the phone's clock is from the server's: more than 5 minutes, and the page says so.
  function timed(ms = 30000, control = new AbortController()) {
    setTimeout(() => control.abort(), ms);
    return control.signal;
  }
  async function request(url, options, ms) {
    const response = await fetch(url, { credentials: "same-origin", signal: timed(ms), ...options });
    const gap = Date.now() - Date.parse(response.headers.get("Date"));
    if (doc) {
      if (!isNaN(gap)) localStorage.hubiitClock = Math.abs(gap) > 300000 ? gap : "";
      showClock();
    }
    return response;
  }
  function csrf() {
    if (!doc) return cfg.csrf;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function post(url, body, json, ms) {
    const headers = { "X-CSRFToken": csrf(), Accept: "application/json", "Accept-Language": cfg.lang };
    if (json) headers["Content-Type"] = "application/json";
    return request(url, { method: "POST", body, headers }, ms);
  }
  // A message at the top of the page, one per `id`; an empty one hides it.
  function notice(id, message) {
    let node = document.getElementById(id);
    if (!node && message) $("main").prepend((node = el("p", { id, className: "error", role: "alert" })));
    if (node) Object.assign(node, { hidden: !message, textContent: message || "" });
  }
  function showClock() {
    const gap = Number(localStorage.hubiitClock);
    notice("clock", gap && fill(text.clock, { phone: when(Date.now()), server: when(Date.now() - gap) }));
  }

  // ---- Sending. A network failure, no answer in time or a server error leaves the record waiting, tried
  // after the others next time; a refusal marks it refused, for the referent to correct, resend or discard.
  // The server's messages, each after the label of its field where the page has one.
  function reasons(value, into, field) {
    const label = field && doc && document.querySelector(`label[for="id_${field}"], label[data-field="${field}"]`);
    if (typeof value === "string") into.push(label ? `${label.textContent} : ${value}` : value);
    else if (Array.isArray(value)) value.forEach((v) => reasons(v, into, field));
    else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => reasons(v, into, k));
    return into;
  }
  // A 409's answer carries the record stored under this UUID, which is not this copy: the message says only
  // that. A 412 refuses a move made on a case that someone else changed since: its answer says what changed.
  // A follow-up or a case the server no longer has for this referent (cancelled by a reopening, moved to
  // another hub) answers 404: refused too, so that it can be discarded.
  async function answered(record, response) {
    const code = response.status;
    if ([400, 409, 412, 413, 415].includes(code) || (record.url && code === 404)) {
      const answer = code === 409 ? {} : await response.json().catch(() => ({}));
      const said = code === 409 ? [text.conflict] : code === 412 ? [answer.detail, ...(answer.changes || [])] : reasons(answer, []);
      Object.assign(record, { state: "refused", code, reason: said.join(" ") || response.statusText });
    } else {
      Object.assign(record, { tried: Date.now(), reason: [401, 403].includes(code) ? text.signIn : text.server });
    }
  }
  // A record names the endpoint it goes to (`url`, a follow-up's collect); a visit goes to the visits.
  async function attempt(record) {
    if (!record.server_id) {
      const response = await post(record.url || cfg.visits, JSON.stringify(record.payload), true);
      if (!response.ok) return answered(record, response);
      const answer = await response.json();
      record.server_id = answer.id;
      if (record.case) await rebase(record.case, answer.applied_on, answer.case_version);
      await save(record);
    }
    for (const photo of record.photos) {
      if (record.photos_sent.includes(photo.token)) continue;
      const form = new FormData();
      form.append("image", photo.blob, "photo.jpg");
      form.append("token", photo.token);
      // About 200 KB: slow over a weak signal.
      const response = await post(`${cfg.visits}${record.server_id}/photos/`, form, false, 120000);
      if (!response.ok) return answered(record, response);
      record.photos_sent.push(photo.token);
      await save(record);
    }
    // The server has it all: the phone keeps only what the list shows.
    Object.assign(record, { state: "sent", reason: "", payload: null, photos: [], sent_at: Date.now() });
  }
  // An action applied on the case's version it was made on moved the case to `version`: the later actions
  // made on that version of the case follow it (someone else's change in between leaves them as they are).
  async function rebase(id, from, version) {
    for (const later of await records()) {
      if (later.case === id && later.state === "waiting" && later.payload.version === from) {
        later.payload.version = version;
        await save(later);
      }
    }
  }
  // The records this page saved or resent show as being sent until their attempt ends.
  const sending = new Set();
  async function sendOne(record) {
    try {
      await attempt(record);
    } catch (error) {
      Object.assign(record, { tried: Date.now(), reason: error.name === "AbortError" ? text.server : text.offline });
    }
    sending.delete(record.client_uuid);
    await save(record);
  }
  // One sender per browser: a Web Lock (a chain of passes where the browser has none) holds the queue while a
  // pass runs, and the pass reads what waits once it holds it and each record again just before sending it,
  // so that a second tab never sends what the first has. A call during a pass queues one pass more, for the
  // records saved meanwhile.
  let queued = null;
  let chain = Promise.resolve();
  function sendAll() {
    if (!queued) {
      queued = (navigator.locks ? navigator.locks.request("hubiit-outbox", pass) : (chain = chain.then(pass, pass)))
        .catch(() => {});
    }
    return queued;
  }
  // Records go in the order they were saved, those that failed last time after the others, so that one that
  // stalls holds up nothing else; but an action on a case waits until every earlier one on that case is sent,
  // and goes in the same pass once they are.
  async function pass() {
    queued = null;
    let waiting = (await records()).filter((record) => record.state === "waiting");
    waiting.sort((a, b) => (a.tried || 0) - (b.tried || 0) || a.saved_at - b.saved_at);
    while (waiting.length) {
      const later = [];
      for (const { client_uuid } of waiting) {
        const record = await get(client_uuid);
        if (record?.state !== "waiting") sending.delete(client_uuid); // another tab sent it, or it was discarded
        else if (await held(record)) later.push(record);
        else await sendOne(record);
      }
      if (later.length === waiting.length) break;
      waiting = later;
    }
    waiting.forEach((record) => sending.delete(record.client_uuid));
    const sent = (await records()).filter((r) => r.state === "sent").sort((a, b) => b.sent_at - a.sent_at);
    for (const old of sent.slice(KEEP_SENT)) await remove(old.client_uuid);
    showOutbox(); // what another tab did shows here too
  }

  async function held(record) {
    const before = (await records()).some(
      (other) => record.case && other.case === record.case && other.saved_at < record.saved_at && other.state !== "sent"
    );
    if (before && record.reason !== text.held) await save(Object.assign(record, { reason: text.held }));
    return before;
  }

  // ---- The outbox as the referent sees it: its list where the page has one, and on every page how many
  // records wait, beside the app's name, a link to the home page's list.
  let renders = 0;
  async function showOutbox() {
    if (!doc) return;
    const turn = ++renders;
    const all = (await records()).sort((a, b) => b.saved_at - a.saved_at);
    if (turn !== renders) return; // a later call shows a later state
    const unsent = all.filter((record) => record.state !== "sent").length;
    let badge = $("#outbox-badge");
    if (!badge && unsent && $(".brand")) {
      // "%(count)s to send": the count in a span of its own, wherever the language puts it.
      const [before, after] = text.toSend.split("%(count)s");
      const count = el("span");
      count.dataset.outboxCount = "";
      badge = el("a", { id: "outbox-badge", className: "count", href: `${cfg.home}#outbox` }, before, count, after);
      $(".brand").after(badge);
    }
    document.querySelectorAll("[data-outbox-count]").forEach((node) => (node.textContent = unsent));
    if (badge) badge.hidden = !unsent;
    const list = $("#outbox-list");
    if (!list) return;
    $("#outbox").hidden = all.length === 0;
    $("#send-now").hidden = !all.some((record) => record.state === "waiting");
    const sent = all.filter((record) => record.state === "sent");
    $("#outbox-sent-title").hidden = !sent.length;
    $("#outbox-sent").replaceChildren(...sent.map(outboxItem));
    list.replaceChildren(...all.filter((record) => record.state !== "sent").map(outboxItem));
  }
  function outboxItem(record) {
    const shown = record.state === "waiting" && sending.has(record.client_uuid) ? "sending" : record.state;
    const state = text[shown] + (record.reason ? ` – ${record.reason}` : "");
    const item = el("li", { className: `item state-${shown}` }, el("strong", {}, record.label));
    item.append(el("span", { className: "state" }, state));
    item.dataset.uuid = record.client_uuid;
    if (record.state === "refused") {
      // A 400 for the record itself stored nothing: it opens in its form, to be corrected and sent under the
      // same UUID. After a 409 another record holds the UUID, and resending this copy would change nothing.
      const actions = el("div", { className: "actions" });
      if (record.code === 400 && !record.server_id && record.page) {
        actions.append(button(text.correct, () => correct(record)));
      }
      // A stale move can be kept as a note where the case's script runs (day.js: the home and case pages).
      if (record.code === 412) app.asNote && actions.append(button(text.asNote, () => app.asNote(record)));
      else if (record.code !== 409) actions.append(button(text.retry, () => retry(record)));
      actions.append(button(text.discard, () => discard(record)));
      item.append(actions);
    }
    return item;
  }
  const button = (label, action) => el("button", { type: "button", onclick: action }, label);
  async function retry(record) {
    Object.assign(record, { state: "waiting", reason: "" });
    sending.add(record.client_uuid);
    await save(record);
    sendAll();
  }
  // Says what discarding loses: a visit stored already only its photos not sent, a copy refused for its UUID
  // nothing the server holds, anything else all of it.
  async function discard(record) {
    const loses = record.server_id ? text.discardPhotos : record.code === 409 ? text.discardCopy : text.confirmDiscard;
    if (confirm(loses)) await remove(record.client_uuid);
  }
  async function correct(record) {
    const draft = !record.url && (await meta(draftKey));
    if (draft && draft.client_uuid !== record.client_uuid && !confirm(text.dropDraft)) return;
    location.href = `${record.page}?edit=${record.client_uuid}`;
  }

  // ---- Signing out needs the server: offline it is refused, and the app stays as it is. Once the server has
  // signed the referent out, the phone drops what it no longer needs: the records sent (their content is on
  // the server), the copies, the sheets kept and the cached pages. The records not sent yet and the draft
  // stay, for the same referent to send at their next sign-in (the outbox asks before signing out).
  async function signOut(event) {
    event.preventDefault();
    const unsent = (await records()).some((record) => record.state !== "sent") || (await meta(draftKey));
    if (unsent && !confirm(text.confirmLogout)) return;
    try {
      const response = await post(event.target.action);
      if (!response.ok) throw new Error(response.status);
      await forget();
      location.href = response.url;
    } catch (error) {
      notice("signing-out", text.signOutFailed);
    }
  }
  async function forget() {
    for (const record of await store("outbox", "readonly", (s) => s.getAll())) {
      if (record.state === "sent") await remove(record.client_uuid);
    }
    for (const key of ["directory", "followups", "day", "sheets", "session"]) await meta(key, null);
    for (const key of await caches.keys()) await caches.delete(key);
  }

  // ---- On every mobile page: keep the storage, install the offline shell, show the outbox and send it.
  // A page fresh from the server (rendered after the last one that ran here) for another person than that
  // page's: someone signed in without the last one signing out. The phone forgets what the last one left
  // (their unsent records stay theirs) and loads the page again, which has the worker cache the app as the
  // new person's. A page kept from before, for someone else than the last fresh one, shows and sends nothing.
  async function start() {
    const last = await meta("session");
    if (last && last.user !== cfg.user) {
      if (cfg.rendered < last.rendered) return notice("stale", text.signIn);
      await forget();
      return location.reload();
    }
    if (!last || cfg.rendered > last.rendered) meta("session", { ...cfg, csrf: csrf() });
    navigator.storage?.persist?.();
    if ("serviceWorker" in navigator) navigator.serviceWorker.register(cfg.worker).catch(() => {});
    document.querySelectorAll('form[action$="/logout/"]').forEach((form) => form.addEventListener("submit", signOut));
    showClock();
    showOutbox();
    const sendNow = $("#send-now");
    if (sendNow) sendNow.addEventListener("click", sendAll);
    window.addEventListener("online", sendAll);
    document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && sendAll());
    setInterval(() => navigator.onLine && sendAll(), 60000);
    if (app.page) await app.page();
    await sendAll();
  }
  // ---- In the service worker, on a Background Sync: the pass a page would make, as the referent whose page
  // ran last in this browser (its settings kept in "session", dropped at sign-out), and only while the same
  // sign-in lasts: Django renews the CSRF cookie at each sign-in, so another person signed in since then
  // sends nothing of theirs. What still waits makes the sync fail, and the browser tries it again later.
  async function background() {
    const session = await meta("session");
    const cookie = session && (await cookieStore.get("csrftoken"));
    if (!cookie || cookie.value !== session.csrf) return;
    Object.assign(text, session.text);
    Object.assign(cfg, session, { text });
    await sendAll();
    if ((await records()).some((record) => record.state === "waiting")) throw new Error(text.offline);
  }
  // What a page's own script (visit_form.js, followup.js, day.js) uses, and the worker `background`; a page's
  // script sets `page`, run once every deferred script has run.
  const app = (self.hubiit = {
    cfg, text, $, el, fill, when, button, uuid, timed, save, get, records, store, meta, request, sending, sendAll, retry,
    draftKey, localDateTime, shortDate, followupName, background,
  });
  if (doc) document.addEventListener("DOMContentLoaded", start);
})();
