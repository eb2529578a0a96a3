// greenmarket live dashboard: starts runs over the REST API and draws the websocket stream.
"use strict";

const FLUSH_MS = 250;          // redraw the charts at most this often
const MAX_POINTS = 9000;       // points kept per trace
const PLOT_CONFIG = { responsive: true, displayModeBar: false };

const $ = (id) => document.getElementById(id);

// Operator token of a server open to a network: opened once as /?token=…, kept for this tab.
const OPERATOR_TOKEN = (() => {
  const given = new URLSearchParams(location.search).get("token");
  if (given) {
    sessionStorage.setItem("gm_operator_token", given);
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem("gm_operator_token");
})();

const state = {
  run: null,          // RunStatus of the run shown
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
};

function emptyPending() {
  return { "chart-green": {}, "chart-rights": {}, "chart-emissions": {}, "chart-assets": {} };
}

function layout(yTitle, extra) {
  return Object.assign({
    margin: { l: 50, r: 10, t: 10, b: 40 },
    xaxis: { type: "date" },
    yaxis: { title: { text: yTitle }, rangemode: "tozero" },
    legend: { orientation: "h", y: -0.25 },
    showlegend: true,
  }, extra || {});
}

function resetCharts() {
  state.traces = { "chart-green": {}, "chart-rights": {}, "chart-emissions": {}, "chart-assets": {} };
  state.pending = emptyPending();
  state.assetsAcc = new Map();
  Plotly.newPlot("chart-green", [], layout("CNY/MWh"), PLOT_CONFIG);
  Plotly.newPlot("chart-rights", [], layout("CNY/tce"), PLOT_CONFIG);
  Plotly.newPlot("chart-emissions", [], layout("tCO2/day", { barmode: "group" }), PLOT_CONFIG);
  Plotly.newPlot("chart-assets", [], layout("kW"), PLOT_CONFIG);
  for (const id of ["green-empty", "rights-empty", "emissions-empty", "assets-empty"]) {
    $(id).hidden = false;
  }
  for (const id of ["green-price", "rights-price", "grid-price", "sim-time"]) {
    $(id).textContent = "–";
  }
  $("log").textContent = "";
  $("downloads").textContent = "";
  setFirmTable(null);
}

// Park-local time of an event as a plotly date string (no time zone).
function eventDate(msg) {
  if (typeof msg.time === "string" && msg.time.length >= 19) {
    const local = msg.time.slice(0, 19);
    if (state.originMs === null) {
      state.originMs = Date.parse(local + "Z") - msg.time_h * 3600e3;
    }
    return local;
  }
  if (state.originMs !== null) {
    return new Date(state.originMs + msg.time_h * 3600e3).toISOString().slice(0, 19);
  }
  return null;
}

function push(chart, key, x, y, text, traceStyle) {
  const group = state.pending[chart];
  if (!group[key]) group[key] = { x: [], y: [], text: [], options: traceStyle };
  group[key].x.push(x);
  group[key].y.push(y);
  group[key].text.push(text || "");
}

function fmt(value, digits) {
  return value === null || value === undefined || Number.isNaN(value)
    ? "–" : Number(value).toLocaleString(undefined, { maximumFractionDigits: digits });
}

function onParkStep(msg) {
  $("grid-price").textContent = fmt(msg.price_cny_per_kwh, 3);
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
    push("chart-assets", "PV", acc.x, acc.pv);
    push("chart-assets", "wind", acc.x, acc.wind);
    push("chart-assets", "battery (+ discharge)", acc.x, acc.battery);
    push("chart-assets", "heat pumps", acc.x, acc.hp);
  }
}

function onParkDay(msg) {
  let co2 = msg.co2_tco2;
  if (co2 === undefined) {
    const factor = (state.parks[msg.park] || {}).grid_co2_tco2_per_mwh;
    if (factor === null || factor === undefined || msg.import_kwh === undefined) return;
    co2 = (msg.import_kwh / 1000) * factor;
    $("emissions-note").textContent = "(grid imports, location-based)";
  }
  push("chart-emissions", msg.park, msg.date || eventDate(msg), co2, "", { type: "bar" });
}

function onGreenPower(msg) {
  const zone = msg.zone || msg.park || "all";
  const price = msg.price_cny_per_mwh;
  if (price === null || price === undefined) return;  // nothing traded in this period
  $("green-price").textContent = fmt(price, 1);
  push("chart-green", zone, eventDate(msg), price, `${fmt(msg.volume_mwh, 2)} MWh`,
       { mode: "lines+markers", line: { shape: "hv" } });
}

function onRights(msg) {
  const price = msg.price_cny_per_tce;
  if (price === null || price === undefined) return;
  $("rights-price").textContent = fmt(price, 1);
  const label = msg.year !== undefined && msg.month !== undefined ? `${msg.year}-${msg.month}` : "";
  push("chart-rights", "auction", eventDate(msg), price,
       `${label} ${fmt(msg.volume_tce, 1)} tce`, { mode: "lines+markers", line: { shape: "hv" } });
}

function logLine(text) {
  const li = document.createElement("li");
  li.textContent = text;
  $("log").prepend(li);
  while ($("log").children.length > 50) $("log").lastChild.remove();
}

function onEvent(msg) {
  if (msg.kind === "lagged") {
    logLine(`stream: ${msg.dropped} events skipped (${msg.reason})`);
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
      logLine(`compliance ${msg.year ?? ""}: ${fmt(msg.compliance_rate_pct, 1)} % of firms compliant, `
              + `shortfall ${fmt(msg.shortfall_tce, 2)} tce, penalties ${fmt(msg.penalties_cny, 0)} CNY`);
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
  const emptyIds = {
    "chart-green": "green-empty", "chart-rights": "rights-empty",
    "chart-emissions": "emissions-empty", "chart-assets": "assets-empty",
  };
  for (const [chart, groups] of Object.entries(state.pending)) {
    const known = state.traces[chart];
    const newTraces = [];
    const ext = { x: [], y: [], text: [] };
    const indices = [];
    for (const [key, pts] of Object.entries(groups)) {
      if (known[key] === undefined) {
        known[key] = Object.keys(known).length;
        newTraces.push(Object.assign({ name: key, x: pts.x, y: pts.y, text: pts.text,
                                       hovertemplate: "%{x}<br>%{y:.2f} %{text}" }, pts.options || {}));
      } else {
        ext.x.push(pts.x); ext.y.push(pts.y); ext.text.push(pts.text); indices.push(known[key]);
      }
    }
    if (newTraces.length) Plotly.addTraces(chart, newTraces);
    if (indices.length) Plotly.extendTraces(chart, ext, indices, MAX_POINTS);
    if (newTraces.length || indices.length) $(emptyIds[chart]).hidden = true;
  }
  state.pending = emptyPending();
  if (state.run && ["queued", "running"].includes(state.run.state)) {
    state.run.state = "running";
    setStatus(describe(state.run));
  }
}

function setStatus(text) { $("status").textContent = text; }

function describe(run) {
  return `${run.scenario} · ${run.state} · ${fmt(run.now_h, 0)} / ${fmt(run.horizon_h, 0)} h`;
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
    setStatus(`${describe(run)} · reconnecting…`);
    setTimeout(() => { if (state.run && state.run.id === run.id) connect(); }, 250 * 2 ** state.retry);
  };
}

async function api(method, path, body) {
  const headers = body ? { "Content-Type": "application/json" } : {};
  if (OPERATOR_TOKEN) headers.Authorization = `Bearer ${OPERATOR_TOKEN}`;
  const res = await fetch(path, {
    method,
    headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const first = (data.errors || [])[0];
    throw new Error(first ? `${first.path}: got ${first.value}; ${first.allowed}` : (data.detail || res.statusText));
  }
  return data;
}

function openRun(run) {
  if (state.ws) { const old = state.ws; state.ws = null; old.close(); }
  state.run = run;
  state.lastSeq = 0;
  state.ended = false;
  state.originMs = null;
  state.parks = Object.fromEntries(run.parks.map((p) => [p.name, p]));
  resetCharts();
  $("progress").value = run.progress;
  setStatus(describe(run));
  updateButtons(run);
  connect();
}

function updateButtons(run) {
  const live = ["queued", "running", "paused"].includes(run.state);
  $("pause").disabled = !live;
  $("pause").textContent = run.state === "paused" ? "Resume" : "Pause";
}

async function finished(runId) {
  flush();
  try {
    const run = await api("GET", `/api/runs/${runId}`);
    if (!state.run || state.run.id !== runId) return;
    state.run = run;
    setStatus(describe(run) + (run.error ? ` · ${run.error}` : ""));
    updateButtons(run);
    $("progress").value = run.progress;
    if (run.has_results) {
      setFirmTable(await api("GET", `/api/runs/${runId}/results`));
      const names = await api("GET", `/api/runs/${runId}/results/files`);
      const links = names
        .map((f) => `<a href="/api/runs/${runId}/results/${f}">${f}</a>`).join(" · ");
      $("downloads").innerHTML = `Download: ${links}`;
    }
    loadRuns();
  } catch (err) {
    setStatus(`error: ${err.message}`);
  }
}

function setFirmTable(summary) {
  const body = $("firms").tBodies[0];
  body.textContent = "";
  const rows = [];
  for (const [park, p] of Object.entries((summary && summary.parks) || {})) {
    for (const [firm, f] of Object.entries(p.firms_detail || {})) {
      rows.push([park, firm, f.sector, fmt(f.energy_use_tce, 1),
                 fmt((f.co2_tco2 || {}).total_location, 1), fmt((f.cost_cny || {}).total, 0),
                 fmt(f.self_sufficiency_pct, 1), fmt(f.pv_kwp, 0)]);
    }
  }
  if (!rows.length) {
    const tr = body.insertRow();
    const td = tr.insertCell();
    td.colSpan = 8;
    td.className = "empty-row";
    td.textContent = "The firm table fills in when a run finishes.";
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
  select.textContent = "";
  for (const ex of examples.filter((e) => e.valid)) {
    const opt = document.createElement("option");
    opt.value = ex.name;
    opt.textContent = `${ex.name} (${fmt(ex.horizon_h, 0)} h)`;
    opt.title = ex.description || "";
    select.append(opt);
  }
}

async function loadRuns() {
  const runs = await api("GET", "/api/runs?limit=30");
  const select = $("runs");
  const current = select.value;
  select.textContent = "";
  select.append(new Option("—", ""));
  for (const r of runs) {
    const when = new Date(r.created_unix_s * 1000).toLocaleString();
    select.append(new Option(`${r.scenario} · ${r.state} · ${when}`, r.id));
  }
  select.value = current;
}

async function start() {
  $("start").disabled = true;
  try {
    const run = await api("POST", "/api/runs", {
      example: $("scenario").value, speed: Number($("speed").value),
    });
    openRun(run);
    loadRuns();
  } catch (err) {
    setStatus(`could not start: ${err.message}`);
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
    setStatus(`${action}: ${err.message}`);
  }
}

async function changeSpeed() {
  if (!state.run || !["queued", "running", "paused"].includes(state.run.state)) return;
  try {
    state.run = await api("POST", `/api/runs/${state.run.id}/speed`, { speed: Number($("speed").value) });
  } catch (err) {
    setStatus(`speed: ${err.message}`);
  }
}

async function openPastRun() {
  const id = $("runs").value;
  if (!id) return;
  try {
    openRun(await api("GET", `/api/runs/${id}`));
  } catch (err) {
    setStatus(`open: ${err.message}`);
  }
}

window.addEventListener("DOMContentLoaded", async () => {
  resetCharts();
  $("start").addEventListener("click", start);
  $("controls").addEventListener("submit", (e) => e.preventDefault());
  $("pause").addEventListener("click", togglePause);
  $("speed").addEventListener("change", changeSpeed);
  $("runs").addEventListener("change", openPastRun);
  try {
    await loadExamples();
    await loadRuns();
    document.body.dataset.ready = "true";
  } catch (err) {
    setStatus(`could not reach the server: ${err.message}`);
  }
});
