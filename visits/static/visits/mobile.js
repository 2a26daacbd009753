// The referents' mobile app: an outbox of visits and impact follow-ups in IndexedDB, sent to the API
// whenever the network allows, the offline enterprise picker, GPS and photos shrunk on the phone. Each
// record is keyed by the UUID made when its form opens, so a resend is stored once by the server.
"use strict";
(function () {
  const cfg = JSON.parse(document.getElementById("app-config").textContent);
  const text = cfg.text;
  const $ = (selector) => document.querySelector(selector);
  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, key) => values[key]);
  const KEEP_SENT = 20;

  // ---- IndexedDB: "outbox" holds one record per visit or follow-up, "meta" the directory copy.
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
  const save = (record) => store("outbox", "readwrite", (s) => s.put(record));
  const remove = (key) => store("outbox", "readwrite", (s) => s.delete(key));

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ---- Sending. A network failure or a server error leaves the record waiting; a refusal (400, 409,
  // 413, 415) marks it refused with the server's reasons, for the referent to retry or discard.
  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function post(url, body, json) {
    const headers = { "X-CSRFToken": csrf(), Accept: "application/json", "Accept-Language": document.documentElement.lang };
    if (json) headers["Content-Type"] = "application/json";
    return fetch(url, { method: "POST", body, headers, credentials: "same-origin" });
  }
  // The server's messages, each after the label of its field where the page has one.
  function reasons(value, into, field) {
    const label = field && document.querySelector(`label[for="id_${field}"], label[data-field="${field}"]`);
    if (typeof value === "string") into.push(label ? `${label.textContent} : ${value}` : value);
    else if (Array.isArray(value)) value.forEach((v) => reasons(v, into, field));
    else if (value && typeof value === "object") Object.entries(value).forEach(([k, v]) => reasons(v, into, k));
    return into;
  }
  // A follow-up the server no longer has for this referent (cancelled by a reopening, moved to another hub)
  // answers 404: refused too, so that it can be discarded.
  async function answered(record, response) {
    if ([400, 409, 413, 415].includes(response.status) || (record.url && response.status === 404)) {
      record.state = "refused";
      record.reason = reasons(await response.json().catch(() => ({})), []).join(" ") || response.statusText;
    } else {
      record.reason = [401, 403].includes(response.status) ? text.signIn : text.server;
    }
    await save(record);
  }
  // A record names the endpoint it goes to (`url`, a follow-up's collect); a visit goes to the visits.
  async function sendOne(record) {
    try {
      if (!record.server_id) {
        const response = await post(record.url || cfg.visits, JSON.stringify(record.payload), true);
        if (!response.ok) return answered(record, response);
        record.server_id = (await response.json()).id;
        await save(record);
      }
      for (const photo of record.photos) {
        if (record.photos_sent.includes(photo.token)) continue;
        const form = new FormData();
        form.append("image", photo.blob, "photo.jpg");
        form.append("token", photo.token);
        const response = await post(`${cfg.visits}${record.server_id}/photos/`, form, false);
        if (!response.ok) return answered(record, response);
        record.photos_sent.push(photo.token);
        await save(record);
      }
      Object.assign(record, { state: "sent", reason: "", photos: [], sent_at: Date.now() });
      await save(record);
    } catch (error) {
      record.reason = text.offline;
      await save(record);
    }
  }
  let sending = false;
  async function sendAll() {
    if (sending) return;
    sending = true;
    try {
      const waiting = (await records()).filter((record) => record.state === "waiting");
      const work = async () => {
        for (const record of waiting) await sendOne(record);
      };
      await (navigator.locks ? navigator.locks.request("hubiit-outbox", work) : work());
      const sent = (await records()).filter((r) => r.state === "sent").sort((a, b) => b.sent_at - a.sent_at);
      for (const old of sent.slice(KEEP_SENT)) await remove(old.client_uuid);
    } finally {
      sending = false;
      await showOutbox();
    }
  }

  // ---- The outbox as the referent sees it, on every mobile page.
  async function showOutbox() {
    const list = $("#outbox-list");
    const all = (await records()).sort((a, b) => b.saved_at - a.saved_at);
    const unsent = all.filter((record) => record.state !== "sent").length;
    document.querySelectorAll("[data-outbox-count]").forEach((node) => (node.textContent = unsent));
    if (!list) return;
    $("#outbox").hidden = all.length === 0;
    $("#send-now").hidden = !all.some((record) => record.state === "waiting");
    const sent = all.filter((record) => record.state === "sent");
    $("#outbox-sent-title").hidden = !sent.length;
    $("#outbox-sent").replaceChildren(...sent.map(outboxItem));
    list.replaceChildren(...all.filter((record) => record.state !== "sent").map(outboxItem));
  }
  function outboxItem(record) {
    const item = document.createElement("li");
    item.className = `item state-${record.state}`;
    item.dataset.uuid = record.client_uuid;
    const title = document.createElement("strong");
    title.textContent = record.label;
    const state = document.createElement("span");
    state.className = "state";
    state.textContent = text[record.state] + (record.reason ? ` – ${record.reason}` : "");
    item.append(title, state);
    if (record.state === "refused") {
      item.append(button(text.retry, () => retry(record)), button(text.discard, () => discard(record)));
    }
    return item;
  }
  function button(label, action) {
    const node = document.createElement("button");
    node.type = "button";
    node.textContent = label;
    node.addEventListener("click", action);
    return node;
  }
  async function retry(record) {
    Object.assign(record, { state: "waiting", reason: "" });
    await save(record);
    sendAll();
  }
  async function discard(record) {
    if (!confirm(text.confirmDiscard)) return;
    await remove(record.client_uuid);
    showOutbox();
  }

  // ---- The enterprise picker works on the copy of the directory kept in IndexedDB.
  let directory = { enterprises: [], cases: [] };
  const plain = (value) => value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  // The server sends ids as gaps and places as indexes (visits.selectors.field_directory).
  function unpacked(copy) {
    let id = 0;
    const enterprises = copy.enterprises.map(([gap, name, place]) => [(id += gap), name, copy.places[place]]);
    enterprises.sort((a, b) => a[1].localeCompare(b[1], "fr"));
    return { enterprises, cases: copy.cases, partial: Boolean(copy.partial) };
  }
  async function loadDirectory() {
    directory = (await store("meta", "readonly", (s) => s.get("directory"))) || directory;
    try {
      const response = await fetch(cfg.directory, { credentials: "same-origin" });
      if (response.ok) {
        directory = unpacked(await response.json());
        await store("meta", "readwrite", (s) => s.put(directory, "directory"));
      }
    } catch (error) {
      // Offline: the copy kept from the last visit online serves.
    }
  }
  function choose(enterprise, checkedCases) {
    keepChosen(enterprise);
    $("#id_enterprise").value = enterprise[0];
    $("#enterprise-search").value = enterprise[1];
    $("#enterprise-search").setCustomValidity("");
    $("#enterprise-results").replaceChildren();
    const box = $("#linked-cases");
    const legend = box.querySelector("legend");
    const cases = directory.cases.filter((c) => c[1] === enterprise[0]);
    const rows = cases.map(([id, , reference, title]) => {
      const label = document.createElement("label");
      label.className = "check";
      const input = document.createElement("input");
      Object.assign(input, { type: "checkbox", name: "cases", value: id, checked: checkedCases.includes(id) });
      label.append(input, `${reference} ${title}`);
      return label;
    });
    const none = document.createElement("p");
    none.className = "muted";
    none.textContent = text.noCase;
    box.replaceChildren(legend, ...(rows.length ? rows : [none]));
    // The enterprise's follow-ups due, each a link to its form (which works offline too).
    const due = followups.filter((f) => f[1] === enterprise[0]);
    $("#visit-followups").hidden = !due.length;
    $("#visit-followups span").replaceChildren(
      ...due.map((followup) => {
        const link = document.createElement("a");
        Object.assign(link, { href: `${cfg.followups}${followup[0]}/`, className: "button" });
        link.textContent = followupName(followup);
        return link;
      })
    );
  }
  // The copy of the follow-ups due, [id, enterprise id, kind, due date, case reference, enterprise name],
  // which the home page and the follow-up form refresh (followup.js): the visit form reads it as it is.
  let followups = [];
  const shortDate = (iso) => new Date(`${iso}T12:00:00`).toLocaleDateString(document.documentElement.lang);
  // A follow-up of the copy -> "6-month follow-up · R-12 · due 1/6"
  const followupName = ([, , kind, date, reference]) =>
    [cfg.kinds[kind], reference, fill(text.due, { date: shortDate(date) })].filter(Boolean).join(" · ");
  function showFound(found) {
    const results = $("#enterprise-results");
    if (!found.length) {
      const none = document.createElement("li");
      none.className = "muted";
      none.textContent = directory.partial && !navigator.onLine ? text.noMatchOffline : text.noMatch;
      return results.replaceChildren(none);
    }
    results.replaceChildren(
      ...found.map((e) => {
        const item = document.createElement("li");
        item.append(button(`${e[1]} · ${e[2]}`, () => choose(e, [])));
        return item;
      })
    );
  }
  // A `partial` copy holds part of the hub (the referent's cases, visits and regions, capped): online, the
  // rest is asked of the API, and an enterprise chosen from there joins the copy.
  let asking = null;
  async function searchHub(query, found) {
    asking?.abort();
    asking = new AbortController();
    try {
      const url = `${cfg.enterprises}?${new URLSearchParams({ q: query, page_size: 8 })}`;
      const response = await fetch(url, { credentials: "same-origin", signal: asking.signal });
      if (!response.ok) return;
      const known = new Set(found.map((e) => e[0]));
      const more = (await response.json()).results
        .filter((row) => !known.has(row.id))
        .map((row) => [row.id, row.name, row.commune || row.region, "hub"]);
      if ($("#enterprise-search").value === query) showFound([...found, ...more].slice(0, 8));
    } catch (error) {
      // Aborted by a newer search, or the network is gone: the copy's matches stay shown.
    }
  }
  function search() {
    $("#id_enterprise").value = "";
    const query = $("#enterprise-search").value;
    const words = plain(query).split(/[^a-z0-9]+/).filter(Boolean);
    if (!words.length) return $("#enterprise-results").replaceChildren();
    const starts = (e) => {
      const tokens = plain(`${e[1]} ${e[2]}`).split(/[^a-z0-9]+/);
      return words.every((word) => tokens.some((token) => token.startsWith(word)));
    };
    const found = directory.enterprises.filter(starts).slice(0, 8);
    showFound(found);
    if (directory.partial && found.length < 8 && navigator.onLine) searchHub(query, found);
  }
  async function keepChosen(enterprise) {
    if (enterprise[3] !== "hub" || directory.enterprises.some((e) => e[0] === enterprise[0])) return;
    directory.enterprises.push(enterprise.slice(0, 3));
    await store("meta", "readwrite", (s) => s.put(directory, "directory"));
  }

  // ---- GPS and photos.
  function locate() {
    const status = $("#gps-status");
    const form = $("#visit-form");
    status.textContent = text.locating;
    if (!navigator.geolocation) return (status.textContent = fill(text.noPosition, { reason: "—" }));
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude, accuracy } = position.coords;
        form.dataset.position = JSON.stringify([latitude.toFixed(6), longitude.toFixed(6), Math.round(accuracy)]);
        status.textContent = fill(text.located, { metres: Math.round(accuracy) });
      },
      (error) => {
        delete form.dataset.position;
        status.textContent = fill(text.noPosition, { reason: error.message || error.code });
      },
      { enableHighAccuracy: true, timeout: 30000, maximumAge: 120000 }
    );
  }
  let photos = [];
  async function shrink(file) {
    const image = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, 1600 / Math.max(image.width, image.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(image.width * scale);
    canvas.height = Math.round(image.height * scale);
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
    let blob;
    for (const quality of [0.72, 0.6, 0.5, 0.4]) {
      blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
      if (blob.size <= 200 * 1024) break;
    }
    return blob;
  }
  async function takePhotos(event) {
    const status = $("#photo-status");
    const files = [...event.target.files];
    if (photos.length + files.length > cfg.maxPhotos) status.textContent = fill(text.tooManyPhotos, { count: cfg.maxPhotos });
    for (const file of files.slice(0, cfg.maxPhotos - photos.length)) {
      photos.push({ token: uuid(), blob: await shrink(file) });
    }
    event.target.value = "";
    status.textContent = fill(text.photos, { count: photos.length });
  }

  // ---- The form: each save goes to the outbox first, then the outbox is sent.
  function localDateTime(date) {
    const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return shifted.toISOString().slice(0, 16);
  }
  function resetForm() {
    const form = $("#visit-form");
    form.reset();
    form.client_uuid.value = uuid();
    form.started_at.value = localDateTime(new Date());
    form.querySelectorAll(".need").forEach((need) => need.remove());
    const linked = $("#linked-cases");
    linked.replaceChildren(...initialLinked.map((node) => node.cloneNode(true)));
    photos = [];
    $("#photo-status").textContent = "";
  }
  function addNeed() {
    const add = $("#add-need");
    if (document.querySelectorAll(".need").length >= Number(add.dataset.max)) return;
    add.before($("#need-row").content.cloneNode(true));
    add.previousElementSibling.querySelector("input").focus();
  }
  function payload(form) {
    const data = new FormData(form);
    const number = (name) => Number(data.get(name) || 0);
    const position = form.dataset.position ? JSON.parse(form.dataset.position) : [null, null, null];
    const titles = data.getAll("need_title");
    const domains = data.getAll("need_domain");
    return {
      client_uuid: data.get("client_uuid"),
      enterprise: Number(data.get("enterprise")),
      started_at: new Date(data.get("started_at")).toISOString(),
      duration_minutes: number("duration_minutes"),
      purpose: data.get("purpose"),
      observations: data.get("observations"),
      needs_found: data.get("needs_found"),
      recommendations: data.get("recommendations"),
      next_step: data.get("next_step"),
      follow_up_date: data.get("follow_up_date") || null,
      people_reached_total: number("people_reached_total"),
      people_reached_women: number("people_reached_women"),
      latitude: position[0],
      longitude: position[1],
      gps_accuracy_m: position[2],
      cases: data.getAll("cases").map(Number),
      new_cases: titles
        .map((title, i) => ({ title: title.trim(), domain: domains[i], description: data.get("needs_found") }))
        .filter((need) => need.title),
    };
  }
  async function submit(event) {
    event.preventDefault();
    const form = event.target;
    if (!form.enterprise.value) $("#enterprise-search").setCustomValidity(text.pickEnterprise);
    const women = form.people_reached_women;
    women.setCustomValidity(Number(women.value) > Number(form.people_reached_total.value) ? text.tooManyWomen : "");
    if (!form.reportValidity()) return;
    const record = {
      client_uuid: form.client_uuid.value,
      user: cfg.user,
      payload: payload(form),
      label: `${$("#enterprise-search").value} · ${new Date(form.started_at.value).toLocaleString(document.documentElement.lang, { dateStyle: "short", timeStyle: "short" })}`,
      photos,
      photos_sent: [],
      state: "waiting",
      reason: "",
      saved_at: Date.now(),
    };
    await save(record);
    resetForm();
    locate();
    const status = $("#form-status");
    status.textContent = text.saved;
    status.hidden = false;
    const after = $("#visit-followups");
    if (after && !after.hidden) status.append(" ", ...after.querySelectorAll("a"));
    if (after) after.hidden = true;
    window.scrollTo(0, 0);
    await sendAll();
    const sent = (await records()).find((r) => r.client_uuid === record.client_uuid);
    status.firstChild.textContent = `${text.saved} ${sent?.state === "sent" ? text.sentNow : sent?.reason || text.offline}`;
  }
  let initialLinked;
  async function startForm() {
    const form = $("#visit-form");
    initialLinked = [...$("#linked-cases").childNodes].map((node) => node.cloneNode(true));
    resetForm();
    $("#enterprise-search").addEventListener("input", (event) => {
      event.target.setCustomValidity("");
      search();
    });
    $("#add-need").addEventListener("click", addNeed);
    $("#locate").addEventListener("click", locate);
    $("#photos").addEventListener("change", takePhotos);
    form.addEventListener("submit", submit);
    locate();
    followups = (await store("meta", "readonly", (s) => s.get("followups"))) || [];
    await loadDirectory();
    const query = new URLSearchParams(location.search);
    const chosen = directory.enterprises.find((e) => e[0] === Number(query.get("enterprise")));
    if (chosen) choose(chosen, [Number(query.get("case"))]);
    form.dataset.ready = "1";
  }

  // ---- Sheets kept for offline reading: the page in a cache of its own, its title in the list.
  const keptSheets = async () => (await store("meta", "readonly", (s) => s.get("sheets"))) || [];
  async function keepSheet(event) {
    const button = event.target;
    await (await caches.open("hubiit-saved")).add(location.pathname);
    const sheets = (await keptSheets()).filter((sheet) => sheet.url !== location.pathname);
    sheets.unshift({ url: location.pathname, title: button.dataset.title });
    await store("meta", "readwrite", (s) => s.put(sheets, "sheets"));
    Object.assign(button, { textContent: text.kept, disabled: true });
  }
  async function showKeptSheets() {
    const list = $("#kept-sheets");
    if (!list) return;
    const sheets = await keptSheets();
    list.replaceChildren(
      ...sheets.map((sheet) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        Object.assign(link, { href: sheet.url, textContent: sheet.title });
        item.append(link);
        return item;
      })
    );
    $("#kept").hidden = !sheets.length;
  }

  // ---- On every mobile page: keep the storage, install the offline shell, send what waits, and warn
  // before signing out with visits unsent; signing out drops the cached pages, the directory copy and
  // the sheets kept.
  async function start() {
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
    if ("serviceWorker" in navigator) navigator.serviceWorker.register(cfg.worker).catch(() => {});
    document.querySelectorAll('form[action$="/logout/"]').forEach((form) =>
      form.addEventListener("submit", async (event) => {
        if (form.dataset.confirmed) return;
        event.preventDefault();
        const unsent = (await records()).filter((record) => record.state !== "sent").length;
        if (!unsent || confirm(text.confirmLogout)) {
          if (window.caches) for (const key of await caches.keys()) await caches.delete(key);
          await store("meta", "readwrite", (s) => s.delete("directory"));
          await store("meta", "readwrite", (s) => s.delete("followups"));
          await store("meta", "readwrite", (s) => s.delete("sheets"));
          form.dataset.confirmed = "1";
          form.requestSubmit();
        }
      })
    );
    const keep = $("#keep-sheet");
    if (keep) keep.addEventListener("click", keepSheet);
    showKeptSheets();
    const sendNow = $("#send-now");
    if (sendNow) sendNow.addEventListener("click", sendAll);
    window.addEventListener("online", sendAll);
    setInterval(() => navigator.onLine && sendAll(), 60000);
    if ($("#visit-form")) await startForm();
    else if (app.page) await app.page();
    await sendAll();
  }
  // What a page's own script (followup.js) uses; it sets `page`, run once every deferred script has run.
  const app = (window.hubiit = { cfg, text, $, uuid, save, records, store, sendAll, localDateTime, followupName });
  document.addEventListener("DOMContentLoaded", start);
})();
