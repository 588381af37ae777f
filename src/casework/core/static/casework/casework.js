// casework: progressive enhancement only; every page works without it.
(function () {
  "use strict";
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  // Narrow screens (under 480 px) show each table row as a stack of cells (casework.css);
  // each cell is labelled with its column's heading, as USWDS's stacked tables are.
  function labelTableCells(root) {
    (root || document).querySelectorAll("table.usa-table").forEach(function (table) {
      var labels = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        var copy = th.cloneNode(true);
        copy.querySelectorAll(".usa-sr-only").forEach(function (hidden) { hidden.remove(); });
        return copy.textContent.trim();
      });
      if (!labels.length) { return; }
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (labels[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", labels[i]); }
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    labelTableCells(document);
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
    labelTableCells(event.target.parentNode || document);
    focusErrorSummary(event.target);
  });
})();
