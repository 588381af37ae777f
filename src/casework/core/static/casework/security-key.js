// casework: the WebAuthn ceremony of a security key or passkey (web/mfa_views.py).
// A button marked data-security-key="create" (enrol) or "get" (sign in) reads its options
// from the JSON element named by data-options, asks the browser, and posts the credential.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-security-key]").forEach(function (button) {
      var form = button.closest("form");
      var input = form.querySelector("input[name=credential]");
      var status = form.querySelector("[data-security-key-status]");
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var options = JSON.parse(document.getElementById(button.getAttribute("data-options")).textContent);
        var ceremony = button.getAttribute("data-security-key") === "create"
          ? window.webauthnJSON.create(options)
          : window.webauthnJSON.get(options);
        ceremony.then(function (credential) {
          input.value = JSON.stringify(credential);
          form.submit();
        }).catch(function () {
          if (status) { status.textContent = status.getAttribute("data-message"); }
        });
      });
    });
  });
})();
