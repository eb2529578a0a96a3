// Shared helpers of the classroom pages. Player text is always set with textContent.
"use strict";

const GM = {};

GM.$ = (id) => document.getElementById(id);

// Create an element with text (never markup) and optional class and attributes.
GM.el = (tag, text, cls, attrs) => {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
};

GM.clear = (node) => { while (node.firstChild) node.removeChild(node.firstChild); };

// A message of the catalogues (see /static/i18n.js) and a number in the page's language.
GM.t = (key, params) => window.gmI18n.t(key, params);
GM.fmt = (value, digits) => window.gmI18n.number(value, digits);

// Units in the page's language: "tce" -> 吨标准煤, "CNY/tce" -> 元/吨标准煤.
GM.unit = (unit) => GM.t("unit." + String(unit || "").toLowerCase());
GM.priceUnit = (unit) => GM.t("unit.cny_per_" + String(unit || "").toLowerCase());

// Call fn now and again whenever the language changes.
GM.onLang = (fn) => document.addEventListener("gm:lang", () => fn());

GM.codeFromPath = () => {
  const parts = window.location.pathname.split("/").filter(Boolean);
  return decodeURIComponent(parts[parts.length - 1] || "");
};

// Call the API; resolves to {ok, status, data}; never throws on HTTP errors.
GM.api = async (method, path, body, headers) => {
  const init = { method, headers: Object.assign({ "Content-Type": "application/json" }, headers || {}),
    credentials: "same-origin" };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    return { ok: false, status: 0, data: { detail: GM.t("classroom.common.not_sent") } };
  }
  let data = null;
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) data = await response.json();
  else data = await response.text();
  return { ok: response.ok, status: response.status, data };
};

// A table body from rows of cell texts. Each cell carries its column's header as data-label,
// which narrow screens show when a table turns into a stack of cards (class "cards").
GM.fillTable = (tbody, rows, emptyText, columns) => {
  GM.clear(tbody);
  if (!rows.length) {
    const tr = GM.el("tr");
    tr.appendChild(GM.el("td", emptyText, "empty-row", { colspan: String(columns || 1) }));
    tbody.appendChild(tr);
    return;
  }
  const table = tbody.closest("table");
  const heads = table ? Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent) : [];
  for (const row of rows) {
    const tr = GM.el("tr");
    row.forEach((cell, i) => {
      const attrs = { "data-label": heads[i] || "" };
      if (cell && typeof cell.nodeType === "number") { const td = GM.el("td", null, null, attrs); td.appendChild(cell); tr.appendChild(td); }
      else tr.appendChild(GM.el("td", cell, null, attrs));
    });
    tbody.appendChild(tr);
  }
};

// Countdown held by the server: the view carries the deadline and the server's clock.
GM.countdown = {
  deadline: null, offset: 0, paused: null, status: "lobby", node: null, timer: null, stale: false,
  update(pub) {
    this.offset = pub.server_unix_s - Date.now() / 1000;
    this.deadline = pub.deadline_unix_s;
    this.paused = pub.status === "paused" ? pub.seconds_left : null;
    this.status = pub.status;
    this.render();
    if (!this.timer) this.timer = setInterval(() => this.render(), 200);
  },
  secondsLeft() {
    if (this.status === "paused") return this.paused;
    if (this.status !== "open" || this.deadline === null) return null;
    return Math.max(0, this.deadline - (Date.now() / 1000 + this.offset));
  },
  render() {
    if (!this.node) return;
    const left = this.secondsLeft();
    if (left === null) { this.node.textContent = "–"; this.node.classList.remove("urgent"); return; }
    const s = Math.ceil(left);
    const text = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    const note = this.stale ? GM.t("classroom.common.countdown_offline")
      : this.status === "paused" ? GM.t("classroom.common.countdown_paused") : "";
    this.node.textContent = text + note;
    this.node.classList.toggle("stale", this.stale);
    this.node.classList.toggle("urgent", !this.stale && this.status === "open" && left < 10);
  },
};

// "Round 2 of 5", or "Practice round" for the unscored round before the scored ones.
GM.roundName = (pub, round) => {
  const practice = pub.practice_rounds || 0;
  if (round < practice) return GM.t("classroom.common.practice_round");
  const label = pub.period_labels && round >= 0 && pub.period_labels[round]
    ? GM.t("classroom.common.period", { period: pub.period_labels[round] }) : "";
  return GM.t("classroom.common.round_of", { round: round - practice + 1, total: pub.n_rounds - practice }) + label;
};

// Short label of a round on a chart axis: "P" for the practice round, else its scored number.
GM.roundLabel = (round, practice) => (round < (practice || 0)
  ? GM.t("classroom.common.practice_short") : String(round - (practice || 0) + 1));

GM.statusText = (pub) => {
  const name = GM.roundName(pub, pub.round);
  switch (pub.status) {
    case "lobby": return GM.t("classroom.status.lobby");
    case "open": return GM.t("classroom.status.open", { round: name });
    case "paused": return GM.t("classroom.status.paused", { round: name });
    case "cleared": return GM.t("classroom.status.cleared", { round: name });
    case "finished": return GM.t("classroom.status.finished");
    default: return pub.status;
  }
};

// Who plays a seat, in the page's language ("player", "bot" or "empty").
GM.byText = (who) => GM.t("classroom.by." + who);

// Connection state of the game's websocket: "connecting", "connected", "reconnecting" or
// "offline" (several attempts failed). Shown in a badge and in body[data-conn].
GM.connection = {
  state: "connecting",
  set(state) {
    this.state = state;
    document.body.dataset.conn = state;
    let badge = GM.$("conn");
    if (!badge) {
      badge = GM.el("span", "", "conn", { id: "conn", role: "status" });
      const header = document.querySelector("header");
      if (header) header.appendChild(badge);
    }
    badge.textContent = GM.t("classroom.conn." + state);
    badge.className = "conn " + state;
    badge.hidden = false;
    GM.countdown.stale = state !== "connected";
    const status = GM.$("status");
    if (status) status.classList.toggle("stale", state === "reconnecting" || state === "offline");
    GM.countdown.render();
  },
  online() { return this.state === "connected"; },
  refresh() { this.set(this.state); },
};

// Wait before the next attempt [ms]: 250, 500, then about 1 s with jitter (never more than 1 s),
// so a page is back within about a second of the server's return.
GM.retryDelayMs = (attempt) => Math.min(1000, 250 * 2 ** Math.min(attempt - 1, 2)) * (0.75 + 0.25 * Math.random());

// Open the game's websocket and call onView with each view; reconnects with a capped back-off.
GM.connect = (code, role, onView, onClose, token) => {
  let failures = 0;
  let stopped = false;
  const open = () => {
    const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
    let url = proto + "//" + window.location.host + "/ws/classroom/" + encodeURIComponent(code) +
      "?role=" + role;
    if (token) url += "&token=" + encodeURIComponent(token);
    const ws = new WebSocket(url);
    ws.onmessage = (event) => {
      failures = 0;
      const msg = JSON.parse(event.data);
      if (msg.kind === "view") {
        onView(msg);
        if (!GM.connection.online()) GM.connection.set("connected");
      }
    };
    ws.onclose = (event) => {
      if (event.code >= 4400 && event.code < 4500) {
        stopped = true;
        if (onClose) onClose(event.code);
        return;
      }
      if (stopped) return;
      failures += 1;
      GM.connection.set(failures > 2 ? "offline" : "reconnecting");
      setTimeout(open, GM.retryDelayMs(failures));
    };
  };
  GM.connection.set("connecting");
  open();
};

// Plotly helpers: step curves of a round's book with its clearing price.
GM.PLOT = { responsive: true, displayModeBar: false };
GM.layout = (xTitle, yTitle, extra) => Object.assign({
  margin: { l: 55, r: 10, t: 10, b: 45 },
  xaxis: { title: { text: xTitle }, rangemode: "tozero" },
  yaxis: { title: { text: yTitle }, rangemode: "tozero" },
  legend: { orientation: "h", y: -0.3 },
}, extra || {});

// Draw a chart, or a "no rounds yet" placeholder instead of an empty axis when there is no data.
GM.plot = (id, traces, layout, hasData, emptyKey) => {
  const node = GM.$(id);
  if (!hasData) {
    Plotly.purge(node);
    GM.clear(node);
    node.appendChild(GM.el("p", GM.t(emptyKey || "classroom.chart.no_rounds"), "chart-empty"));
    node.dataset.empty = "true";
    return;
  }
  if (node.dataset.empty === "true") GM.clear(node);
  node.dataset.empty = "false";
  Plotly.react(node, traces, layout, GM.PLOT);
};

// Positive finite numbers of a list.
GM.positive = (values) => values.filter((v) => v !== null && v !== undefined && Number.isFinite(v) && v > 0);

// Price axis of a supply/demand chart: around the crossing, not stretched by asks far above it.
// Up to twice the higher of the clearing and equilibrium prices (at least the highest bid up to
// that), or automatic when there is no price.
GM.curveYRange = (curves, price, ceprice) => {
  const refs = GM.positive([price, ceprice]);
  if (!refs.length) return null;
  const ref = Math.max(...refs);
  const points = [...(curves.demand ? curves.demand.p : []), ...(curves.supply ? curves.supply.p : [])]
    .filter((v) => Number.isFinite(v));
  const top = Math.min(Math.max(ref, ...points), 2 * ref);
  return [0, 1.08 * Math.max(top, 1.2 * ref)];
};

// Quantity axis: up to twice the larger of the traded and equilibrium volumes, so the crossing
// sits near the middle however far the longest curve runs; automatic without a volume.
GM.curveXRange = (curves, volume, cevolume) => {
  const refs = GM.positive([volume, cevolume]);
  if (!refs.length) return null;
  const qmax = Math.max(0, ...(curves.demand ? curves.demand.q : []), ...(curves.supply ? curves.supply.q : []));
  const right = Math.min(qmax, 2 * Math.max(...refs));
  return right > 0 ? [0, right] : null;
};

GM.curveLayout = (curves, price, ceprice, unit, volume, cevolume) => {
  const yTitle = GM.priceUnit(unit);
  const xTitle = GM.t("classroom.chart.quantity", { unit: GM.unit(unit) });
  const extra = {};
  const yRange = GM.curveYRange(curves, price, ceprice);
  if (yRange) extra.yaxis = { title: { text: yTitle }, range: yRange };
  const xRange = GM.curveXRange(curves, volume, cevolume);
  if (xRange) extra.xaxis = { title: { text: xTitle }, range: xRange };
  return GM.layout(xTitle, yTitle, extra);
};

GM.curveTraces = (curves, price, ceprice) => {
  const traces = [];
  if (curves.demand && curves.demand.q.length) {
    traces.push({ x: curves.demand.q, y: curves.demand.p, name: GM.t("classroom.chart.demand"), mode: "lines",
      line: { shape: "hv", color: "#1565c0" } });
  }
  if (curves.supply && curves.supply.q.length) {
    traces.push({ x: curves.supply.q, y: curves.supply.p, name: GM.t("classroom.chart.supply"), mode: "lines",
      line: { shape: "hv", color: "#c62828" } });
  }
  const qmax = Math.max(1, ...(curves.demand ? curves.demand.q : [0]), ...(curves.supply ? curves.supply.q : [0]));
  if (price !== null && price !== undefined) {
    traces.push({ x: [0, qmax], y: [price, price], name: GM.t("classroom.chart.price"), mode: "lines",
      line: { dash: "dash", color: "#2e7d32" } });
  }
  if (ceprice !== null && ceprice !== undefined) {
    traces.push({ x: [0, qmax], y: [ceprice, ceprice], name: GM.t("classroom.chart.equilibrium"), mode: "lines",
      line: { dash: "dot", color: "#6d4c41" } });
  }
  return traces;
};

// Layout of a per-round chart: categories "P", "1", "2", ... on the x axis.
GM.roundLayout = (yTitle, extra) => GM.layout(GM.t("classroom.chart.round"), yTitle,
  Object.assign({ xaxis: { type: "category", title: { text: GM.t("classroom.chart.round") } } }, extra || {}));

GM.roundAxis = (path, practice) => path.map((r) => GM.roundLabel(r.round, practice));

GM.pathTraces = (path, practice) => [
  { x: GM.roundAxis(path, practice), y: path.map((r) => r.price), name: GM.t("classroom.chart.price"),
    mode: "lines+markers", line: { color: "#2e7d32" } },
  { x: GM.roundAxis(path, practice), y: path.map((r) => r.ce_price), name: GM.t("classroom.chart.equilibrium"),
    mode: "lines+markers", line: { dash: "dot", color: "#6d4c41" } },
];

GM.emissionTraces = (path, practice) => {
  const x = GM.roundAxis(path, practice);
  const traces = [{ x, y: path.map((r) => r.emissions_tco2),
    name: GM.t("classroom.chart.emissions"), type: "bar", marker: { color: "#78909c" } }];
  if (path.some((r) => r.cap_tco2 !== null && r.cap_tco2 !== undefined)) {
    traces.push({ x, y: path.map((r) => r.cap_tco2), name: GM.t("classroom.chart.cap"),
      mode: "lines+markers", line: { color: "#c62828", dash: "dash" } });
  }
  return traces;
};

// Forms are driven by their buttons: pressing Enter never reloads the page.
document.addEventListener("submit", (e) => e.preventDefault());

// The connection badge and the countdown follow a change of language.
GM.onLang(() => { if (GM.$("conn")) GM.connection.refresh(); GM.countdown.render(); });

// Text that comes from a preset file (firm types, abatement options): its translation under
// prefix + slug when the catalogues have one, else the file's own text.
GM.slug = (text) => String(text || "").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
GM.dataText = (prefix, text) => {
  const key = prefix + GM.slug(text);
  const en = (window.GM_MESSAGES && window.GM_MESSAGES.en) || {};
  return Object.prototype.hasOwnProperty.call(en, key) ? GM.t(key) : String(text || "");
};
// A firm's name ("Cement plant 3") with its type translated.
GM.firmName = (firm) => {
  const m = /^(.*\S)\s+(\d+)$/.exec(String(firm || ""));
  return m ? GM.t("classroom.common.firm_n", { type: GM.dataText("classroom.firm_type.", m[1]), n: m[2] })
    : GM.dataText("classroom.firm_type.", firm);
};
// A preset's title or description in the page's language (the preset file's text otherwise).
GM.presetTitle = (name, fallback) => GM.dataText("classroom.preset_title.", name) === String(name) ? String(fallback || "")
  : GM.dataText("classroom.preset_title.", name);
GM.presetDescription = (name, fallback) => GM.dataText("classroom.preset_text.", name) === String(name) ? String(fallback || "")
  : GM.dataText("classroom.preset_text.", name);
