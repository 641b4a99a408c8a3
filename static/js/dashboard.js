// Dashboard charts: the same numbers as the tables beside them, read from #dashboard-data.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const L = data.labels;
  const blue = "#0d6efd", green = "#198754", grey = "#adb5bd", orange = "#fd7e14";

  function chart(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  function bars(id, labels, series) {
    chart(id, {
      type: "bar",
      data: { labels: labels.map((l) => (l === "" || l === null ? "—" : l)), datasets: series },
      options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  chart("chart-trend", {
    type: "line",
    data: {
      labels: data.per_day.map((d) => d[0]),
      datasets: [{ label: L.per_day, data: data.per_day.map((d) => d[1]), borderColor: blue, tension: 0.2 }],
    },
    options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  bars("chart-events", data.events, [
    { label: L.confirmed, data: data.events_confirmed, backgroundColor: blue },
    { label: L.checked_in, data: data.events_checked_in, backgroundColor: green },
  ]);
  bars("chart-districts", data.districts, [
    { label: L.confirmed, data: data.districts_confirmed, backgroundColor: blue },
    { label: L.checked_in, data: data.districts_checked_in, backgroundColor: green },
  ]);
  bars("chart-industries", data.industries, [
    { label: L.confirmed, data: data.industries_confirmed, backgroundColor: orange },
  ]);
  chart("chart-pilot", {
    type: "doughnut",
    data: { labels: [L.pilot, L.others], datasets: [{ label: L.confirmed, data: data.pilot, backgroundColor: [green, grey] }] },
    options: { responsive: true },
  });
})();
