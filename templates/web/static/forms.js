// How every page's forms behave in the hand, loaded on each page from /static/forms.js (the
// policy allows no inline handlers). Without this script the forms still work: the server
// refuses nothing for want of it, and its idempotency keys make a repeated submit harmless.
//
// - In a quantity field (input.qty) Enter — the "Go" key of a phone's numeric keypad — moves
//   to the next visible quantity field, after the last one to the submit button. It never
//   sends: a half-filled order or PO must not leave by accident.
// - A form (or its submit button) with data-confirm="question" asks that question first;
//   "Batal" sends nothing.
// - A POST form being sent shows it: its button is disabled and reads "Mengirim…", and any
//   further submit of that form is dropped until the next page arrives.
// - A form shown again after a refusal puts the first field marked aria-invalid in view and
//   focuses it.
(function () {
  "use strict";

  function visible(el) {
    return !el.disabled && el.offsetParent !== null;
  }

  function submitButtonOf(form) {
    return form.querySelector('button[type="submit"], button:not([type]), input[type="submit"]');
  }

  document.addEventListener("keydown", function (e) {
    var input = e.target;
    if (e.key !== "Enter" || !input.matches || !input.matches("input.qty") || !input.form) {
      return;
    }
    e.preventDefault();
    var fields = Array.prototype.filter.call(input.form.querySelectorAll("input.qty"), visible);
    var next = fields[fields.indexOf(input) + 1];
    if (next) {
      next.focus();
      next.select();
      return;
    }
    var button = submitButtonOf(input.form);
    if (button) {
      button.focus();
    }
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.hasAttribute("data-sending")) {
      // A second tap while the first request is on its way.
      e.preventDefault();
      return;
    }
    var button = e.submitter || submitButtonOf(form);
    var question =
      (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      e.preventDefault();
      return;
    }
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") {
      return;
    }
    form.setAttribute("data-sending", "");
    form.setAttribute("aria-busy", "true");
    // After this event: a disabled button would leave its own name/value out of what is sent.
    window.setTimeout(function () {
      if (!button || !form.hasAttribute("data-sending")) {
        return;
      }
      button.setAttribute("data-label", button.textContent);
      button.disabled = true;
      button.textContent = "Mengirim…";
    }, 0);
  });

  // A form shown again with what was refused: the eye goes to the first field at fault (its
  // group opened, scrolled to the middle, focused); the summary stays at the top of the form.
  function showFirstFault() {
    var field = document.querySelector('form [aria-invalid="true"]');
    if (!field) {
      return;
    }
    for (var el = field.parentNode; el; el = el.parentNode) {
      if (el.tagName === "DETAILS") {
        el.open = true;
      }
    }
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showFirstFault);
  } else {
    showFirstFault();
  }

  // Back to a page kept in the browser's memory: its forms are not being sent any more.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      form.removeAttribute("data-sending");
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[data-label]").forEach(function (button) {
        button.textContent = button.getAttribute("data-label");
        button.removeAttribute("data-label");
        button.disabled = false;
      });
    });
  });
})();
