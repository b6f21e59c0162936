// Draw every Vega-Lite spec on the page. Specs sit in <script type="application/json">
// tags (data, not code), so the content security policy can forbid inline scripts.
// Each spec carries its language's number and date locale (monitoring/chartlocale.py), which
// vega-embed honours; the one sentence of our own, for a chart that fails, comes translated on
// this script's tag (data-error).
(function () {
  var script = document.currentScript;
  var failed = (script && script.dataset.error) || "The chart could not be drawn.";
  function draw(root) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source || !window.vegaEmbed) return;
      el.dataset.drawn = "1";
      window.vegaEmbed(el, JSON.parse(source.textContent), { actions: false, renderer: "svg", ast: true })
        .then(function () { el.classList.add("chart-ready"); })
        .catch(function (err) {
          el.textContent = failed;
          if (window.console) console.error(err);
        });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
