// Draw every Vega-Lite spec on the page. Specs sit in <script type="application/json">
// tags (data, not code), so the content security policy can forbid inline scripts.
(function () {
  function draw(root) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source || !window.vegaEmbed) return;
      el.dataset.drawn = "1";
      window.vegaEmbed(el, JSON.parse(source.textContent), { actions: false, renderer: "svg", ast: true })
        .then(function () { el.classList.add("chart-ready"); })
        .catch(function (err) { el.textContent = "Chart could not be drawn: " + err; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
