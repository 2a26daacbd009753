/* A report export prepared in the background: poll its progress every few seconds and show the download
   link once the file is ready. Without this script the page refreshes itself (<noscript> meta refresh). */
"use strict";
(function () {
  var box = document.getElementById("export-job");
  if (!box || !box.dataset.url) return;
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-percent]");
  var message = box.querySelector("[data-message]");
  var download = box.querySelector("[data-download]");
  var wait = (parseInt(box.dataset.refresh, 10) || 2) * 1000;
  var show = function (state) {
    bar.value = state.percent;
    bar.textContent = state.percent + " %";
    percent.textContent = state.percent + " %";
    message.textContent = state.message;
    message.classList.toggle("error", state.failed);
    if (state.finished) box.querySelector("[data-running]").hidden = true;
    if (state.download) {
      download.querySelector("a").href = state.download;
      download.querySelector("[data-name]").textContent = state.file_name;
      download.hidden = false;
    }
  };
  var poll = function () {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) return true;
        show(state);
        return !state.finished;
      })
      .catch(function () { return true; })
      .then(function (again) { if (again) window.setTimeout(poll, wait); });
  };
  window.setTimeout(poll, wait);
})();
