/* The trajectory stage editor: draws the planned path as stages are typed, and lets the points be dragged.
 *
 * Progressive enhancement over rows of plain number inputs (architecture/widgets/stages.html): the server
 * reads and validates those inputs, so nothing here is needed to save. No inline script: the page's content
 * security policy allows only our own files. Labels come from data-* attributes the template translated.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var W = 360, H = 220, LEFT = 58, RIGHT = 14, TOP = 14, BOTTOM = 34;
  var PW = W - LEFT - RIGHT, PH = H - TOP - BOTTOM;

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function sCurve(x) {  /* as stocktake.delivery.trajectory.s_curve, steepness 10 */
    var k = 10, lo = 1 / (1 + Math.exp(k / 2)), hi = 1 / (1 + Math.exp(-k / 2));
    return (1 / (1 + Math.exp(-k * (x - 0.5))) - lo) / (hi - lo);
  }

  function px(x) { return LEFT + x * PW; }
  function py(y) { return TOP + (1 - y) * PH; }
  function round1(v) { return Math.round(v * 10) / 10; }

  function setup(editor) {
    var form = editor.closest("form") || document;
    var body = editor.querySelector("tbody");
    var svg = editor.querySelector("[data-stages-curve]");
    var name = editor.getAttribute("data-name");
    var method = form.querySelector("[name=trajectory_method]");
    var label = function (k) { return editor.getAttribute("data-label-" + k) || k; };
    var field = function (n) { return form.querySelector("[name=" + n + "]"); };

    editor.querySelector(".stages-figure").hidden = false;
    editor.querySelector("[data-add-stage]").hidden = false;

    function rows() { return Array.prototype.slice.call(body.querySelectorAll("[data-stage-row]")); }

    function inputs(row) {
      return [row.querySelector("[name=" + name + "_time]"), row.querySelector("[name=" + name + "_change]")];
    }

    function stages() {
      var out = [];
      rows().forEach(function (row, i) {
        var pair = inputs(row), t = parseFloat(pair[0].value), c = parseFloat(pair[1].value);
        if (isFinite(t) && isFinite(c) && t > 0 && t < 100 && c >= 0 && c <= 100) out.push({ t: t / 100, c: c / 100, row: i });
      });
      return out;
    }

    function staged() { return !method || method.value === "staged"; }

    function pathOf(list) {
      var points = [];
      if (staged()) {
        points = [{ t: 0, c: 0 }].concat(list.slice().sort(function (a, b) { return a.t - b.t; }), [{ t: 1, c: 1 }]);
      } else {
        for (var i = 0; i <= 40; i++) {
          var x = i / 40;
          points.push({ t: x, c: method.value === "s_curve" ? sCurve(x) : x });
        }
      }
      return points.map(function (p, i) { return (i ? "L" : "M") + px(p.t).toFixed(1) + "," + py(p.c).toFixed(1); }).join(" ");
    }

    function endLabel(valueName, dateName) {
      var v = field(valueName), d = field(dateName);
      return [v && v.value !== "" ? v.value : "", d && d.value ? d.value : ""];
    }

    function draw() {
      var list = stages();
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      var base = endLabel("baseline_value", "baseline_date"), goal = endLabel("target_value", "target_date");
      svg.appendChild(el("rect", { x: LEFT, y: TOP, width: PW, height: PH, fill: "#f7f7f5", stroke: "#ccc" }));
      [0.25, 0.5, 0.75].forEach(function (g) {
        svg.appendChild(el("line", { x1: px(g), x2: px(g), y1: TOP, y2: TOP + PH, stroke: "#e3e3e0" }));
        svg.appendChild(el("line", { x1: LEFT, x2: LEFT + PW, y1: py(g), y2: py(g), stroke: "#e3e3e0" }));
      });
      svg.appendChild(el("text", { x: LEFT - 6, y: py(0) + 4, "text-anchor": "end", "font-size": 11 }, base[0] || "0%"));
      svg.appendChild(el("text", { x: LEFT - 6, y: py(1) + 4, "text-anchor": "end", "font-size": 11 }, goal[0] || "100%"));
      svg.appendChild(el("text", { x: LEFT, y: H - 18, "font-size": 11 }, base[1] || label("baseline")));
      svg.appendChild(el("text", { x: LEFT + PW, y: H - 18, "text-anchor": "end", "font-size": 11 }, goal[1] || label("target")));
      svg.appendChild(el("text", { x: LEFT + PW / 2, y: H - 4, "text-anchor": "middle", "font-size": 11, fill: "#555" }, label("time") + " →"));
      svg.appendChild(el("line", { x1: px(0), y1: py(0), x2: px(1), y2: py(1), stroke: "#999", "stroke-dasharray": "4 4" }));
      var curve = el("path", { d: pathOf(list), fill: "none", stroke: "#1d4e89", "stroke-width": 2.5, "data-curve": "1" });
      svg.appendChild(curve);
      svg.setAttribute("data-path", curve.getAttribute("d"));
      if (!staged()) return;
      list.forEach(function (s) {
        var dot = el("circle", { cx: px(s.t), cy: py(s.c), r: 7, fill: "#1d4e89", stroke: "#fff", "stroke-width": 2,
          tabindex: -1, "data-stage-point": s.row, cursor: "grab" });
        dot.appendChild(el("title", {}, label("stage") + " " + (s.row + 1) + ": " + round1(s.t * 100) + "%, " +
          round1(s.c * 100) + "% · " + label("drag")));
        svg.appendChild(dot);
      });
    }

    function showRows() {
      var on = staged();
      editor.querySelector(".stages-table").hidden = !on;
      editor.querySelector("[data-add-stage]").hidden = !on;
    }

    function renumber() {
      rows().forEach(function (row, i) {
        var n = i + 1, pair = inputs(row);
        row.querySelector("[data-stage-number]").textContent = n;
        pair[0].setAttribute("aria-label", label("stage") + " " + n + ": " + label("time") + " (%)");
        pair[1].setAttribute("aria-label", label("stage") + " " + n + ": " + label("change") + " (%)");
        var remove = row.querySelector("[data-remove-stage]");
        remove.hidden = false;
      });
    }

    function addRow() {
      var last = rows()[rows().length - 1];
      var row = last.cloneNode(true);
      inputs(row).forEach(function (input) {
        input.value = "";
        ["id", "autofocus", "aria-invalid", "aria-describedby"].forEach(function (a) { input.removeAttribute(a); });
      });
      body.appendChild(row);
      renumber();
      return row;
    }

    editor.addEventListener("click", function (event) {
      if (event.target.closest("[data-add-stage]")) {
        inputs(addRow())[0].focus();
      } else if (event.target.closest("[data-remove-stage]")) {
        var row = event.target.closest("[data-stage-row]");
        if (rows().length === 1) addRow();
        row.parentNode.removeChild(row);
        renumber();
        draw();
        form.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });

    var dragging = null;
    svg.addEventListener("pointerdown", function (event) {
      var dot = event.target.closest("[data-stage-point]");
      if (!dot) return;
      dragging = rows()[parseInt(dot.getAttribute("data-stage-point"), 10)];
      svg.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    svg.addEventListener("pointermove", function (event) {
      if (!dragging) return;
      var box = svg.getBoundingClientRect();
      var x = ((event.clientX - box.left) * (W / box.width) - LEFT) / PW;
      var y = 1 - ((event.clientY - box.top) * (H / box.height) - TOP) / PH;
      var pair = inputs(dragging);
      pair[0].value = round1(Math.min(99.5, Math.max(0.5, x * 100)));
      pair[1].value = round1(Math.min(100, Math.max(0, y * 100)));
      pair[0].dispatchEvent(new Event("input", { bubbles: true }));
    });
    function stop() { dragging = null; }
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);

    form.addEventListener("input", function () { draw(); });
    form.addEventListener("change", function () { showRows(); draw(); });
    renumber();
    showRows();
    draw();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-stages-editor]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
