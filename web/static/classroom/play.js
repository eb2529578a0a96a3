// A student's seat: the guide, the firm's values, the bid form, the countdown, the results and
// the final screen.
"use strict";

const code = GM.codeFromPath();
const state = { seat: null, unit: "", status: null, round: null, maxBuy: 0, maxSell: 0, edited: false,
  queued: null, sending: false, view: null, guideSeen: false };
const t = GM.t;

function addRow(order) {
  const tbody = GM.$("bid-rows").querySelector("tbody");
  const tr = GM.el("tr", null, "order-row");
  const side = GM.el("select", null, "side", { "aria-label": t("classroom.play.side") });
  side.appendChild(GM.el("option", t("classroom.play.buy"), null, { value: "buy" }));
  side.appendChild(GM.el("option", t("classroom.play.sell"), null, { value: "sell" }));
  const qty = GM.el("input", null, "quantity", { type: "number", min: "0", step: "any", inputmode: "decimal",
    "aria-label": t("classroom.play.col_quantity") });
  const price = GM.el("input", null, "price", { type: "number", min: "0", step: "any", inputmode: "decimal",
    "aria-label": t("classroom.play.col_price") });
  if (order) { side.value = order.side; qty.value = order.quantity; price.value = order.price; }
  else { side.value = state.maxBuy > 0 ? "buy" : "sell"; }
  const remove = GM.el("button", "✕", "secondary", { type: "button", "aria-label": t("classroom.play.remove") });
  remove.addEventListener("click", () => { tr.remove(); state.edited = true; });
  for (const input of [side, qty, price]) input.addEventListener("input", () => { state.edited = true; });
  const heads = [t("classroom.play.side"), GM.$("qty-head").textContent, GM.$("price-head").textContent, ""];
  [side, qty, price, remove].forEach((node, i) => {
    const td = GM.el("td", null, null, { "data-label": heads[i] });
    td.appendChild(node);
    tr.appendChild(td);
  });
  tbody.appendChild(tr);
}

function readRows() {
  const orders = [];
  for (const tr of document.querySelectorAll("#bid-rows tbody tr")) {
    const q = tr.querySelector(".quantity").value;
    const p = tr.querySelector(".price").value;
    if (q === "" && p === "") continue;
    orders.push({ side: tr.querySelector(".side").value, quantity: Number(q), price: Number(p) });
  }
  return orders;
}

function setRows(orders) {
  GM.clear(GM.$("bid-rows").querySelector("tbody"));
  for (const o of orders) addRow(o);
  if (!orders.length) addRow(null);
  state.edited = false;
}

function say(kind, text) {
  const msg = GM.$("bid-msg");
  msg.className = "msg " + kind;
  msg.textContent = text;
}

// Offline, a bid waits in the page and goes out as soon as the page is connected again (while
// its round is still open); it is never sent to a later round.
async function submitBid() {
  const orders = readRows();
  if (!GM.connection.online()) {
    state.queued = { round: state.round, orders };
    document.body.dataset.queued = "true";
    say("warn", t("classroom.play.bid_queued"));
    return;
  }
  await send(orders);
}

async function send(orders) {
  state.sending = true;
  const res = await GM.api("PUT", "/api/classroom/games/" + encodeURIComponent(code) + "/seats/" + state.seat + "/bid", { orders });
  state.sending = false;
  if (res.ok) {
    const pub = state.view ? state.view.public : null;
    say("ok", t("classroom.play.bid_received", { round: pub ? GM.roundName(pub, res.data.round) : res.data.round + 1,
      count: res.data.orders.length }));
    showStanding(res.data.orders);
    state.edited = false;
  } else if (res.status === 0) {
    state.queued = { round: state.round, orders };
    document.body.dataset.queued = "true";
    say("warn", t("classroom.play.bid_queued"));
  } else {
    say("error", t("classroom.play.bid_refused", { reason: (res.data && res.data.detail) || res.status }));
  }
}

function sendQueued(pub) {
  const queued = state.queued;
  if (!queued || state.sending || !GM.connection.online()) return;
  state.queued = null;
  delete document.body.dataset.queued;
  if (pub.status === "open" && pub.round === queued.round) { send(queued.orders); return; }
  say("error", t("classroom.play.queued_too_late"));
}

function showStanding(orders) {
  GM.$("standing").textContent = orders.length
    ? orders.map((o) => t("classroom.play.order_line", { side: t("classroom.play." + o.side),
      quantity: GM.fmt(o.quantity, 3), price: GM.fmt(o.price, 2) })).join("; ")
    : t("classroom.play.no_orders");
}

function kv(dl, pairs) {
  GM.clear(dl);
  for (const [k, v] of pairs) { dl.appendChild(GM.el("dt", k)); dl.appendChild(GM.el("dd", v)); }
}

// A table header row from labels.
function head(table, labels) {
  const thead = table.querySelector("thead");
  GM.clear(thead);
  const tr = GM.el("tr");
  for (const h of labels) tr.appendChild(GM.el("th", h));
  thead.appendChild(tr);
}

function renderValues(me, pub) {
  const v = me.values;
  const u = GM.unit(pub.unit);
  const pu = GM.priceUnit(pub.unit);
  const cny = t("unit.cny");
  const steps = GM.$("firm-steps");
  GM.clear(steps.querySelector("thead"));
  GM.clear(steps.querySelector("tbody"));
  if (!v) {
    kv(GM.$("firm-values"), []);
    GM.$("values-round").textContent = "";
    GM.$("bid-help").textContent = "";
    return;
  }
  const name = GM.roundName(pub, v.round);
  GM.$("values-round").textContent = v.preview ? t("classroom.play.next_round", { round: name }) : name;
  state.maxBuy = v.max_buy; state.maxSell = v.max_sell;
  const pairs = [];
  const lbl = (key, unit) => t("classroom.firm." + key, { unit: unit || "" });
  if (pub.market === "energy_rights") {
    pairs.push([lbl("output_t"), GM.fmt(v.output_t, 0)], [lbl("margin", cny), GM.fmt(v.margin_cny, 0)],
      [lbl("need", u), GM.fmt(v.need_tce)], [lbl("allocation", u), GM.fmt(v.allocation_tce)],
      [lbl("position", u), GM.fmt(v.position_tce)], [lbl("penalty", pu), GM.fmt(v.penalty_cny_per_tce, 0)]);
    head(steps, [lbl("abatement_option"), lbl("capacity", u), lbl("cost", pu)]);
    GM.fillTable(steps.querySelector("tbody"), v.abatement.map((a) => [GM.dataText("classroom.abatement.", a.name), GM.fmt(a.capacity_tce), GM.fmt(a.cost_cny_per_tce, 0)]), "", 3);
  } else if (v.role === "pv_seller") {
    pairs.push([lbl("pv", u), GM.fmt(v.pv_mwh, 2)], [lbl("own_use", u), GM.fmt(v.own_load_mwh, 2)],
      [lbl("surplus", u), GM.fmt(v.pv_surplus_mwh, 2)], [lbl("certificate_value", pu), GM.fmt(v.certificate_value_cny_per_mwh)]);
    if (v.battery) {
      pairs.push([lbl("battery_charge", u), GM.fmt(v.battery.soc_mwh, 2) + " / " + GM.fmt(v.battery.energy_mwh, 2)],
        [lbl("battery_offer", u), GM.fmt(v.battery.offer_mwh, 2)], [lbl("battery_wear", pu), GM.fmt(v.battery.wear_cny_per_mwh)]);
    }
    head(steps, [lbl("period"), lbl("forecast", u)]);
    GM.fillTable(steps.querySelector("tbody"), v.period_labels.map((p, i) => [p + (i === v.period_index ? " ◀" : ""),
      GM.fmt(v.forecast_surplus_mwh[i], 2)]), "", 2);
  } else {
    pairs.push([lbl("load", u), GM.fmt(v.load_mwh, 2)], [lbl("target", u), GM.fmt(v.target_mwh, 2)],
      [lbl("penalty", pu), GM.fmt(v.penalty_cny_per_mwh, 0)], [lbl("voluntary_value", pu), GM.fmt(v.voluntary_value_cny_per_mwh)]);
  }
  pairs.push([lbl("max_buy", u), GM.fmt(v.max_buy, 3)], [lbl("max_sell", u), GM.fmt(v.max_sell, 3)],
    [lbl("profit_without_trade", cny), GM.fmt(v.profit_without_trade_cny, 0)]);
  if (!v.active) pairs.push([lbl("note"), t("classroom.firm.next_round_note")]);
  kv(GM.$("firm-values"), pairs);
  GM.$("bid-help").textContent = t("classroom.play.bid_help", { floor: GM.fmt(pub.params.price_floor_cny_per_unit, 0),
    cap: GM.fmt(pub.params.price_cap_cny_per_unit, 0), unit: pu });
}

// The guide: the preset in words, what the firm does, what a unit is worth to it and a worked
// example from its own first buy or sell step.
function renderGuide(me, pub) {
  const v = me.values;
  GM.$("guide-preset").textContent = GM.presetDescription(pub.preset, pub.description);
  const u = GM.unit(pub.unit);
  const pu = GM.priceUnit(pub.unit);
  const cny = t("unit.cny");
  if (!v) {
    for (const id of ["guide-produce", "guide-worth", "guide-example", "guide-warning"]) GM.$(id).textContent = "";
    return;
  }
  const n = (x, d) => GM.fmt(x, d === undefined ? 1 : d);
  let produce;
  if (pub.market === "energy_rights") {
    produce = t("classroom.guide.produce_rights", { firm: GM.firmName(me.firm), type: GM.dataText("classroom.firm_type.", me.type_label), output: n(v.output_t, 0),
      margin: n(v.margin_cny, 0), need: n(v.need_tce), allocation: n(v.allocation_tce), unit: u, cny,
      penalty: n(v.penalty_cny_per_tce, 0), price_unit: pu });
  } else if (v.role === "pv_seller") {
    produce = t("classroom.guide.produce_pv", { firm: GM.firmName(me.firm), pv: n(v.pv_mwh, 2), own: n(v.own_load_mwh, 2),
      surplus: n(v.pv_surplus_mwh, 2), unit: u });
  } else {
    produce = t("classroom.guide.produce_buyer", { firm: GM.firmName(me.firm), load: n(v.load_mwh, 2), target: n(v.target_mwh, 2),
      penalty: n(v.penalty_cny_per_mwh, 0), unit: u, price_unit: pu });
  }
  GM.$("guide-produce").textContent = produce;
  const buy = (v.buy_steps || []).find((s) => s.value_cny_per_unit !== null && s.value_cny_per_unit > 0);
  const sell = (v.sell_steps || []).find((s) => s.cost_cny_per_unit !== null);
  const worth = [];
  if (buy) worth.push(t("classroom.guide.worth_buy", { quantity: n(buy.quantity, 2), value: n(buy.value_cny_per_unit, 0), unit: u, price_unit: pu }));
  if (sell) worth.push(t("classroom.guide.worth_sell", { quantity: n(sell.quantity, 2), cost: n(sell.cost_cny_per_unit, 0), unit: u, price_unit: pu }));
  if (!worth.length) worth.push(t("classroom.guide.worth_none"));
  GM.$("guide-worth").textContent = worth.join(" ");
  let example = "";
  let warning = "";
  if (buy && (!sell || v.max_buy >= v.max_sell)) {
    const price = Math.max(1, Math.floor(0.8 * buy.value_cny_per_unit));
    const q = Math.min(buy.quantity, Math.max(1, Math.round(buy.quantity)));
    example = t("classroom.guide.example_buy", { quantity: n(q, 2), unit: u, price: n(price, 0), price_unit: pu,
      value: n(buy.value_cny_per_unit, 0), gain: n(q * (buy.value_cny_per_unit - price), 0), cny });
    const over = Math.ceil(1.2 * buy.value_cny_per_unit);
    warning = t("classroom.guide.warning_buy", { price: n(over, 0), price_unit: pu, quantity: n(q, 2), unit: u,
      loss: n(q * (over - buy.value_cny_per_unit), 0), cny });
  } else if (sell) {
    const price = Math.max(sell.cost_cny_per_unit + 1, Math.ceil(1.25 * sell.cost_cny_per_unit) || 100);
    const q = Math.min(sell.quantity, Math.max(1, Math.round(sell.quantity)));
    example = t("classroom.guide.example_sell", { quantity: n(q, 2), unit: u, price: n(price, 0), price_unit: pu,
      cost: n(sell.cost_cny_per_unit, 0), gain: n(q * (price - sell.cost_cny_per_unit), 0), cny });
    warning = t("classroom.guide.warning_sell", { cost: n(sell.cost_cny_per_unit, 0), price_unit: pu });
  }
  GM.$("guide-example").textContent = example;
  GM.$("guide-warning").textContent = warning;
}

function renderResult(me, pub) {
  const last = me.last;
  const u = GM.unit(pub.unit);
  const cny = t("unit.cny");
  const lbl = (key, unit) => t("classroom.result." + key, { unit: unit || "" });
  const pairs = [[lbl("price", GM.priceUnit(pub.unit)), last ? GM.fmt(last.price, 2) : "–"]];
  if (last) {
    pairs.push([lbl("round"), GM.roundName(pub, last.round)],
      [lbl("bought_sold", u), GM.fmt(last.bought, 3) + " / " + GM.fmt(last.sold, 3)],
      [lbl("payment", cny), GM.fmt(last.payment_cny, 0)], [lbl("profit", cny), GM.fmt(last.profit_cny, 0)],
      [lbl("played_by"), GM.byText(last.source)]);
    if (pub.market === "energy_rights") {
      pairs.push([lbl("abated", u), GM.fmt(last.abated_tce)], [lbl("penalty_on", u), GM.fmt(last.penalty_tce)]);
    } else {
      pairs.push([lbl("green", u), GM.fmt(last.green_mwh, 2)], [lbl("missed", u), GM.fmt(last.shortfall_mwh, 2)]);
    }
  }
  kv(GM.$("result"), pairs);
  GM.$("result").querySelectorAll("dd")[0].id = "last-price";
  GM.$("payment-head").textContent = t("classroom.result.payment", { unit: cny });
  GM.$("profit-head").textContent = t("classroom.result.profit", { unit: cny });
  GM.fillTable(GM.$("trades").querySelector("tbody"), last ? last.trades.map((tr) => [tr.order_id, t("classroom.play." + tr.side),
    GM.fmt(tr.quantity, 3), GM.fmt(tr.limit_price, 2), GM.fmt(tr.accepted, 3), GM.fmt(tr.payment_cny, 0)]) : [],
  t("classroom.play.no_orders"), 6);
  GM.fillTable(GM.$("history").querySelector("tbody"), me.history.map((h) => [GM.roundName(pub, h.round), GM.fmt(h.price, 2),
    GM.fmt(h.net, 3), h.practice ? t("classroom.play.not_counted", { profit: GM.fmt(h.profit_cny, 0) }) : GM.fmt(h.profit_cny, 0),
    GM.byText(h.source)]), t("classroom.play.no_rounds"), 5);
  GM.$("total-line").textContent = t("classroom.play.total_profit", { profit: GM.fmt(me.total_profit_cny, 0), cny });
}

// The final screen: rank, gain and profit over the scored rounds, and what they mean.
function renderFinal(me, pub) {
  const f = me.final;
  GM.$("final").hidden = !f;
  GM.$("play-area").hidden = pub.status === "finished";
  document.body.dataset.final = f ? "true" : "false";
  if (!f) return;
  const cny = t("unit.cny");
  GM.$("final-rank").textContent = t("classroom.final.rank", { rank: f.rank, of: f.of });
  kv(GM.$("final-values"), [
    [t("classroom.final.profit", { unit: cny }), GM.fmt(f.total_profit_cny, 0)],
    [t("classroom.final.gain", { unit: cny }), GM.fmt(f.gain_cny, 0)],
    [t("classroom.final.rounds"), String(f.scored_rounds)],
  ]);
  const parts = [t("classroom.final.explain_rank")];
  if (pub.practice_rounds) parts.push(t("classroom.final.explain_practice"));
  parts.push(f.gain_cny > 0 ? t("classroom.final.explain_gain") : t("classroom.final.explain_loss"));
  GM.$("final-text").textContent = parts.join(" ");
  GM.$("final-debrief").href = "/classroom/debrief/" + encodeURIComponent(code);
}

function showGuide(visible) {
  GM.$("guide").hidden = !visible;
  document.body.dataset.guide = visible ? "shown" : "hidden";
}

function render() {
  const msg = state.view;
  if (!msg) return;
  const pub = msg.public;
  const me = msg.me;
  GM.$("firm").textContent = GM.firmName(me.firm);
  GM.$("player").textContent = me.player || "";
  const badge = GM.$("controlled");
  badge.textContent = GM.byText(me.controlled_by);
  badge.className = "badge " + me.controlled_by;
  GM.$("status").textContent = GM.statusText(pub);
  GM.$("qty-head").textContent = t("classroom.play.quantity_head", { unit: GM.unit(pub.unit) });
  GM.$("price-head").textContent = t("classroom.play.price_head", { unit: GM.priceUnit(pub.unit) });
  if (me.bid) showStanding(me.bid.orders); else GM.$("standing").textContent = t("classroom.play.none");
  renderValues(me, pub);
  renderGuide(me, pub);
  renderResult(me, pub);
  renderFinal(me, pub);
  const practice = pub.round >= 0 && pub.round < (pub.practice_rounds || 0) && pub.status !== "finished";
  GM.$("practice-banner").hidden = !practice;
}

function onView(msg) {
  const pub = msg.public;
  const me = msg.me;
  state.view = msg;
  state.seat = me.seat;
  GM.countdown.update(pub);
  const roundChanged = state.round !== pub.round || state.status !== pub.status;
  const canBid = pub.status === "open" && me.values && me.values.active;
  GM.$("submit-bid").disabled = !canBid;
  GM.$("add-order").disabled = !canBid;
  render();
  if (roundChanged) {
    setRows(me.bid ? me.bid.orders : []);
    if (pub.status !== "open" && !state.queued) GM.$("bid-msg").textContent = "";
  }
  if (!state.guideSeen) {
    state.guideSeen = true;
    showGuide(pub.status === "lobby" || (pub.round <= 0 && !me.bid));
  }
  if (pub.status === "finished") showGuide(false);
  GM.$("board-card").hidden = pub.leaderboard_hidden && pub.status !== "finished";
  GM.$("debrief-link").href = "/classroom/debrief/" + encodeURIComponent(code);
  state.round = pub.round; state.status = pub.status;
  document.body.dataset.status = pub.status;
  document.body.dataset.round = String(pub.round);
  document.body.dataset.ready = "true";
  sendQueued(pub);
}

function init() {
  GM.countdown.node = GM.$("countdown");
  GM.$("add-order").addEventListener("click", () => { addRow(null); state.edited = true; });
  GM.$("submit-bid").addEventListener("click", submitBid);
  GM.$("show-guide").addEventListener("click", () => showGuide(GM.$("guide").hidden));
  GM.$("hide-guide").addEventListener("click", () => showGuide(false));
  GM.onLang(() => {
    const orders = readRows();
    render();
    setRows(orders);
  });
  GM.connect(code, "player", (msg) => {
    const wasOnline = GM.connection.online();
    onView(msg);
    if (!wasOnline) window.setTimeout(() => sendQueued(msg.public), 0);
  }, () => {
    window.location.href = "/join?code=" + encodeURIComponent(code);
  });
}

init();
