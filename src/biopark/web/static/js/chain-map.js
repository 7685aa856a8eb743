// 产业链图谱: the chain tree coloured by gap level; a click opens the link.
(function () {
  var src = document.getElementById("chain-data");
  var el = document.getElementById("chain-chart");
  if (!window.echarts || !src || !el) return;
  var colors = { gap: "#b42318", weak: "#d97706", covered: "#067647", heading: "#5b6b7b" };
  var data = JSON.parse(src.textContent);
  var words = JSON.parse(el.getAttribute("data-words") || "{}");
  function paint(node) {
    node.itemStyle = { color: colors[node.level] || "#0b6e6e", borderColor: colors[node.level] || "#0b6e6e" };
    node.label = { color: node.level === "gap" ? "#b42318" : "#1d2733" };
    (node.children || []).forEach(paint);
  }
  (data.children || []).forEach(paint);
  data.label = { position: "top", align: "center", verticalAlign: "bottom", fontWeight: "bold", fontSize: 14 };
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "item", formatter: function (p) {
      var d = p.data;
      if (!d.code) { return echarts.format.encodeHTML(d.name); }
      return echarts.format.encodeHTML(d.name) + "<br>" + words.companies + ": " + d.value +
        "<br>" + words.score + ": " + d.score;
    } },
    series: [{
      type: "tree", data: [data], orient: "LR", top: "2%", bottom: "2%", left: "6%", right: "24%",
      symbol: "circle", symbolSize: 11, initialTreeDepth: -1, expandAndCollapse: false, roam: false,
      label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 13 },
      leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
      lineStyle: { color: "#c5d0db", width: 1.2 }
    }]
  });
  chart.on("click", function (p) {
    if (p.data && p.data.link_id) { window.location.href = "/chain/links/" + p.data.link_id; }
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.chainChart = chart;
})();
