// casework: progressive enhancement only; every page works without it.
(function () {
  "use strict";
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
  // A fragment request after the session ended lands on the sign-in page: go there whole.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var url = event.detail.xhr && event.detail.xhr.responseURL;
    if (url && url.indexOf("/sign-in/") !== -1) {
      event.detail.shouldSwap = false;
      window.location.assign(url);
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.target);
  });
})();
