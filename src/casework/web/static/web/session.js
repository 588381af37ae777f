/* Session expiry without losing work (issue 13, item 10; casework.web.session_expiry).
   Warns before the idle timeout with a "Stay signed in" button (an HTMX post to the
   keep-alive endpoint), says when the session has ended, and puts back the fields of a
   form that was posted after it ended, once its author has signed in again. */
(function () {
  "use strict";

  var box, warning, ended, idle, warn, everyRequest, warnTimer, endTimer;

  function show(which) {
    box.hidden = false;
    warning.hidden = which !== "warning";
    ended.hidden = which !== "ended";
    if (which === "warning") {
      var button = warning.querySelector("button");
      if (button) { button.focus(); }
    }
  }

  function schedule() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    box.hidden = true;
    warnTimer = window.setTimeout(function () { show("warning"); }, Math.max(0, idle - warn) * 1000);
    endTimer = window.setTimeout(function () { show("ended"); }, idle * 1000);
  }

  function setValue(element, values, index) {
    var type = (element.type || "").toLowerCase();
    if (type === "hidden" || type === "file" || type === "submit" || type === "button") { return; }
    if (type === "checkbox" || type === "radio") {
      element.checked = values.indexOf(element.value) !== -1;
    } else if (element.tagName === "SELECT" && element.multiple) {
      Array.prototype.forEach.call(element.options, function (option) {
        option.selected = values.indexOf(option.value) !== -1;
      });
    } else if (index < values.length) {
      element.value = values[index];
    }
  }

  function restore() {
    var node = document.getElementById("cw-resumed-form");
    if (!node) { return; }
    var fields = JSON.parse(node.textContent);
    var names = Object.keys(fields);
    var best = null, bestCount = 0;
    document.querySelectorAll("main form").forEach(function (form) {
      if ((form.getAttribute("method") || "").toLowerCase() !== "post" || form.id === "cw-session-form") { return; }
      var count = names.filter(function (name) { return form.elements.namedItem(name) !== null; }).length;
      if (count > bestCount) { best = form; bestCount = count; }
    });
    if (!best) { return; }
    names.forEach(function (name) {
      var seen = 0;
      Array.prototype.forEach.call(best.elements, function (element) {
        if (element.name !== name) { return; }
        var type = (element.type || "").toLowerCase();
        setValue(element, fields[name], seen);
        if (type !== "checkbox" && type !== "radio") { seen += 1; }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restore();
    box = document.getElementById("cw-session");
    if (!box) { return; }
    warning = document.getElementById("cw-session-warning");
    ended = document.getElementById("cw-session-ended");
    idle = parseInt(box.getAttribute("data-idle-seconds"), 10);
    warn = parseInt(box.getAttribute("data-warn-seconds"), 10);
    everyRequest = box.getAttribute("data-every-request") === "1";
    if (!(idle > 0)) { return; }
    schedule();
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var keepAlive = event.detail.elt && event.detail.elt.id === "cw-session-form";
      if (keepAlive) {
        if (event.detail.successful) { schedule(); } else { show("ended"); }
      } else if (everyRequest && event.detail.successful) {
        schedule();
      }
    });
  });
}());
