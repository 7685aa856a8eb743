// 招商工作台 charts: signed projects per month (integer axis) and the stage split.
(function () {
  var src = document.getElementById("overview-data");
  if (!window.echarts || !src) return;
  var d = JSON.parse(src.textContent);
  var m = echarts.init(document.getElementById("monthly"));
  m.setOption({
    tooltip: { trigger: "axis" }, legend: {},
    xAxis: { type: "category", data: d.chart.months },
    yAxis: [{ type: "value", minInterval: 1, name: d.words.projects },
            { type: "value", name: d.words.yi }],
    series: [
      { name: d.words.signed, type: "bar", data: d.chart.signed },
      { name: d.words.agreed, type: "line", yAxisIndex: 1, data: d.chart.agreed },
      { name: d.words.funds, type: "line", yAxisIndex: 1, data: d.chart.funds }
    ]
  });
  var s = echarts.init(document.getElementById("stages"));
  s.setOption({ tooltip: {}, series: [{ type: "pie", radius: ["40%", "70%"],
    data: d.stages.map(function (r) { return { name: r[0], value: r[1] }; }) }] });
  window.addEventListener("resize", function () { m.resize(); s.resize(); });
})();
