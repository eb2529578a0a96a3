// The instructor console: run rounds, change rules, manage seats, export.
"use strict";

const code = GM.codeFromPath();
const tokenKey = "gm-instructor-" + code;
const t = GM.t;
// Rule fields per market: field name and input step; labels are "classroom.param.<field>".
const PARAMS = {
  energy_rights: [["cap_share", 0.01], ["allocation", null], ["penalty_cny_per_unit", 1],
    ["price_cap_cny_per_unit", 1], ["reserve_price_cny_per_unit", 1]],
  green_power: [["target_share", 0.01], ["penalty_cny_per_unit", 1], ["price_cap_cny_per_unit", 1]],
};
let token = null;
let market = null;
let last = null;
let boardHidden = true;

function readToken() {
  const m = /token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(tokenKey, m[1]);
    history.replaceState(null, "", window.location.pathname);
  }
  return sessionStorage.getItem(tokenKey);
}

async function call(method, path, body, msgId) {
  const res = await GM.api(method, "/api/classroom/games/" + encodeURIComponent(code) + path, body,
    { "X-Instructor-Token": token || "" });
  const msg = GM.$(msgId || "console-msg");
  msg.className = res.ok ? "msg ok" : "msg error";
  msg.textContent = res.ok ? "" : t("classroom.common.error", { reason: (res.data && res.data.detail) || res.status });
  return res;
}

function buildParams(pub) {
  const form = GM.$("params-form");
  GM.clear(form);
  for (const [name, step] of PARAMS[pub.market]) {
    const wrap = GM.el("label");
    wrap.appendChild(GM.el("span", t("classroom.param." + name, { price_unit: GM.priceUnit(pub.unit) }), "param-label",
      { "data-param": name }));
    let input;
    if (name === "allocation") {
      input = GM.el("select", null, null, { id: "param-" + name });
      for (const v of ["grandfathering", "benchmark", "auction"]) input.appendChild(GM.el("option", t("classroom.param.allocation_" + v), null, { value: v }));
    } else {
      input = GM.el("input", null, null, { id: "param-" + name, type: "number", step: String(step), min: "0" });
    }
    input.value = pub.params[name];
    wrap.appendChild(input);
    form.appendChild(wrap);
  }
  const apply = GM.el("button", t("classroom.console.apply"), null, { type: "button", id: "apply-params" });
  apply.addEventListener("click", async () => {
    const body = {};
    for (const [name] of PARAMS[market]) {
      const input = GM.$("param-" + name);
      body[name] = name === "allocation" ? input.value : Number(input.value);
    }
    const res = await call("PATCH", "/params", body, "params-msg");
    if (res.ok) { GM.$("params-msg").className = "msg ok"; GM.$("params-msg").textContent = t("classroom.console.applied"); }
  });
  form.appendChild(apply);
}

function seatActions(seat) {
  const box = GM.el("span");
  const free = GM.el("button", t("classroom.console.free"), "secondary", { type: "button" });
  free.addEventListener("click", () => {
    if (!window.confirm(t("classroom.console.confirm_free", { seat: seat.seat + 1 }))) return;
    call("POST", "/seats/" + seat.seat + "/free", {});
  });
  const reassign = GM.el("button", t("classroom.console.new_link"), "secondary", { type: "button" });
  reassign.addEventListener("click", async () => {
    if (!window.confirm(t("classroom.console.confirm_link", { seat: seat.seat + 1 }))) return;
    const res = await call("POST", "/seats/" + seat.seat + "/reassign", { name: seat.player || t("classroom.console.seat_n", { seat: seat.seat + 1 }) });
    if (res.ok) {
      const p = GM.$("claim");
      GM.clear(p);
      p.appendChild(GM.el("span", t("classroom.console.claim_link", { seat: seat.seat + 1 })));
      p.appendChild(GM.el("code", window.location.origin + res.data.claim_url, "link"));
    }
  });
  box.appendChild(free);
  box.appendChild(reassign);
  return box;
}

let lastIns = null;

function onView(msg) {
  const pub = msg.public;
  const ins = msg.instructor;
  if (market === null) { market = pub.market; buildParams(pub); }
  last = pub;
  lastIns = ins;
  boardHidden = ins.leaderboard_hidden;
  GM.countdown.update(pub);
  render();
}

function render() {
  const pub = last;
  const ins = lastIns;
  if (!pub || !ins) return;
  GM.$("game-line").textContent = t("classroom.debrief.game", { code: pub.code });
  GM.$("code-2").textContent = pub.code;
  GM.$("title").textContent = GM.presetTitle(pub.preset, pub.title);
  GM.$("status").textContent = GM.statusText(pub);
  GM.$("counts").textContent = t("classroom.console.counts", { submitted: pub.seats.submitted, players: pub.seats.players,
    bots: pub.seats.bots, seats: pub.seats.total });
  GM.$("profit-head").textContent = t("classroom.result.profit", { unit: t("unit.cny") });
  for (const node of document.querySelectorAll("#params-form .param-label")) {
    node.textContent = t("classroom.param." + node.dataset.param, { price_unit: GM.priceUnit(pub.unit) });
  }
  for (const option of document.querySelectorAll("#param-allocation option")) {
    option.textContent = t("classroom.param.allocation_" + option.value);
  }
  if (GM.$("apply-params")) GM.$("apply-params").textContent = t("classroom.console.apply");
  const s = pub.status;
  GM.$("start").disabled = s !== "lobby";
  GM.$("pause").disabled = s !== "open";
  GM.$("resume").disabled = s !== "paused";
  GM.$("extend").disabled = s !== "open" && s !== "paused";
  GM.$("advance").disabled = s === "lobby" || s === "finished";
  GM.$("advance").textContent = t(s === "cleared" ? (pub.round + 1 < pub.n_rounds ? "classroom.console.next_round"
    : "classroom.console.to_debrief") : "classroom.console.close_round");
  GM.$("finish").disabled = s !== "lobby" && s !== "cleared";
  GM.$("bots-toggle").disabled = false;
  GM.$("board-toggle").disabled = false;
  for (const b of document.querySelectorAll("#exports button")) b.disabled = false;
  document.body.dataset.control = "ok";
  GM.$("bots-toggle").textContent = t(pub.bots_enabled ? "classroom.console.bots_on" : "classroom.console.bots_off",
    { strategy: t("classroom.create.bot_" + ins.bot_strategy) });
  GM.$("board-toggle").textContent = t(ins.leaderboard_hidden ? "classroom.console.board_hidden" : "classroom.console.board_shown");
  GM.$("apply-params").disabled = s !== "lobby" && s !== "cleared";
  GM.fillTable(GM.$("seats").querySelector("tbody"), ins.seats.map((seat) => {
    const who = GM.el("span", GM.byText(seat.controlled_by), "badge " + seat.controlled_by);
    return [String(seat.seat + 1), GM.firmName(seat.firm), seat.player || "—", who, seat.submitted ? "✓" : "",
      GM.fmt(seat.total_profit_cny, 0), seatActions(seat)];
  }), t("classroom.console.no_seats"), 7);
  document.body.dataset.status = s;
  document.body.dataset.round = String(pub.round);
  document.body.dataset.ready = "true";
}

async function download(table) {
  const res = await fetch("/api/classroom/games/" + encodeURIComponent(code) + "/export/" + table + ".csv",
    { headers: { "X-Instructor-Token": token || "" } });
  if (!res.ok) { GM.$("console-msg").textContent = t("classroom.console.export_failed", { status: res.status }); return; }
  const url = URL.createObjectURL(await res.blob());
  const a = GM.el("a", null, null, { href: url, download: code + "-" + table + ".csv" });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function init() {
  token = readToken();
  GM.countdown.node = GM.$("countdown");
  GM.$("join-url").textContent = window.location.origin + "/join";
  GM.$("projector-link").href = "/classroom/projector/" + encodeURIComponent(code);
  GM.$("debrief-link").href = "/classroom/debrief/" + encodeURIComponent(code);
  for (const action of ["start", "pause", "resume", "advance", "finish"]) {
    GM.$(action).addEventListener("click", () => {
      const question = confirmation(action);
      if (question && !window.confirm(question)) return;
      call("POST", "/control", { action });
    });
  }
  GM.$("token-submit").addEventListener("click", enterToken);
  GM.$("extend").addEventListener("click", () => call("POST", "/control", { action: "extend", seconds: 30 }));
  GM.$("bots-toggle").addEventListener("click", () => call("POST", "/bots", { enabled: !(last && last.bots_enabled) }));
  GM.$("board-toggle").addEventListener("click", () => call("POST", "/leaderboard", { hidden: !boardHidden }));
  for (const table of ["bids", "trades", "allocations", "payoffs"]) {
    const b = GM.el("button", t("classroom.common.csv_file", { table }), "secondary export", { type: "button", id: "export-" + table, disabled: "" });
    b.addEventListener("click", () => download(table));
    GM.$("exports").appendChild(b);
  }
  GM.onLang(() => { render(); if (document.body.dataset.control === "none") GM.$("status").textContent = t("classroom.console.no_control"); });
  if (token) connect(); else needToken();
}

function connect() {
  GM.connect(code, "instructor", onView, (closeCode) => {
    if (closeCode === 4401) { needToken(); return; }
    GM.$("status").textContent = t("classroom.common.unknown_game");
  }, token);
}

// Destructive actions ask first; others go straight through.
function confirmation(action) {
  if (action === "finish") return t("classroom.console.confirm_finish");
  if (action === "advance" && last && (last.status === "open" || last.status === "paused")) {
    return t("classroom.console.confirm_close");
  }
  return null;
}

// No valid token: every control is disabled and the code can be entered.
function needToken() {
  token = null;
  sessionStorage.removeItem(tokenKey);
  for (const b of document.querySelectorAll("#controls button, #exports button, #apply-params")) b.disabled = true;
  GM.$("token-card").hidden = false;
  GM.$("status").textContent = t("classroom.console.no_control");
  document.body.dataset.control = "none";
  if (GM.$("conn")) GM.$("conn").hidden = true;
}

async function enterToken() {
  const value = GM.$("token-input").value.trim();
  const msg = GM.$("token-msg");
  if (!/^[A-Za-z0-9_-]{16,200}$/.test(value)) {
    msg.className = "msg error";
    msg.textContent = t("classroom.console.code_format");
    return;
  }
  const res = await GM.api("GET", "/api/classroom/games/" + encodeURIComponent(code) + "/instructor", undefined,
    { "X-Instructor-Token": value });
  if (!res.ok) {
    msg.className = "msg error";
    msg.textContent = res.status === 0 ? res.data.detail
      : res.status === 404 ? t("classroom.common.unknown_game") : t("classroom.console.code_mismatch", { code });
    return;
  }
  token = value;
  sessionStorage.setItem(tokenKey, token);
  GM.$("token-input").value = "";
  msg.textContent = "";
  GM.$("token-card").hidden = true;
  connect();
}

init();
