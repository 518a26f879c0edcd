// The admin WhatsApp page's status panel, kept current without a reload: every 3 s it asks
// the URL in the panel's data-wa-poll for the connection (JSON) and puts each field where the
// page marks it — data-wa-text="field" (the text), data-wa-html="field" (server-drawn markup:
// the QR code's SVG), data-wa-show="field" (hidden while the field is empty). Without this
// script the page shows the same on every reload.
(function () {
  "use strict";
  var panel = document.querySelector("[data-wa-poll]");
  if (!panel || !window.fetch) {
    return;
  }
  var url = panel.getAttribute("data-wa-poll");
  var shown = {};

  function apply(data) {
    panel.querySelectorAll("[data-wa-text]").forEach(function (el) {
      var v = data[el.getAttribute("data-wa-text")];
      el.textContent = v === null || v === undefined ? "" : String(v);
    });
    panel.querySelectorAll("[data-wa-html]").forEach(function (el) {
      var field = el.getAttribute("data-wa-html");
      var v = data[field] || "";
      // Only when it changed: replacing the same SVG would make the image flicker.
      if (shown[field] !== v) {
        el.innerHTML = v;
        shown[field] = v;
      }
    });
    panel.querySelectorAll("[data-wa-show]").forEach(function (el) {
      el.hidden = !data[el.getAttribute("data-wa-show")];
    });
    panel.querySelectorAll("[data-wa-hide]").forEach(function (el) {
      el.hidden = !!data[el.getAttribute("data-wa-hide")];
    });
    panel.setAttribute("data-status", data.status || "");
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error("HTTP " + r.status);
        }
        return r.json();
      })
      .then(apply)
      .catch(function () {
        // A missed poll is not worth a message: the next one tries again.
      })
      .then(function () {
        window.setTimeout(poll, 3000);
      });
  }

  panel.querySelectorAll("[data-wa-html]").forEach(function (el) {
    shown[el.getAttribute("data-wa-html")] = el.innerHTML.trim();
  });
  window.setTimeout(poll, 3000);
})();
