// The technology sheets a referent keeps on the phone to read at a site with no network, beside mobile.js
// (window.hubiit): the sheet's page and its pictures in a cache of their own ("hubiit-saved", which a new
// version of the app leaves alone), their titles and sizes in IndexedDB, within the room the app gives them
// (`cfg.sheetsRoom` bytes): past it, a sheet is kept only once another is removed.
"use strict";
(function () {
  const app = window.hubiit;
  const { cfg, text, $, el, fill, button, meta } = app;
  const kept = async () => (await meta("sheets")) || [];
  const megabytes = (bytes) => (bytes / 1e6).toLocaleString(cfg.lang, { maximumFractionDigits: 1 });

  async function keep(event) {
    const keeping = event.target;
    const sheets = (await kept()).filter((sheet) => sheet.url !== location.pathname);
    const bytes = Number(keeping.dataset.bytes);
    const used = sheets.reduce((sum, sheet) => sum + (sheet.bytes || 0), 0);
    if (used + bytes > cfg.sheetsRoom) {
      return Object.assign($("#keep-status"), { textContent: fill(text.noRoom, { room: megabytes(cfg.sheetsRoom) }), hidden: false });
    }
    const files = [location.pathname, ...[...document.querySelectorAll("#sheet-pictures img")].map((img) => img.getAttribute("src"))];
    await (await caches.open("hubiit-saved")).addAll(files);
    sheets.unshift({ url: location.pathname, title: keeping.dataset.title, bytes, files });
    await meta("sheets", sheets);
    Object.assign(keeping, { textContent: text.kept, disabled: true });
  }

  async function remove(sheet) {
    const cache = await caches.open("hubiit-saved");
    for (const file of sheet.files || [sheet.url]) await cache.delete(file);
    await meta("sheets", (await kept()).filter((other) => other.url !== sheet.url));
    await list();
  }

  async function list() {
    const sheets = await kept();
    $("#kept-sheets").replaceChildren(
      ...sheets.map((sheet) => el("li", { className: "item" }, el("a", { href: sheet.url }, sheet.title), " ", button(text.remove, () => remove(sheet))))
    );
    const used = sheets.reduce((sum, sheet) => sum + (sheet.bytes || 0), 0);
    $("#kept-room").textContent = fill(text.room, { used: megabytes(used), room: megabytes(cfg.sheetsRoom) });
    $("#kept").hidden = !sheets.length;
  }

  app.page = async function () {
    const keeping = $("#keep-sheet");
    if (keeping) {
      keeping.addEventListener("click", keep);
      if ((await kept()).some((sheet) => sheet.url === location.pathname)) Object.assign(keeping, { textContent: text.kept, disabled: true });
    }
    if ($("#kept-sheets")) await list();
  };
})();
