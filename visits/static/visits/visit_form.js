// The visit form of the referents' mobile app, beside mobile.js (window.hubiit): the offline enterprise
// picker on the copy of the directory, GPS, photos shrunk on the phone, the draft kept at each change and
// the visit saved to the outbox, which mobile.js sends.
"use strict";
(function () {
  const app = window.hubiit;
  const { cfg, text, $, el, fill, when, button, uuid, timed, save, get, meta, request, sending, sendAll } = app;
  const { draftKey, localDateTime, followupName } = app;

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
    try {
      const response = await request(cfg.directory);
      if (response.ok) {
        directory = unpacked(await response.json());
        await meta("directory", directory);
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
      const input = el("input", { type: "checkbox", name: "cases", value: id, checked: checkedCases.includes(id) });
      return el("label", { className: "check" }, input, `${reference} ${title}`);
    });
    box.replaceChildren(legend, ...(rows.length ? rows : [el("p", { className: "muted" }, text.noCase)]));
    // The enterprise's follow-ups due, each a link to its form (which works offline too).
    const due = followups.filter((f) => f[1] === enterprise[0]);
    $("#visit-followups").hidden = !due.length;
    $("#visit-followups span").replaceChildren(
      ...due.map((f) => el("a", { href: `${cfg.followups}${f[0]}/`, className: "button" }, followupName(f)))
    );
  }
  // The copy of the follow-ups due, [id, enterprise id, kind, due date, case reference, enterprise name],
  // which the home page and the follow-up form refresh (followup.js): the visit form reads it as it is.
  let followups = [];
  function showFound(found) {
    const results = $("#enterprise-results");
    if (!found.length) {
      const none = directory.partial && !navigator.onLine ? text.noMatchOffline : text.noMatch;
      return results.replaceChildren(el("li", { className: "muted" }, none));
    }
    const pick = (e) => {
      choose(e, []);
      keepDraft();
    };
    results.replaceChildren(...found.map((e) => el("li", {}, button(`${e[1]} · ${e[2]}`, () => pick(e)))));
  }
  // A `partial` copy holds part of the hub (the referent's cases, visits and regions, capped): online, the
  // rest is asked of the API, and an enterprise chosen from there joins the copy.
  let asking = null;
  async function searchHub(query, found) {
    asking?.abort();
    asking = new AbortController();
    try {
      const url = `${cfg.enterprises}?${new URLSearchParams({ q: query, page_size: 8 })}`;
      const response = await request(url, { signal: timed(30000, asking) });
      if (!response.ok) return;
      const known = new Set(found.map((e) => e[0]));
      const more = (await response.json()).results
        .filter((row) => !known.has(row.id))
        .map((row) => [row.id, row.name, row.commune || row.region, "hub"]);
      if ($("#enterprise-search").value === query) showFound([...found, ...more].slice(0, 8));
    } catch (error) {
      // Aborted by a newer search or by its timer, or the network is gone: the copy's matches stay shown.
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
    await meta("directory", directory);
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
        if (!$("#drop-draft").hidden) keepDraft();
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
    const canvas = el("canvas", { width: Math.round(image.width * scale), height: Math.round(image.height * scale) });
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
    keepDraft();
  }

  // ---- The form: each save goes to the outbox first, then the outbox is sent. Until then the form is a
  // draft, kept in IndexedDB at each change (one per referent on the phone) and put back when it opens.
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
    $("#drop-draft").hidden = true;
  }
  function addNeed(need) {
    const add = $("#add-need");
    if (document.querySelectorAll(".need").length >= Number(add.dataset.max)) return;
    add.before($("#need-row").content.cloneNode(true));
    const [title, domain] = add.previousElementSibling.children;
    if (!need.title) return title.focus();
    title.value = need.title;
    domain.value = need.domain;
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
      started_at: data.get("started_at") && new Date(data.get("started_at")).toISOString(),
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
  const draftOf = (form) => ({
    client_uuid: form.client_uuid.value,
    name: $("#enterprise-search").value,
    payload: payload(form),
    photos,
  });
  function keepDraft() {
    meta(draftKey, draftOf($("#visit-form")));
    $("#drop-draft").hidden = false;
  }
  async function dropDraft() {
    if (!confirm(text.dropDraft)) return;
    await meta(draftKey, null);
    resetForm();
    locate();
    $("#form-status").hidden = true;
  }
  // A draft, or a refused visit to correct, back in the form: every field, the enterprise and the cases
  // linked, the needs, the position and the photos.
  function reopen(record, note, className) {
    const form = $("#visit-form");
    const p = record.payload;
    resetForm();
    photos = record.photos;
    for (const [name, value] of Object.entries(p)) {
      const field = form.elements[name];
      if (field && field.tagName && value !== null && typeof value !== "object") field.value = value;
    }
    if (p.started_at) form.started_at.value = localDateTime(new Date(p.started_at));
    const enterprise = directory.enterprises.find((e) => e[0] === p.enterprise) || [p.enterprise, record.name];
    if (p.enterprise) choose(enterprise, p.cases);
    p.new_cases.forEach(addNeed);
    if (p.latitude) {
      form.dataset.position = JSON.stringify([p.latitude, p.longitude, p.gps_accuracy_m]);
      $("#gps-status").textContent = fill(text.located, { metres: p.gps_accuracy_m });
    }
    if (photos.length) $("#photo-status").textContent = fill(text.photos, { count: photos.length });
    Object.assign($("#form-status"), { textContent: note, className, hidden: false });
    $("#drop-draft").hidden = false;
  }
  async function submit(event) {
    event.preventDefault();
    const form = event.target;
    if (!form.enterprise.value) $("#enterprise-search").setCustomValidity(text.pickEnterprise);
    const women = form.people_reached_women;
    women.setCustomValidity(Number(women.value) > Number(form.people_reached_total.value) ? text.tooManyWomen : "");
    if (!form.reportValidity()) return;
    const record = {
      ...draftOf(form),
      user: cfg.user,
      page: location.pathname,
      label: `${$("#enterprise-search").value} · ${when(form.started_at.value)}`,
      photos_sent: [],
      state: "waiting",
      reason: "",
      saved_at: Date.now(),
    };
    sending.add(record.client_uuid);
    await save(record);
    await meta(draftKey, null);
    resetForm();
    locate();
    const status = $("#form-status");
    Object.assign(status, { textContent: text.saved, className: "messages", hidden: false });
    const after = $("#visit-followups");
    if (after && !after.hidden) status.append(" ", ...after.querySelectorAll("a"));
    if (after) after.hidden = true;
    window.scrollTo(0, 0);
    await sendAll();
    const sent = await get(record.client_uuid);
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
    $("#drop-draft").addEventListener("click", dropDraft);
    form.addEventListener("input", keepDraft);
    form.addEventListener("submit", submit);
    // A refused visit opened from the outbox takes the draft's place (the outbox asked first), unless the
    // draft is that visit's, corrections begun; otherwise the draft comes back. Either keeps its position:
    // the GPS is asked only for a form without one.
    const query = new URLSearchParams(location.search);
    const asked = await get(query.get("edit") || "");
    const refused = asked && asked.user === cfg.user && asked.state === "refused" && asked;
    const draft = await meta(draftKey);
    const kept = refused && (!draft || draft.client_uuid !== refused.client_uuid) ? refused : draft;
    if (!kept || !kept.payload.latitude) locate();
    followups = (await meta("followups")) || [];
    directory = (await meta("directory")) || directory;
    if (refused) reopen(kept, `${text.refused} – ${refused.reason}`, "error");
    else if (kept) reopen(kept, text.draftBack, "notice");
    if (refused) keepDraft();
    await loadDirectory();
    const chosen = !kept && directory.enterprises.find((e) => e[0] === Number(query.get("enterprise")));
    if (chosen) choose(chosen, [Number(query.get("case"))]);
    form.dataset.ready = "1";
  }

  app.page = startForm;
})();
