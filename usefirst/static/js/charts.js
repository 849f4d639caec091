/* charts.js: draws every chart of the page with Apache ECharts (static/vendor/echarts).
   Each chart's data is a JSON data block (<script type="application/json" id=…>, written by
   templates/core/_chart.html from usefirst/core/charts.py); the table beside it holds the same
   figures, so without this script nothing is lost. Tooltips are plain text (richText), so no
   inline markup or style is needed under the site's Content-Security-Policy. */
(function () {
  "use strict";

  var PALETTE = ["#0969da", "#1a7f37", "#bf8700", "#cf222e", "#8250df", "#1b7c83", "#953800", "#57606a"];

  function money(value) {
    if (value === null || value === undefined) {
      return "—";
    }
    return "¥" + Number(value).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function plain(value) {
    return value === null || value === undefined ? "—" : Number(value).toLocaleString("zh-CN");
  }

  function options(data) {
    var base = {
      color: PALETTE,
      animation: false,
      textStyle: { fontFamily: "sans-serif" },
      tooltip: { renderMode: "richText", trigger: data.kind === "pie" || data.kind === "funnel" ? "item" : "axis" },
      legend: { show: data.series.length > 1, top: 0 },
      grid: { left: 8, right: 16, top: data.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true }
    };
    var anyMoney = data.series.some(function (s) { return s.money; });
    if (data.kind === "pie" || data.kind === "funnel") {
      var first = data.series[0];
      base.series = [{
        type: data.kind,
        name: first.name,
        radius: data.kind === "pie" ? ["35%", "65%"] : undefined,
        sort: data.kind === "funnel" ? "none" : undefined,
        label: { formatter: function (p) { return p.name + "：" + (first.money ? money(p.value) : plain(p.value)); } },
        data: data.categories.map(function (c, i) { return { name: c, value: first.values[i] }; })
      }];
      return base;
    }
    var horizontal = data.kind === "hbar";
    var categoryAxis = { type: "category", data: data.categories, axisLabel: { interval: 0, hideOverlap: true } };
    // Counts are whole: when every figure is an integer the axis takes no step below 1 (no "0.2 份").
    var whole = data.series.every(function (s) {
      return s.values.every(function (v) { return v === null || v === undefined || Number(v) % 1 === 0; });
    });
    var valueAxis = { type: "value", minInterval: whole && !anyMoney ? 1 : undefined, axisLabel: { formatter: function (v) { return anyMoney ? (v / 10000).toLocaleString("zh-CN") + "万" : v; } } };
    base.xAxis = horizontal ? valueAxis : categoryAxis;
    base.yAxis = horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis;
    base.tooltip.valueFormatter = function (v) { return anyMoney ? money(v) : plain(v); };
    base.series = data.series.map(function (s) {
      return { type: data.kind === "line" ? "line" : "bar", name: s.name, data: s.values, connectNulls: false };
    });
    return base;
  }

  function draw(element) {
    var echarts = window.echarts;
    var block = document.getElementById(element.getAttribute("data-chart"));
    if (!echarts || !block) {
      return;
    }
    var data = JSON.parse(block.textContent);
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(Object.assign(options(data), data.extra || {}));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
