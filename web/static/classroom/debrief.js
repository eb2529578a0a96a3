// Debrief: charts one at a time, the leaderboard and the CSV export (instructor). It follows the
// game live: each round that clears (or the end of the game) reloads the data.
"use strict";

const code = GM.codeFromPath();
const token = sessionStorage.getItem("gm-instructor-" + code);
const t = GM.t;
let data = null;
let chart = 0;
let loadedKey = null;
let loading = false;
let pending = false;
let followLatest = true;

// Title key, drawing function, note key; only the merit order uses the round picker.
const CHARTS = [
  ["merit", drawMerit, true],
  ["path", drawPath, false],
  ["emissions", drawEmissions, false],
  ["profits", drawProfits, false],
  ["equilibrium", drawEquilibrium, false],
];

function drawMerit() {
  const r = Number(GM.$("round-select").value || 0);
  const m = data.merit_order.find((x) => x.round === r);
  if (!m) { GM.plot("chart", [], null, false); return; }
  GM.plot("chart", GM.curveTraces(m, m.price, m.ce_price),
    GM.curveLayout(m, m.price, m.ce_price, data.unit, m.volume, m.ce_volume), true);
}
function drawPath() {
  GM.plot("chart", GM.pathTraces(data.rounds, data.practice_rounds), GM.roundLayout(GM.priceUnit(data.unit)), data.rounds.length > 0);
}
function drawEmissions() {
  GM.plot("chart", GM.emissionTraces(data.rounds, data.practice_rounds), GM.roundLayout(GM.unit("tCO2")), data.rounds.length > 0);
}
function drawProfits() {
  const rows = data.profits;
  const cny = t("unit.cny");
  GM.plot("chart", [{
    type: "bar", x: rows.map((p) => GM.firmName(p.firm)), y: rows.map((p) => p.total_profit_cny),
    marker: { color: rows.map((p) => (p.controlled_by === "bot" ? "#ffb74d" : "#2e7d32")) },
    text: rows.map((p) => GM.byText(p.controlled_by)), hovertemplate: "%{x}: %{y:,.0f} " + cny + " (%{text})<extra></extra>",
  }], GM.layout(t("classroom.debrief.axis_firm"), cny, { xaxis: { type: "category" } }), data.rounds.length > 0);
}
function drawEquilibrium() {
  const rows = data.rounds;
  const x = GM.roundAxis(rows, data.practice_rounds);
  GM.plot("chart", [
    { type: "bar", x, y: rows.map((r) => r.volume), name: t("classroom.debrief.trace_volume") },
    { type: "bar", x, y: rows.map((r) => r.ce_volume), name: t("classroom.debrief.trace_ce_volume") },
    { mode: "lines+markers", x, y: rows.map((r) => (r.efficiency === null ? null : 100 * r.efficiency)),
      name: t("classroom.debrief.trace_efficiency"), yaxis: "y2" },
  ], GM.roundLayout(GM.unit(data.unit), { barmode: "group", margin: { l: 55, r: 55, t: 10, b: 45 },
    yaxis2: { overlaying: "y", side: "right", range: [0, 105], title: { text: "%" } } }), rows.length > 0);
}

function show() {
  const [name, fn, picker] = CHARTS[chart];
  GM.$("chart-title").textContent = (chart + 1) + "/" + CHARTS.length + " · " + t("classroom.debrief.chart_" + name);
  GM.$("chart-note").textContent = t("classroom.debrief.note_" + name);
  GM.$("round-picker").hidden = !picker;
  document.body.dataset.chart = String(chart);
  if (data) fn();
}

function render() {
  if (!data) return;
  GM.$("title").textContent = GM.presetTitle(data.preset, data.title);
  GM.$("game-line").textContent = t("classroom.debrief.game", { code: data.code });
  const scored = data.rounds.filter((r) => !r.practice).length;
  GM.$("status").textContent = data.status === "finished" ? t("classroom.debrief.over")
    : t("classroom.debrief.in_progress", { rounds: scored });
  const select = GM.$("round-select");
  const chosen = select.value;
  GM.clear(select);
  for (const m of data.merit_order) {
    select.appendChild(GM.el("option", m.practice ? t("classroom.common.practice_round")
      : t("classroom.debrief.round_n", { round: m.round - (data.practice_rounds || 0) + 1 }), null, { value: String(m.round) }));
  }
  const latest = data.merit_order.length ? String(data.merit_order[data.merit_order.length - 1].round) : "";
  select.value = followLatest || !chosen ? latest : chosen;
  if (!select.value) select.value = latest;
  const cny = t("unit.cny");
  GM.$("gain-head").textContent = t("classroom.debrief.col_gain", { unit: cny });
  GM.$("profit-head").textContent = t("classroom.debrief.col_profit", { unit: cny });
  GM.$("board-hidden").hidden = data.leaderboard !== null;
  GM.fillTable(GM.$("leaderboard").querySelector("tbody"), (data.leaderboard || []).map((row) => [
    String(row.rank), GM.firmName(row.firm), row.player || "—", GM.el("span", GM.byText(row.controlled_by), "badge " + row.controlled_by),
    GM.fmt(row.gain_cny, 0), GM.fmt(row.total_profit_cny, 0)]),
  data.leaderboard ? t("classroom.play.no_rounds") : t("classroom.debrief.hidden"), 6);
  show();
}

async function load() {
  if (loading) { pending = true; return; }
  loading = true;
  const res = await GM.api("GET", "/api/classroom/games/" + encodeURIComponent(code) + "/debrief", undefined,
    token ? { "X-Instructor-Token": token } : {});
  loading = false;
  if (!res.ok) {
    GM.$("status").textContent = res.status === 404 ? t("classroom.common.unknown_game")
      : t("classroom.common.error", { reason: (res.data && res.data.detail) || res.status });
  } else {
    data = res.data;
    render();
    document.body.dataset.rounds = String(data.rounds.length);
    document.body.dataset.gameStatus = data.status;
    document.body.dataset.ready = "true";
  }
  if (pending) { pending = false; load(); }
}

// A new cleared round, the end of the game or a change of the leaderboard's visibility reloads.
function onView(msg) {
  const pub = msg.public;
  const key = pub.path.length + ":" + pub.status + ":" + pub.leaderboard_hidden;
  if (key !== loadedKey) { loadedKey = key; load(); }
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
GM.$("round-select").addEventListener("change", () => {
  const select = GM.$("round-select");
  followLatest = select.selectedIndex === select.options.length - 1;
  show();
});
GM.onLang(render);
if (token) {
  GM.$("export-card").hidden = false;
  for (const table of ["bids", "trades", "allocations", "payoffs"]) {
    const b = GM.el("button", t("classroom.common.csv_file", { table }), "secondary", { type: "button" });
    b.addEventListener("click", () => download(table));
    GM.$("exports").appendChild(b);
  }
}
show();
GM.connect(code, "spectator", onView, () => { GM.$("status").textContent = t("classroom.common.unknown_game"); });
