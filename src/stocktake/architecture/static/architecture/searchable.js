/* Searchable selects and org-unit suggestions, as progressive enhancement over plain controls.
 *
 * select[data-searchable]: a filter box above the select hides the options that do not match what is typed
 * and picks the first that does, so typing part of a name or code chooses it.
 * input[data-unit-lookup]: as a unit's code or name is typed, its datalist is filled from the lookup page
 * (GET ?q=, JSON), so 20,000 units never need to be in the page. The server checks the code either way.
 * No inline script: the content security policy allows only our own files.
 */
(function () {
  "use strict";

  function normalise(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function searchable(select) {
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "select-filter";
    filter.setAttribute("aria-label", select.getAttribute("data-filter-label") || "Filter");
    filter.placeholder = select.getAttribute("data-filter-label") || "";
    if (select.id) filter.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(filter, select);
    filter.addEventListener("input", function () {
      var words = normalise(filter.value).split(/\s+/).filter(Boolean), first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var text = normalise(option.text + " " + option.value);
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !match && option.value !== "";
        if (match && option.value !== "" && first === null) first = option;
      });
      if (first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden || words.length)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  /* choosing, not submitting */
    });
  }

  function lookup(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-unit-lookup"), asked = "", pending = null;
    if (!list || !url) return;
    input.addEventListener("input", function () {
      var q = input.value.split(" — ")[0].trim();
      if (q.length < 1 || q === asked) return;
      asked = q;
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, signal: pending.signal, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { units: [] }; })
        .then(function (data) {
          while (list.firstChild) list.removeChild(list.firstChild);
          (data.units || []).forEach(function (u) {
            var option = document.createElement("option");
            option.value = u.code;
            option.label = u.name + " · " + u.level;
            option.textContent = u.name + " · " + u.level;
            list.appendChild(option);
          });
        })
        .catch(function () { /* aborted by a newer keystroke, or offline: the code can still be typed */ });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-searchable]"), searchable);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-unit-lookup]"), lookup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
