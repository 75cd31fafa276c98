/* glyload: draw every chart on the page with the vendored Vega-Embed, as SVG.
   Each chart is an element with class "glyload-chart-view" and data-spec="ID", ID being
   a <script type="application/json"> holding a Vega-Lite spec built by glyload/charts.py. */
(function () {
  "use strict";
  function fail(view, message) {
    view.setAttribute("data-chart-state", "failed");
    view.textContent = "The chart could not be drawn (" + message + "); the table has the same numbers.";
  }
  function draw() {
    var views = document.querySelectorAll(".glyload-chart-view[data-spec]");
    Array.prototype.forEach.call(views, function (view) {
      if (typeof vegaEmbed !== "function") { fail(view, "the chart scripts did not load"); return; }
      var spec;
      try {
        spec = JSON.parse(document.getElementById(view.getAttribute("data-spec")).textContent);
      } catch (error) { fail(view, "bad chart data"); return; }
      vegaEmbed(view, spec, {
        mode: "vega-lite", renderer: "svg",
        actions: {export: true, source: false, compiled: false, editor: false},
        i18n: {SVG_ACTION: "Save as SVG", PNG_ACTION: "Save as PNG"}
      }).then(function () {
        view.setAttribute("data-chart-state", "drawn");
      }).catch(function (error) { fail(view, String(error && error.message || error)); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();
