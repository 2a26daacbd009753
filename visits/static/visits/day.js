// The referent's day on the phone, beside mobile.js (window.hubiit): the copy of their open cases, kept in
// IndexedDB and refreshed whenever a page opens online, with the time of the last refresh; a case's page
// filled from that copy when the service worker serves it offline; and the notes, messages and moves made
// on a case, saved to the outbox with the case's version and sent in the order they were made.
"use strict";
(function () {
  const app = window.hubiit;
  const { cfg, text, $, el, fill, when, shortDate, uuid, save, records, meta, request, sendAll } = app;
  const actionsUrl = (id) => cfg.actions.replace("/0/", `/${id}/`);

  // Asked once the page has loaded: the copy weighs nothing on the page's first load. It names its referent:
  // another person signed in on the same phone never reads it.
  const mine = async () => {
    const day = await meta("day");
    return day?.user === cfg.user ? day : null;
  };
  async function refresh() {
    try {
      const response = await request(cfg.day);
      if (response.ok) await meta("day", { ...(await response.json()), user: cfg.user, refreshed: Date.now() });
    } catch (error) {
      // Offline, or no answer in time: the copy kept serves.
    }
    const day = await mine();
    const line = $("#day-refreshed");
    if (line && day) Object.assign(line, { textContent: fill(text.refreshed, { time: when(day.refreshed) }), hidden: false });
    return day;
  }

  // ---- A case's page. `shown` is the case as the page shows it: the server's online, the copy's offline.
  const box = () => $("#case");
  let shown;
  const entry = ([time, kind, author, body]) =>
    el(
      "li",
      { className: `item kind-${kind}` },
      el("strong", {}, text[kind] || body.split("\n")[0]),
      " ",
      el("span", { className: "muted" }, `${when(time)} · ${author}`),
      " ",
      el("span", {}, text[kind] ? body : body.split("\n").slice(1).join("\n"))
    );

  function fillFromCopy(found) {
    const e = found.enterprise;
    $("#case-ref").textContent = found.reference;
    $("#case-title").textContent = document.title = found.title;
    $("#case-enterprise").textContent = [e.name, e.contact].filter(Boolean).join(" · ");
    Object.assign($("#case-phone"), { href: `tel:${e.phone}`, textContent: e.phone });
    $("#case-address").textContent = [e.address, e.place].filter(Boolean).join(", ");
    Object.assign($("#case-due"), { textContent: found.next_due ? fill(text.due, { date: shortDate(found.next_due) }) : "", hidden: !found.next_due });
    $("#case-description").textContent = found.description;
    $("#case-visit").search = `?enterprise=${e.id}&case=${found.id}`;
    $("#case-timeline").replaceChildren(...found.timeline.map(entry));
  }

  // The moves offered from the status the case will have once what waits on the phone is sent.
  function showMoves(status, label) {
    Object.assign($("#case-status"), { className: `status ${status}`, textContent: label });
    const moves = cfg.transitions[status] || [];
    $("#moves").hidden = !moves.length;
    $("#move-forms").replaceChildren(
      ...moves.map(([move, moveLabel]) => {
        const field = move === "resolved" ? "resolution_summary" : "note";
        const input = el("textarea", { name: field, id: `${move}-${field}`, rows: 3, required: move === "resolved" });
        const form = el(
          "form",
          {},
          el("input", { type: "hidden", name: "to_status", value: move }),
          el("label", { htmlFor: input.id }, move === "resolved" ? text.summary : text.note),
          input,
          el("button", { type: "submit", className: "primary" }, fill(text.confirm, { label: moveLabel }))
        );
        form.dataset.queue = "move";
        form.addEventListener("submit", queue);
        return el("details", { className: "move" }, el("summary", {}, moveLabel), form);
      })
    );
  }

  // What this referent saved for the case and the phone has not sent yet, listed above the timeline; a move
  // waiting changes the status shown and the moves offered.
  async function showPending() {
    const waiting = (await records()).filter((r) => r.case === shown.id && r.state !== "sent");
    $("#case-pending").replaceChildren(
      ...waiting.map((r) =>
        el("li", { className: `item state-${r.state}` }, el("strong", {}, r.move || text[r.payload.kind === "message" ? "sme" : "internal"]), " ",
          el("span", { className: "muted" }, r.state === "refused" ? r.reason : text.pending), " ", el("span", {}, r.payload.body || r.payload.resolution_summary))
      )
    );
    const move = waiting.filter((r) => r.payload.kind === "move" && r.state === "waiting").pop();
    if (move && $("#moves")) showMoves(move.payload.to_status, `${text.pending} – ${move.move}`);
  }

  async function queue(event) {
    event.preventDefault();
    const form = event.target;
    if (!form.reportValidity()) return;
    const data = new FormData(form);
    const move = form.dataset.queue === "move" ? data.get("to_status") : "";
    const kind = move ? "move" : data.get("visibility") === "sme" ? "message" : "note";
    const moveLabel = move && form.closest("details").querySelector("summary").textContent.trim();
    const payload = {
      client_uuid: uuid(),
      kind,
      version: shown.version,
      body: (data.get(move ? "note" : "body") || "").trim(),
      to_status: move,
      resolution_summary: (data.get("resolution_summary") || "").trim(),
      made_at: new Date().toISOString(),
    };
    await save({
      client_uuid: payload.client_uuid,
      user: cfg.user,
      url: actionsUrl(shown.id),
      case: shown.id,
      ref: shown.reference,
      move: moveLabel,
      label: `${shown.reference} · ${moveLabel || text[kind === "message" ? "sme" : "internal"]}`,
      payload,
      photos: [],
      photos_sent: [],
      state: "waiting",
      reason: "",
      saved_at: Date.now(),
    });
    form.reset();
    form.closest("details")?.removeAttribute("open");
    Object.assign($("#case-saved"), { textContent: text.onPhoneAction, hidden: false });
    await showPending();
    await sendAll();
    // Online, once the server has all of it, the page shows the case as the server now has it.
    if (box().dataset.case && !(await records()).some((r) => r.case === shown.id && r.state !== "sent")) location.reload();
    else await showPending();
  }

  async function startCase() {
    const online = box().dataset;
    const id = Number(online.case || (location.pathname.match(/\/(\d+)\/$/) || [])[1]);
    const day = online.case ? refresh() : mine();
    shown = online.case
      ? { id, version: Number(online.version), reference: $("#case-ref").textContent, status: online.status }
      : ((await day) || { cases: [] }).cases.find((c) => c.id === id);
    if (!shown) {
      Object.assign($("#case-saved"), { textContent: text.notKept, className: "error", hidden: false });
      return document.querySelectorAll("#case form").forEach((form) => (form.hidden = true));
    }
    if (!online.case) {
      fillFromCopy(shown);
      showMoves(shown.status, shown.status_label);
    }
    document.querySelectorAll("form[data-queue]").forEach((form) => form.addEventListener("submit", queue));
    await showPending();
    box().dataset.ready = "1";
  }

  // A move refused because someone else changed the case meanwhile, kept as a note saying what the referent
  // did: the server stored nothing under its UUID, which the note takes.
  app.asNote = function (record) {
    const { to_status, body, resolution_summary } = record.payload;
    const note = [record.move || to_status, resolution_summary, body].filter(Boolean).join("\n");
    Object.assign(record.payload, { kind: "note", body: note, to_status: "", resolution_summary: "" });
    Object.assign(record, { label: `${record.ref} · ${text.internal}`, move: "", code: 0 });
    return app.retry(record);
  };

  const previous = app.page;
  app.page = async function () {
    if (previous) await previous();
    window.addEventListener("online", refresh);
    if (box()) return startCase();
    await refresh();
  };
})();
