// transcarbon web: render the charts (plotly.js served locally), link chart points to their lineage,
// the drag-and-drop upload zone and filters that apply on change. No outside requests, no inline script.
(function () {
  "use strict";
  function span(data) {  // how many units the x values of a figure's traces cover (0 when not numbers)
    var xs = [];
    data.forEach(function (t) { (t.x || []).forEach(function (v) { if (typeof v === "number") { xs.push(v); } }); });
    return xs.length ? Math.max.apply(null, xs) - Math.min.apply(null, xs) : 0;
  }
  function narrow(spec, width) {  // a phone screen: every other tick of a long unit-step axis, a two-column legend
    var layout = spec.layout;
    if (width >= 500) { return; }
    if (layout.xaxis && layout.xaxis.dtick === 1 && span(spec.data) > 8) { layout.xaxis.dtick = 2; }
    if (layout.legend && layout.legend.orientation === "h") {
      layout.legend.entrywidth = 0.5;
      layout.legend.entrywidthmode = "fraction";
    }
  }
  function renderCharts() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("figure.chart").forEach(function (fig) {
      var holder = fig.querySelector(".js-plot");
      var data = fig.querySelector("script.js-fig");
      if (!holder || !data || holder.dataset.done) { return; }
      var spec = JSON.parse(data.textContent);
      spec.layout.height = parseInt(holder.dataset.height || "340", 10);
      spec.layout.autosize = true;
      narrow(spec, holder.clientWidth);
      window.Plotly.newPlot(holder, spec.data, spec.layout,
        { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"] });
      holder.dataset.done = "1";
      holder.on("plotly_click", function (ev) {
        var p = ev && ev.points && ev.points[0];
        if (p && typeof p.customdata === "string" && p.customdata.charAt(0) === "/") { window.location = p.customdata; }
      });
    });
  }
  function dropzone() {
    var zone = document.getElementById("dropzone");
    if (!zone) { return; }
    var input = zone.querySelector("input[type=file]");
    var label = zone.querySelector(".file-name");
    function show() { label.textContent = input.files && input.files.length ? input.files[0].name : ""; }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (n) {
      zone.addEventListener(n, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (n) {
      zone.addEventListener(n, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
    });
  }
  function autosubmit() {  // filters that apply on change (no inline handlers: the pages' CSP forbids them)
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(); dropzone(); autosubmit(); });
  window.addEventListener("load", renderCharts);
})();
