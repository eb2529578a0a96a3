// Debrief: charts one at a time, the leaderboard and the CSV export (instructor).
"use strict";

const code = GM.codeFromPath();
const token = sessionStorage.getItem("gm-instructor-" + code);
let data = null;
let chart = 0;

const CHARTS = [
  ["Merit order and clearing price", drawMerit, "Bids sorted from the highest, asks from the lowest; where they cross is the price."],
  ["Price path", drawPath, "Clearing price each round against the competitive equilibrium of the firms' true values."],
  ["Emissions against the cap", drawEmissions, "Emissions [tCO2] each round; the line is the cap where there is one."],
  ["Profit distribution", drawProfits, "Each firm's total profit over the game; bots marked."],
  ["Comparison with the competitive equilibrium", drawEquilibrium, "Volume traded against the equilibrium volume, and efficiency (gains realised / gains possible)."],
];

function drawMerit() {
  const r = Number(GM.$("round-select").value || 0);
  const m = data.merit_order[r];
  if (!m) { GM.plot("chart", [], null, false); return; }
  GM.plot("chart", GM.curveTraces(m, m.price, m.ce_price), GM.curveLayout(m, m.price, m.ce_price, data.unit), true);
}
function drawPath() {
  GM.plot("chart", GM.pathTraces(data.rounds), GM.layout("round", "CNY/" + data.unit, { xaxis: { dtick: 1, title: { text: "round" } } }), data.rounds.length > 0);
}
function drawEmissions() {
  GM.plot("chart", GM.emissionTraces(data.rounds), GM.layout("round", "tCO2", { xaxis: { dtick: 1, title: { text: "round" } } }), data.rounds.length > 0);
}
function drawProfits() {
  const rows = data.profits;
  GM.plot("chart", [{
    type: "bar", x: rows.map((p) => p.firm), y: rows.map((p) => p.total_profit_cny),
    marker: { color: rows.map((p) => (p.controlled_by === "bot" ? "#ffb74d" : "#2e7d32")) },
    text: rows.map((p) => p.controlled_by), hovertemplate: "%{x}: %{y:,.0f} CNY (%{text})<extra></extra>",
  }], GM.layout("firm", "CNY", { xaxis: { type: "category" } }), data.rounds.length > 0);
}
function drawEquilibrium() {
  const rows = data.rounds;
  const x = rows.map((r) => r.round + 1);
  GM.plot("chart", [
    { type: "bar", x, y: rows.map((r) => r.volume), name: "volume traded" },
    { type: "bar", x, y: rows.map((r) => r.ce_volume), name: "equilibrium volume" },
    { mode: "lines+markers", x, y: rows.map((r) => (r.efficiency === null ? null : 100 * r.efficiency)), name: "efficiency [%]", yaxis: "y2" },
  ], GM.layout("round", data.unit, { barmode: "group", margin: { l: 55, r: 55, t: 10, b: 45 }, xaxis: { dtick: 1, title: { text: "round" } },
    yaxis2: { overlaying: "y", side: "right", range: [0, 105], title: { text: "%" } } }), rows.length > 0);
}

function show() {
  const [title, fn, note] = CHARTS[chart];
  GM.$("chart-title").textContent = (chart + 1) + "/" + CHARTS.length + " · " + title;
  GM.$("chart-note").textContent = note;
  GM.$("round-picker").hidden = chart !== 0;
  document.body.dataset.chart = String(chart);
  fn();
}

async function load() {
  const res = await GM.api("GET", "/api/classroom/games/" + encodeURIComponent(code) + "/debrief", undefined,
    token ? { "X-Instructor-Token": token } : {});
  if (!res.ok) { GM.$("status").textContent = (res.data && res.data.detail) || "unknown game"; return; }
  data = res.data;
  GM.$("title").textContent = data.title;
  GM.$("code").textContent = data.code;
  GM.$("status").textContent = data.status === "finished" ? "Game over" : "Game in progress (" + data.rounds.length + " round(s) cleared)";
  const select = GM.$("round-select");
  GM.clear(select);
  for (const m of data.merit_order) select.appendChild(GM.el("option", "round " + (m.round + 1), null, { value: String(m.round) }));
  select.value = String(Math.max(0, data.merit_order.length - 1));
  GM.$("board-hidden").hidden = data.leaderboard !== null;
  GM.fillTable(GM.$("leaderboard").querySelector("tbody"), (data.leaderboard || []).map((row) => [
    String(row.rank), row.firm, row.player || "—", GM.el("span", row.controlled_by, "badge " + row.controlled_by),
    GM.fmt(row.gain_cny, 0), GM.fmt(row.total_profit_cny, 0)]), data.leaderboard ? "no rounds yet" : "hidden", 6);
  show();
  document.body.dataset.ready = "true";
}

async function download(table) {
  const res = await fetch("/api/classroom/games/" + encodeURIComponent(code) + "/export/" + table + ".csv",
    { headers: { "X-Instructor-Token": token || "" } });
  if (!res.ok) return;
  const url = URL.createObjectURL(await res.blob());
  const a = GM.el("a", null, null, { href: url, download: code + "-" + table + ".csv" });
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

GM.$("prev-chart").addEventListener("click", () => { chart = (chart + CHARTS.length - 1) % CHARTS.length; show(); });
GM.$("next-chart").addEventListener("click", () => { chart = (chart + 1) % CHARTS.length; show(); });
GM.$("round-select").addEventListener("change", () => show());
if (token) {
  GM.$("export-card").hidden = false;
  for (const table of ["bids", "trades", "allocations", "payoffs"]) {
    const b = GM.el("button", table + ".csv", "secondary", { type: "button" });
    b.addEventListener("click", () => download(table));
    GM.$("exports").appendChild(b);
  }
}
load();
