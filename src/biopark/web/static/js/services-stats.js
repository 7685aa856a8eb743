// 诉求办理 · 统计: on-time rate per department (data in #dept-chart-data).
(function () {
  var el = document.getElementById("dept-chart");
  var src = document.getElementById("dept-chart-data");
  if (!window.echarts || !el || !src) return;
  var data = JSON.parse(src.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    animation: false,
    grid: { left: 110, right: 30, top: 20, bottom: 30 },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: data.labels, inverse: true },
    series: [{
      type: "bar",
      data: data.rates.map(function (r) { return r === "" ? null : Number(r); }),
      itemStyle: { color: "#12908e" }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
