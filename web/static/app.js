// greenmarket live dashboard: starts runs over the REST API and draws the websocket stream.
// Every visible string is a message key of the dashboard catalogue (gmI18n.t).
"use strict";

const FLUSH_MS = 250;          // redraw the charts at most this often
const MAX_POINTS = 9000;       // points kept per trace
const LOG_LINES = 50;          // market log lines kept

const $ = (id) => document.getElementById(id);
const t = (key, params) => gmI18n.t(key, params);
const num = (value, digits) => gmI18n.number(value, digits);

// Operator token of a server open to a network: opened once as /?token=…, kept for this tab.
const OPERATOR_TOKEN = (() => {
  const given = new URLSearchParams(location.search).get("token");
  if (given) {
    sessionStorage.setItem("gm_operator_token", given);
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem("gm_operator_token");
})();

const LIVE_STATES = ["queued", "running", "paused"];
const STATE_KEYS = {
  queued: "dashboard.state.queued",
  running: "dashboard.state.running",
  paused: "dashboard.state.paused",
  finished: "dashboard.state.finished",
  failed: "dashboard.state.failed",
  cancelled: "dashboard.state.cancelled",
  interrupted: "dashboard.state.interrupted",
};
const stateName = (state) => (STATE_KEYS[state] ? t(STATE_KEYS[state]) : state);

// The live charts: y-axis title (unit) and the placeholder shown while a run has no data.
const LIVE_CHARTS = {
  "chart-green": { yKey: "dashboard.unit.cny_per_mwh", emptyKey: "dashboard.empty.market" },
  "chart-rights": { yKey: "dashboard.unit.cny_per_tce", emptyKey: "dashboard.empty.market" },
  "chart-emissions": { yKey: "dashboard.unit.tco2_per_day", emptyKey: "dashboard.empty.data",
                       extra: { barmode: "group" } },
  "chart-assets": { yKey: "dashboard.unit.kw", emptyKey: "dashboard.empty.data" },
};
const ASSET_SERIES = [
  ["pv", "dashboard.trace.pv"],
  ["wind", "dashboard.trace.wind"],
  ["battery", "dashboard.trace.battery"],
  ["hp", "dashboard.trace.heat_pumps"],
];

const state = {
  run: null,          // RunStatus of the run shown
  horizon: null,      // {start, end, span_h, ...} of the run shown
  ws: null,
  lastSeq: 0,
  ended: false,
  retry: 0,
  originMs: null,     // park-local wall time (as UTC ms) of simulation hour 0
  parks: {},          // name -> {grid_co2_tco2_per_mwh}
  pending: null,      // buffered points per chart, drawn on the next flush
  traces: null,       // chart id -> {key -> trace index}
  assetsAcc: new Map(), // time_h -> summed asset outputs over parks
  flushTimer: null,
  status: () => t("dashboard.status.pick"),  // renders the status line in the current language
  log: [],            // renders of the market log lines, newest first
  runs: [],           // the past runs listed
};

function emptyPending() {
  return Object.fromEntries(Object.keys(LIVE_CHARTS).map((id) => [id, {}]));
}

function resetCharts() {
  state.traces = emptyPending();
  state.pending = emptyPending();
  state.assetsAcc = new Map();
  // No run: no axes. A run: its horizon; without one (an older server) the data's range.
  let xaxis = null;
  if (state.horizon) xaxis = gmCharts.timeAxis(state.horizon);
  else if (state.run) xaxis = { type: "date", autorange: true, tickformat: "%m-%d" };
  for (const [id, chart] of Object.entries(LIVE_CHARTS)) {
    gmCharts.newPlot(id, [], gmCharts.layout(xaxis, chart.yKey, false, chart.extra));
    $(id).dataset.run = state.run ? state.run.id : "none";
    gmCharts.setEmpty(id, state.run ? chart.emptyKey : "dashboard.empty.no_run");
    gmCharts.setDownloadable(id, false);
  }
  for (const id of ["green-price", "rights-price", "grid-price", "sim-time"]) {
    $(id).textContent = "–";
  }
  $("emissions-note").removeAttribute("data-i18n");
  $("emissions-note").textContent = "";
  state.log = [];
  renderLog();
  $("downloads").textContent = "";
  setFirmTable(null);
}

// Park-local time of an event as a plotly date string (no time zone).
function eventDate(msg) {
  if (typeof msg.time === "string" && msg.time.length >= 19) {
    const local = msg.time.slice(0, 19);
    if (state.originMs === null) state.originMs = gmCharts.localMs(local) - msg.time_h * gmCharts.HOUR_MS;
    return local;
  }
  if (state.originMs !== null) return gmCharts.localText(state.originMs + msg.time_h * gmCharts.HOUR_MS);
  return null;
}

function push(chart, key, x, y, text, traceStyle) {
  const group = state.pending[chart];
  if (!group[key]) group[key] = { x: [], y: [], text: [], options: traceStyle };
  group[key].x.push(x);
  group[key].y.push(y);
  group[key].text.push(text || "");
}

function onParkStep(msg) {
  $("grid-price").textContent = num(msg.price_cny_per_kwh, 3);
  const acc = state.assetsAcc.get(msg.time_h) || { x: eventDate(msg), pv: 0, wind: 0, battery: 0, hp: 0 };
  acc.pv += msg.pv_kw || 0;
  acc.wind += msg.wind_kw || 0;
  acc.battery += msg.battery_kw || 0;
  acc.hp += msg.heat_pump_kw || 0;
  state.assetsAcc.set(msg.time_h, acc);
}

// Move complete hours (every park reported) from the accumulator to the chart buffer.
function drainAssets(all) {
  const times = [...state.assetsAcc.keys()].sort((a, b) => a - b);
  const keep = all ? times.length : times.length - 1;
  for (let i = 0; i < keep; i++) {
    const acc = state.assetsAcc.get(times[i]);
    state.assetsAcc.delete(times[i]);
    if (acc.x === null) continue;
    for (const [series, nameKey] of ASSET_SERIES) {
      push("chart-assets", series, acc.x, acc[series], "", { meta: { nameKey } });
    }
  }
}

function onParkDay(msg) {
  let co2 = msg.co2_tco2;
  if (co2 === undefined) {
    const factor = (state.parks[msg.park] || {}).grid_co2_tco2_per_mwh;
    if (factor === null || factor === undefined || msg.import_kwh === undefined) return;
    co2 = (msg.import_kwh / 1000) * factor;
    $("emissions-note").setAttribute("data-i18n", "dashboard.chart.emissions_note");
    $("emissions-note").textContent = t("dashboard.chart.emissions_note");
  }
  // A day's bar stands at its noon, inside the run's horizon.
  const x = msg.date ? `${msg.date}T12:00:00` : eventDate(msg);
  push("chart-emissions", msg.park, x, co2, "", { type: "bar" });
}

function onGreenPower(msg) {
  const zone = msg.zone || msg.park || "all";
  const price = msg.price_cny_per_mwh;
  if (price === null || price === undefined) return;  // nothing traded in this period
  $("green-price").textContent = num(price, 1);
  push("chart-green", zone, eventDate(msg), price,
       t("dashboard.hover.volume_mwh", { volume: num(msg.volume_mwh, 2) }),
       { mode: "lines+markers", line: { shape: "hv" }, cliponaxis: false });
}

function onRights(msg) {
  const price = msg.price_cny_per_tce;
  if (price === null || price === undefined) return;
  $("rights-price").textContent = num(price, 1);
  push("chart-rights", "auction", eventDate(msg), price,
       t("dashboard.hover.volume_tce", { volume: num(msg.volume_tce, 1) }),
       { mode: "lines+markers", line: { shape: "hv" }, cliponaxis: false,
         meta: { nameKey: "dashboard.trace.auction" } });
}

function renderLog() {
  const list = $("log");
  list.textContent = "";
  for (const render of state.log) {
    const li = document.createElement("li");
    li.textContent = render();
    list.append(li);
  }
}

function logLine(render) {
  state.log.unshift(render);
  state.log.length = Math.min(state.log.length, LOG_LINES);
  renderLog();
}

function onEvent(msg) {
  if (msg.kind === "lagged") {
    logLine(() => t("dashboard.log.lagged", { dropped: num(msg.dropped, 0), reason: msg.reason }));
    state.lastSeq = msg.resume_seq - 1;
    return;
  }
  if (typeof msg.seq === "number") state.lastSeq = msg.seq;
  if (state.run && state.run.horizon_h > 0) {
    state.run.now_h = Math.max(state.run.now_h, msg.time_h);
    $("progress").value = Math.min(1, state.run.now_h / state.run.horizon_h);
  }
  const when = eventDate(msg);
  if (when) $("sim-time").textContent = when.replace("T", " ").slice(0, 16);
  switch (msg.kind) {
    case "park_step": onParkStep(msg); break;
    case "park_day": onParkDay(msg); break;
    case "green_power_cleared": onGreenPower(msg); break;
    case "rights_auction_cleared": onRights(msg); break;
    case "compliance_settled":
      logLine(() => t("dashboard.log.compliance", {
        year: msg.year ?? "", rate: num(msg.compliance_rate_pct, 1),
        shortfall: num(msg.shortfall_tce, 2), penalties: num(msg.penalties_cny, 0),
      }));
      break;
    case "run_finished": state.ended = true; break;
    default: break;
  }
  scheduleFlush();
}

function scheduleFlush() {
  if (state.flushTimer !== null) return;
  state.flushTimer = setTimeout(() => { state.flushTimer = null; flush(); }, FLUSH_MS);
}

function flush() {
  drainAssets(state.ended);
  for (const [chart, groups] of Object.entries(state.pending)) {
    const known = state.traces[chart];
    const first = Object.keys(known).length === 0;
    const newTraces = [];
    const ext = { x: [], y: [], text: [] };
    const indices = [];
    for (const [key, pts] of Object.entries(groups)) {
      if (known[key] === undefined) {
        known[key] = Object.keys(known).length;
        const options = pts.options || {};
        const name = options.meta ? gmCharts.traceName(options.meta) : key;
        newTraces.push(Object.assign({ name, x: pts.x, y: pts.y, text: pts.text,
                                       hovertemplate: "%{x}<br>%{y:.2f} %{text}" }, options));
      } else {
        ext.x.push(pts.x); ext.y.push(pts.y); ext.text.push(pts.text); indices.push(known[key]);
      }
    }
    if (newTraces.length) Plotly.addTraces(chart, newTraces);
    if (indices.length) Plotly.extendTraces(chart, ext, indices, MAX_POINTS);
    if (first && newTraces.length) {
      Plotly.relayout(chart, { "yaxis.visible": true, "yaxis.showgrid": true, "yaxis.zeroline": true,
                               "yaxis.rangemode": "tozero" });
      gmCharts.setEmpty(chart, null);
      gmCharts.setDownloadable(chart, true);
    }
  }
  state.pending = emptyPending();
  if (state.run && ["queued", "running"].includes(state.run.state)) {
    state.run.state = "running";
    setStatus(describe(state.run));
  }
}

function renderStatus() { $("status").textContent = state.status(); }
function setStatus(render) {
  $("status").removeAttribute("data-i18n");
  state.status = render;
  renderStatus();
}

// A status line for a run, rendered when shown.
function describe(run, extraKey, extraParams) {
  const snapshot = Object.assign({}, run);
  return () => {
    const line = t("dashboard.status.run", {
      scenario: snapshot.scenario, state: stateName(snapshot.state),
      now: num(snapshot.now_h, 0), horizon: num(snapshot.horizon_h, 0),
    });
    return extraKey ? `${line} · ${t(extraKey, extraParams)}` : line;
  };
}

function connect() {
  const run = state.run;
  if (!run) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws/runs/${run.id}?batch=true&after=${state.lastSeq}` +
    (OPERATOR_TOKEN ? `&token=${encodeURIComponent(OPERATOR_TOKEN)}` : ""));
  state.ws = ws;
  ws.onopen = () => { state.retry = 0; };
  ws.onmessage = (e) => {
    const data = JSON.parse(e.data);
    if (Array.isArray(data)) data.forEach(onEvent); else onEvent(data);
  };
  ws.onclose = (e) => {
    if (state.ws !== ws) return;           // replaced by another run
    state.ws = null;
    if (e.code === 1000 || e.code === 4404) { finished(run.id); return; }
    state.retry = Math.min(state.retry + 1, 6);
    setStatus(describe(run, "dashboard.status.reconnecting"));
    setTimeout(() => { if (state.run && state.run.id === run.id) connect(); }, 250 * 2 ** state.retry);
  };
}

// An API error: its message in the current language (the server's own text as a value).
class ApiError extends Error {
  constructor(render) { super(""); this.render = render; }
}

async function api(method, path, body) {
  const headers = body ? { "Content-Type": "application/json" } : {};
  if (OPERATOR_TOKEN) headers.Authorization = `Bearer ${OPERATOR_TOKEN}`;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  } catch (err) {
    throw new ApiError(() => t("dashboard.error.network"));
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const first = (data.errors || [])[0];
    throw new ApiError(first
      ? () => t("dashboard.error.field", { path: first.path, value: first.value, allowed: first.allowed })
      : () => t("dashboard.error.http", { status: res.status, detail: data.detail || res.statusText }));
  }
  return data;
}
// Any error with a render() (ApiError, a closed stream) speaks the page's language.
const errorText = (err) => (err && typeof err.render === "function" ? err.render() : String(err));

async function fetchHorizon(runId) {
  try {
    return await api("GET", `/api/runs/${runId}/horizon`);
  } catch (err) {
    return null;  // an older server: the axes follow the data
  }
}

async function openRun(run) {
  if (state.ws) { const old = state.ws; state.ws = null; old.close(); }
  state.run = run;
  state.lastSeq = 0;
  state.ended = false;
  state.originMs = null;
  state.parks = Object.fromEntries(run.parks.map((p) => [p.name, p]));
  state.horizon = await fetchHorizon(run.id);
  if (!state.run || state.run.id !== run.id) return;  // another run was opened meanwhile
  if (state.horizon) state.originMs = gmCharts.localMs(state.horizon.start);
  resetCharts();
  $("progress").value = run.progress;
  setStatus(describe(run));
  updateButtons(run);
  connect();
}

function updateButtons(run) {
  const live = !!run && LIVE_STATES.includes(run.state);
  $("pause").disabled = !live;
  $("cancel").disabled = !live;
  const key = run && run.state === "paused" ? "dashboard.control.resume" : "dashboard.control.pause";
  $("pause").setAttribute("data-i18n", key);
  $("pause").textContent = t(key);
}

async function finished(runId) {
  flush();
  try {
    const run = await api("GET", `/api/runs/${runId}`);
    if (!state.run || state.run.id !== runId) return;
    state.run = run;
    const error = run.error;
    setStatus(error ? describe(run, "dashboard.status.with_error", { error }) : describe(run));
    updateButtons(run);
    $("progress").value = run.progress;
    if (run.has_results) {
      setFirmTable(await api("GET", `/api/runs/${runId}/results`));
      showDownloads(runId, await api("GET", `/api/runs/${runId}/results/files`));
    }
    loadRuns();
  } catch (err) {
    setStatus(() => t("dashboard.status.error", { message: errorText(err) }));
  }
}

function showDownloads(runId, names) {
  const holder = $("downloads");
  holder.textContent = "";
  const label = document.createElement("span");
  label.setAttribute("data-i18n", "dashboard.downloads.label");
  label.textContent = t("dashboard.downloads.label");
  holder.append(label, " ");
  names.forEach((name, i) => {
    if (i > 0) holder.append(" · ");
    const link = document.createElement("a");
    link.href = `/api/runs/${runId}/results/${name}`;
    link.textContent = name;
    holder.append(link);
  });
}

function setFirmTable(summary) {
  const body = $("firms").tBodies[0];
  body.textContent = "";
  const rows = [];
  for (const [park, p] of Object.entries((summary && summary.parks) || {})) {
    for (const [firm, f] of Object.entries(p.firms_detail || {})) {
      rows.push([park, firm, f.sector, num(f.energy_use_tce, 1),
                 num((f.co2_tco2 || {}).total_location, 1), num((f.cost_cny || {}).total, 0),
                 num(f.self_sufficiency_pct, 1), num(f.pv_kwp, 0)]);
    }
  }
  if (!rows.length) {
    const td = body.insertRow().insertCell();
    td.colSpan = 8;
    td.className = "empty-row";
    td.setAttribute("data-i18n", "dashboard.firms.empty");
    td.textContent = t("dashboard.firms.empty");
    return;
  }
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell;
  }
}

async function loadExamples() {
  const examples = await api("GET", "/api/configs");
  const select = $("scenario");
  const current = select.value;
  select.textContent = "";
  for (const ex of examples.filter((e) => e.valid)) {
    const opt = document.createElement("option");
    opt.value = ex.name;
    opt.textContent = t("dashboard.scenario.option", { name: ex.name, hours: num(ex.horizon_h, 0) });
    opt.title = ex.description || "";
    select.append(opt);
  }
  if (current) select.value = current;
}

function runLabel(run) {
  const locale = gmI18n.lang === "zh" ? "zh-CN" : "en-GB";
  const when = new Date(run.created_unix_s * 1000).toLocaleString(locale);
  return t("dashboard.runs.option", { scenario: run.scenario, state: stateName(run.state), when });
}

function renderRuns() {
  const select = $("runs");
  const current = select.value;
  select.textContent = "";
  select.append(new Option("—", ""));
  for (const r of state.runs) select.append(new Option(runLabel(r), r.id));
  select.value = current;
  gmCompare.setRuns(state.runs, runLabel);
}

async function loadRuns() {
  state.runs = await api("GET", "/api/runs?limit=30");
  renderRuns();
}

async function start() {
  $("start").disabled = true;
  try {
    const run = await api("POST", "/api/runs", {
      example: $("scenario").value, speed: Number($("speed").value),
    });
    await openRun(run);
    loadRuns();
  } catch (err) {
    setStatus(() => t("dashboard.status.start_failed", { message: errorText(err) }));
  } finally {
    $("start").disabled = false;
  }
}

async function togglePause() {
  if (!state.run) return;
  const action = state.run.state === "paused" ? "resume" : "pause";
  try {
    state.run = await api("POST", `/api/runs/${state.run.id}/${action}`);
    updateButtons(state.run);
    setStatus(describe(state.run));
  } catch (err) {
    setStatus(() => t("dashboard.status.error", { message: errorText(err) }));
  }
}

// Ask before cancelling: a cancelled run keeps no results.
function askCancel() {
  if (!state.run || !LIVE_STATES.includes(state.run.state)) return;
  $("cancel-dialog").returnValue = "";
  $("cancel-dialog").showModal();
}

async function onCancelDialogClose() {
  if ($("cancel-dialog").returnValue !== "cancel" || !state.run) return;
  try {
    state.run = await api("POST", `/api/runs/${state.run.id}/cancel`);
    updateButtons(state.run);
    setStatus(describe(state.run));
  } catch (err) {
    setStatus(() => t("dashboard.status.error", { message: errorText(err) }));
  }
}

async function changeSpeed() {
  if (!state.run || !LIVE_STATES.includes(state.run.state)) return;
  try {
    state.run = await api("POST", `/api/runs/${state.run.id}/speed`, { speed: Number($("speed").value) });
  } catch (err) {
    setStatus(() => t("dashboard.status.error", { message: errorText(err) }));
  }
}

async function openPastRun() {
  const id = $("runs").value;
  if (!id) return;
  try {
    await openRun(await api("GET", `/api/runs/${id}`));
  } catch (err) {
    setStatus(() => t("dashboard.status.error", { message: errorText(err) }));
  }
}

// Re-render everything drawn from code in the newly chosen language.
function onLanguage() {
  renderStatus();
  renderLog();
  renderRuns();
  loadExamples().catch(() => {});
  for (const [id, chart] of Object.entries(LIVE_CHARTS)) gmCharts.retranslate(id, chart.yKey, false);
  gmCompare.retranslate();
}

window.addEventListener("DOMContentLoaded", async () => {
  gmCharts.addDownloadButtons(document);
  resetCharts();
  gmCompare.init({ api, errorText, token: OPERATOR_TOKEN });
  $("start").addEventListener("click", start);
  $("controls").addEventListener("submit", (e) => e.preventDefault());
  $("pause").addEventListener("click", togglePause);
  $("cancel").addEventListener("click", askCancel);
  $("cancel-dialog").addEventListener("close", onCancelDialogClose);
  $("speed").addEventListener("change", changeSpeed);
  $("runs").addEventListener("change", openPastRun);
  document.addEventListener("gm:lang", onLanguage);
  try {
    await loadExamples();
    await loadRuns();
    document.body.dataset.ready = "true";
  } catch (err) {
    setStatus(() => t("dashboard.status.unreachable", { message: errorText(err) }));
  }
});
