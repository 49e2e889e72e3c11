// The 14-day chart of the Today page (Chart.js 2.9, served by Loa).
document.addEventListener("DOMContentLoaded", function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var colors = {danger: "#b3261e", high: "#e07a10", moderate: "#d4b106", low: "#3a9a6a"};
  new Chart(document.getElementById("days-chart"), {
    type: "bar",
    data: {
      labels: data.days.map(function (d) { return d.slice(8) + "/" + d.slice(5, 7); }),
      datasets: Object.keys(colors).map(function (risk) {
        return {label: data.labels[risk], data: data.series[risk], backgroundColor: colors[risk]};
      })
    },
    options: {animation: false, responsive: true, scales: {xAxes: [{stacked: true}], yAxes: [{stacked: true, ticks: {beginAtZero: true, precision: 0}}]}}
  });
});
