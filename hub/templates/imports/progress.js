/* Spreadsheet imports: while a form with data-progress is sent, show its progress element; for the import,
   poll the batch's progress (lines done out of the total) until the next page comes. The form is sent as
   usual: without this script the page simply waits. */
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var shown = form.dataset && document.getElementById(form.dataset.progress);
  if (!shown) return;
  var submitter = event.submitter;
  if (submitter && submitter.hasAttribute("formaction")) return;
  shown.hidden = false;
  window.setTimeout(function () {
    form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
  }, 0);
  var url = shown.dataset.url;
  if (!url) return;
  var bar = shown.querySelector("progress");
  var text = shown.querySelector("span");
  var poll = function () {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (progress) {
        if (progress && progress.total) {
          bar.max = progress.total;
          bar.value = progress.done;
          text.textContent = progress.done.toLocaleString() + " / " + progress.total.toLocaleString() + " " + shown.dataset.lines;
        }
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 1000); });
  };
  window.setTimeout(poll, 500);
});
