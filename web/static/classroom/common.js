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

GM.fmt = (value, digits) => {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const d = digits === undefined ? 1 : digits;
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: 0 });
};

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
    return { ok: false, status: 0, data: { detail: "not connected: the request was not sent (" + err.message + ")" } };
  }
  let data = null;
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) data = await response.json();
  else data = await response.text();
  return { ok: response.ok, status: response.status, data };
};

// A table body from rows of cell texts.
GM.fillTable = (tbody, rows, emptyText, columns) => {
  GM.clear(tbody);
  if (!rows.length) {
    const tr = GM.el("tr");
    tr.appendChild(GM.el("td", emptyText, "empty-row", { colspan: String(columns || 1) }));
    tbody.appendChild(tr);
    return;
  }
  for (const row of rows) {
    const tr = GM.el("tr");
    for (const cell of row) {
      if (cell && typeof cell.nodeType === "number") { const td = GM.el("td"); td.appendChild(cell); tr.appendChild(td); }
      else tr.appendChild(GM.el("td", cell));
    }
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
    const note = this.stale ? " (offline)" : this.status === "paused" ? " (paused)" : "";
    this.node.textContent = text + note;
    this.node.classList.toggle("stale", this.stale);
    this.node.classList.toggle("urgent", !this.stale && this.status === "open" && left < 10);
  },
};

GM.statusText = (pub) => {
  const r = pub.round + 1;
  const label = pub.period_labels && pub.round >= 0 ? " (" + pub.period_labels[pub.round] + ")" : "";
  switch (pub.status) {
    case "lobby": return "Waiting for the instructor to start";
    case "open": return "Round " + r + " of " + pub.n_rounds + label + ": bidding open";
    case "paused": return "Round " + r + " of " + pub.n_rounds + label + ": paused";
    case "cleared": return "Round " + r + " of " + pub.n_rounds + label + ": results";
    case "finished": return "Game over: debrief";
    default: return pub.status;
  }
};

// Connection state of the game's websocket: "connecting", "connected", "reconnecting" or
// "offline" (several attempts failed). Shown in a badge and in body[data-conn].
GM.CONN_TEXT = { connecting: "connecting…", connected: "connected", reconnecting: "reconnecting…",
  offline: "offline: trying to reconnect" };
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
    badge.textContent = GM.CONN_TEXT[state] || state;
    badge.className = "conn " + state;
    badge.hidden = false;
    GM.countdown.stale = state !== "connected";
    const status = GM.$("status");
    if (status) status.classList.toggle("stale", state === "reconnecting" || state === "offline");
    GM.countdown.render();
  },
  online() { return this.state === "connected"; },
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
GM.NO_ROUNDS = "No rounds yet: this chart fills in once a round has cleared.";
GM.plot = (id, traces, layout, hasData) => {
  const node = GM.$(id);
  if (!hasData) {
    Plotly.purge(node);
    GM.clear(node);
    node.appendChild(GM.el("p", GM.NO_ROUNDS, "chart-empty"));
    node.dataset.empty = "true";
    return;
  }
  if (node.dataset.empty === "true") GM.clear(node);
  node.dataset.empty = "false";
  Plotly.react(node, traces, layout, GM.PLOT);
};

// Price axis of a supply/demand chart: around the crossing, not stretched by asks far above it.
// Up to twice the higher of the clearing and equilibrium prices (at least the highest bid up to
// that), or automatic when there is no price.
GM.curveYRange = (curves, price, ceprice) => {
  const refs = [price, ceprice].filter((v) => v !== null && v !== undefined && Number.isFinite(v) && v > 0);
  if (!refs.length) return null;
  const ref = Math.max(...refs);
  const points = [...(curves.demand ? curves.demand.p : []), ...(curves.supply ? curves.supply.p : [])]
    .filter((v) => Number.isFinite(v));
  const top = Math.min(Math.max(ref, ...points), 2 * ref);
  return [0, 1.08 * Math.max(top, 1.2 * ref)];
};
GM.curveLayout = (curves, price, ceprice, unit) => {
  const range = GM.curveYRange(curves, price, ceprice);
  const extra = range ? { yaxis: { title: { text: "CNY/" + unit }, range } } : {};
  return GM.layout("quantity [" + unit + "]", "CNY/" + unit, extra);
};

GM.curveTraces = (curves, price, ceprice, unit) => {
  const traces = [];
  if (curves.demand && curves.demand.q.length) {
    traces.push({ x: curves.demand.q, y: curves.demand.p, name: "bids (demand)", mode: "lines",
      line: { shape: "hv", color: "#1565c0" } });
  }
  if (curves.supply && curves.supply.q.length) {
    traces.push({ x: curves.supply.q, y: curves.supply.p, name: "asks (supply)", mode: "lines",
      line: { shape: "hv", color: "#c62828" } });
  }
  const qmax = Math.max(1, ...(curves.demand ? curves.demand.q : [0]), ...(curves.supply ? curves.supply.q : [0]));
  if (price !== null && price !== undefined) {
    traces.push({ x: [0, qmax], y: [price, price], name: "clearing price", mode: "lines",
      line: { dash: "dash", color: "#2e7d32" } });
  }
  if (ceprice !== null && ceprice !== undefined) {
    traces.push({ x: [0, qmax], y: [ceprice, ceprice], name: "competitive equilibrium", mode: "lines",
      line: { dash: "dot", color: "#6d4c41" } });
  }
  return traces;
};

GM.pathTraces = (path) => [
  { x: path.map((r) => r.round + 1), y: path.map((r) => r.price), name: "clearing price",
    mode: "lines+markers", line: { color: "#2e7d32" } },
  { x: path.map((r) => r.round + 1), y: path.map((r) => r.ce_price), name: "competitive equilibrium",
    mode: "lines+markers", line: { dash: "dot", color: "#6d4c41" } },
];

GM.emissionTraces = (path) => {
  const traces = [{ x: path.map((r) => r.round + 1), y: path.map((r) => r.emissions_tco2),
    name: "emissions", type: "bar", marker: { color: "#78909c" } }];
  if (path.some((r) => r.cap_tco2 !== null && r.cap_tco2 !== undefined)) {
    traces.push({ x: path.map((r) => r.round + 1), y: path.map((r) => r.cap_tco2), name: "cap",
      mode: "lines+markers", line: { color: "#c62828", dash: "dash" } });
  }
  return traces;
};

// Forms are driven by their buttons: pressing Enter never reloads the page.
document.addEventListener("submit", (e) => e.preventDefault());
