// 创新药管线 funnel: park and city bars; a click opens the drugs of that stage.
(function () {
  var src = document.getElementById("funnel-data");
  if (!window.echarts || !src) return;
  var data = JSON.parse(src.textContent);
  window.funnelCharts = [];
  ["park", "city"].forEach(function (key) {
    var el = document.getElementById("funnel-" + key);
    if (!el) return;
    var rows = data[key].stages;
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      series: [{
        type: "bar", data: rows.map(function (r) { return r.count; }),
        label: { show: true, position: "right" }, itemStyle: { color: "#12908e" }, barMaxWidth: 22
      }],
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }) },
      grid: { left: 90, right: 40, top: 10, bottom: 24 }
    });
    chart.on("click", function (p) {
      var stage = rows[p.dataIndex].stage;
      window.location.href = "/pipeline?stage=" + stage + (key === "park" ? "&scope=park" : "");
    });
    window.funnelCharts.push(chart);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
