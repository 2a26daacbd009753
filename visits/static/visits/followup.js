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
      const response = await fetch(cfg.followupsCopy, { credentials: "same-origin" });
      if (response.ok) {
        const { followups } = await response.json();
        await app.store("meta", "readwrite", (s) => s.put(followups, "followups"));
      }
    } catch (error) {
      // Offline.
    }
    return (await app.store("meta", "readonly", (s) => s.get("followups"))) || [];
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
    const status = $("#form-status");
    status.textContent = message;
    status.hidden = false;
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
    const kept = (await app.records()).find((r) => r.url === url && r.state !== "refused");
    if (kept) return saved(form, text.onPhone);
    form.client_uuid.value = app.uuid();
    form.collected_on.value = app.localDateTime(new Date()).slice(0, 10);
    form.collected_on.max = form.collected_on.value;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      await app.save({
        client_uuid: form.client_uuid.value,
        user: cfg.user,
        url,
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

  app.page = async function () {
    const form = $("#followup-form");
    if (form) return startForm(form);
    await markKept();
    await refreshCopy();
  };
})();
