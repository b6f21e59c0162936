// Our own behaviour for forms, loaded once from the base template (docs/design.md, "Confirmations" and "Errors").
//
// The content security policy forbids inline handlers (onsubmit="..."), so a form or button that needs a
// confirmation carries its question as data: <form data-confirm="Remove this box?"> or
// <button data-confirm="Publish all 4 values?">. The question is asked before the browser submits the form and
// before htmx sends it (this listener runs in the capture phase on the document, ahead of htmx's own listener on
// the form): Cancel stops the submission, OK lets it go on unchanged. The text is translated in the template.
//
// After a refused submission the page marks its errors with .field-error (beside each field) and
// #form-errors (the summary at the top); focus moves to the first field in error so a keyboard or screen
// reader user lands where the work is, and the summary's links move focus to their field.
(function () {
  "use strict";

  function question(form, submitter) {
    if (submitter && submitter.hasAttribute("data-confirm")) return submitter.getAttribute("data-confirm");
    return form.getAttribute("data-confirm");
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      var text = question(form, event.submitter);
      if (!text) return;
      if (!window.confirm(text)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  function fieldOf(error) {
    var holder = error.closest("[data-field]");
    if (!holder) return null;
    return holder.querySelector("input:not([type=hidden]), select, textarea");
  }

  function focusFirstError(root) {
    var first = (root || document).querySelector(".field-error");
    var field = first && fieldOf(first);
    if (field) {
      field.focus();
      return;
    }
    var summary = (root || document).querySelector("#form-errors");
    if (summary) summary.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#form-errors a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.querySelector && event.target.querySelector(".field-error")) {
      focusFirstError(event.target);
    }
  });
})();
