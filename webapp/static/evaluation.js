// Draws each evaluation chart from its data-chart attribute (the table under it holds the same figures).
(function () {
  "use strict";

  function option(data) {
    if (data.type === "pie") {
      return {
        tooltip: { trigger: "item" },
        series: [{
          type: "pie",
          radius: "65%",
          data: data.labels.map(function (label, i) {
            return { name: label, value: data.series[0].data[i] };
          }),
        }],
      };
    }
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 64, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: data.labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (series) {
        return { name: series.name, type: data.type, data: series.data, connectNulls: false };
      }),
    };
  }

  function draw() {
    if (typeof echarts === "undefined") {
      return;
    }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var chart = echarts.init(element, null, { renderer: "svg" });
      chart.setOption(option(JSON.parse(element.dataset.chart)));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
