// The impact follow-ups on the referent's phone, beside mobile.js (window.hubiit): the copy of the
// follow-ups due refreshed on the home page and on a follow-up's form, and the form itself, named by the
// page online and by the copy when the worker serves the offline shell. A follow-up is recorded once: its
// answers wait in the outbox for the API's collect endpoint, keyed by the UUID made when the form opens.
"use strict";
(function () {
  const app = window.hubiit;
  const { $, text, cfg } = app;
  const collectUrl = (id) => cfg.collect.replace("/0/", `/${id}/`);

  // [id, enterprise id, kind, due date, case reference, enterprise name] per follow-up due; offline, the
  // copy kept from the last page opened online serves.
  async function refreshCopy() {
    try {
      const response = await app.request(cfg.followupsCopy);
      if (response.ok) await app.meta("followups", (await response.json()).followups);
    } catch (error) {
      // Offline, or no answer in time.
    }
    return (await app.meta("followups")) || [];
  }

  // The home page: a follow-up recorded on the phone and not sent yet says so.
  async function markKept() {
    const kept = new Set((await app.records()).filter((r) => r.url && r.state !== "sent").map((r) => r.url));
    for (const item of document.querySelectorAll("#due-followups [data-followup]")) {
      if (!kept.has(collectUrl(item.dataset.followup))) continue;
      const note = document.createElement("span");
      note.className = "muted";
      note.textContent = ` ${text.onPhone}`;
      item.append(note);
    }
  }

  function saved(form, message) {
    form.hidden = true;
    Object.assign($("#form-status"), { textContent: message, className: "messages", hidden: false });
  }

  // The questions shown, as the API reads them: numbers, yes / no / unknown, texts, the day collected.
  function answers(form) {
    const payload = { client_uuid: form.client_uuid.value };
    for (const question of form.querySelectorAll(".q")) {
      if (form.dataset.kind === "baseline" && !question.hasAttribute("data-baseline")) continue;
      const input = question.querySelector("[name]");
      const value = input.value.trim();
      if (input.name === "technology_adopted") payload[input.name] = { true: true, false: false }[value] ?? null;
      else if (input.type === "number" || input.tagName === "SELECT") payload[input.name] = value === "" ? null : Number(value);
      else payload[input.name] = value;
    }
    return payload;
  }

  async function startForm(form) {
    const id = Number(form.dataset.followup || (location.pathname.match(/\/(\d+)\/$/) || [])[1]);
    const followups = await refreshCopy();
    if (!id) return saved(form, text.followupUnknown);
    const known = followups.find((f) => f[0] === id);
    if (!form.dataset.followup) {
      if (known) {
        form.dataset.kind = known[2];
        $("#followup-title").textContent = `${cfg.kinds[known[2]]} · ${known[5]}`;
        $("#followup-facts").textContent = app.followupName(known);
      } else {
        $("#followup-facts").textContent = text.followupUnknown;
      }
    }
    const url = collectUrl(id);
    const mine = (await app.records()).filter((r) => r.url === url);
    if (mine.some((r) => r.state !== "refused")) return saved(form, text.onPhone);
    form.client_uuid.value = app.uuid();
    form.collected_on.value = app.localDateTime(new Date()).slice(0, 10);
    form.collected_on.max = form.collected_on.value;
    // A follow-up refused for what it said (400) stored nothing: it opens as it was, to be corrected and
    // sent again under the same UUID.
    const refused = mine.find((r) => r.code === 400);
    if (refused) {
      for (const [name, value] of Object.entries(refused.payload)) {
        if (form.elements[name] && value !== null) form.elements[name].value = value;
      }
      const status = `${text.refused} – ${refused.reason}`;
      Object.assign($("#form-status"), { textContent: status, className: "error", hidden: false });
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      await app.save({
        client_uuid: form.client_uuid.value,
        user: cfg.user,
        url,
        page: location.pathname,
        payload: answers(form),
        label: $("#followup-title").textContent,
        photos: [],
        photos_sent: [],
        state: "waiting",
        reason: "",
        saved_at: Date.now(),
      });
      saved(form, text.followupSaved);
      app.sendAll();
    });
    form.dataset.ready = "1";
  }

  // The home page: whether the browser keeps what the phone holds when it runs short of space (mobile.js asks
  // it to at each load) and the room used. Where the browser cannot tell, this throws and the line stays hidden.
  async function showStorage(line) {
    const { usage, quota } = await navigator.storage.estimate();
    const mb = (bytes) =>
      (bytes / 1e6).toLocaleString(document.documentElement.lang, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 });
    const space = line.dataset.space.replace("%(used)s", mb(usage)).replace("%(free)s", mb(quota - usage));
    line.textContent = `${line.dataset[(await navigator.storage.persist()) ? "kept" : "lost"]}. ${space}`;
    line.hidden = false;
  }

  app.page = async function () {
    const form = $("#followup-form");
    if (form) return startForm(form);
    showStorage($("#storage")).catch(() => {});
    await markKept();
    await refreshCopy();
  };
})();
