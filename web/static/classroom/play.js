// A student's seat: the firm's values, the bid form, the countdown and the results.
"use strict";

const code = GM.codeFromPath();
const state = { seat: null, unit: "", status: null, round: null, maxBuy: 0, maxSell: 0, edited: false };

function addRow(order) {
  const tbody = GM.$("bid-rows").querySelector("tbody");
  const tr = GM.el("tr", null, "order-row");
  const side = GM.el("select", null, "side", { "aria-label": "side" });
  side.appendChild(GM.el("option", "buy", null, { value: "buy" }));
  side.appendChild(GM.el("option", "sell", null, { value: "sell" }));
  const qty = GM.el("input", null, "quantity", { type: "number", min: "0", step: "any", "aria-label": "quantity" });
  const price = GM.el("input", null, "price", { type: "number", min: "0", step: "any", "aria-label": "price" });
  if (order) { side.value = order.side; qty.value = order.quantity; price.value = order.price; }
  else { side.value = state.maxBuy > 0 ? "buy" : "sell"; }
  const remove = GM.el("button", "✕", "secondary", { type: "button", "aria-label": "remove order" });
  remove.addEventListener("click", () => { tr.remove(); state.edited = true; });
  for (const input of [side, qty, price]) input.addEventListener("input", () => { state.edited = true; });
  for (const node of [side, qty, price, remove]) { const td = GM.el("td"); td.appendChild(node); tr.appendChild(td); }
  tbody.appendChild(tr);
}

function setRows(orders) {
  GM.clear(GM.$("bid-rows").querySelector("tbody"));
  for (const o of orders) addRow(o);
  if (!orders.length) addRow(null);
  state.edited = false;
}

async function submitBid() {
  const orders = [];
  for (const tr of document.querySelectorAll("#bid-rows tbody tr")) {
    const q = tr.querySelector(".quantity").value;
    const p = tr.querySelector(".price").value;
    if (q === "" && p === "") continue;
    orders.push({ side: tr.querySelector(".side").value, quantity: Number(q), price: Number(p) });
  }
  const msg = GM.$("bid-msg");
  if (!GM.connection.online()) {
    msg.className = "msg error";
    msg.textContent = "Not connected: your bid was not sent. Send it again once the page says connected.";
    return;
  }
  const res = await GM.api("PUT", "/api/classroom/games/" + encodeURIComponent(code) + "/seats/" + state.seat + "/bid", { orders });
  if (res.ok) {
    msg.className = "msg ok";
    msg.textContent = "Bid received for round " + (res.data.round + 1) + " (" + res.data.orders.length + " order(s)). You can change it until the deadline.";
    showStanding(res.data.orders);
    state.edited = false;
  } else {
    msg.className = "msg error";
    msg.textContent = (res.data && res.data.detail) || "bid refused";
  }
}

function showStanding(orders) {
  GM.$("standing").textContent = orders.length
    ? orders.map((o) => o.side + " " + GM.fmt(o.quantity, 3) + " @ " + GM.fmt(o.price, 2)).join("; ")
    : "no orders";
}

function kv(dl, pairs) {
  GM.clear(dl);
  for (const [k, v] of pairs) { dl.appendChild(GM.el("dt", k)); dl.appendChild(GM.el("dd", v)); }
}

function renderValues(me, pub) {
  const v = me.values;
  const u = pub.unit;
  const steps = GM.$("firm-steps");
  GM.clear(steps.querySelector("thead"));
  GM.clear(steps.querySelector("tbody"));
  if (!v) { kv(GM.$("firm-values"), []); GM.$("values-round").textContent = ""; return; }
  const label = pub.period_labels ? " (" + pub.period_labels[v.round] + ")" : "";
  GM.$("values-round").textContent = (v.preview ? "next: round " : "round ") + (v.round + 1) + label;
  state.maxBuy = v.max_buy; state.maxSell = v.max_sell;
  const pairs = [];
  if (pub.market === "energy_rights") {
    pairs.push(["Output [t]", GM.fmt(v.output_t, 0)], ["Margin [CNY]", GM.fmt(v.margin_cny, 0)],
      ["Energy need [tce]", GM.fmt(v.need_tce)], ["Free rights held [tce]", GM.fmt(v.allocation_tce)],
      ["Position [tce]", GM.fmt(v.position_tce)], ["Penalty [CNY/tce]", GM.fmt(v.penalty_cny_per_tce, 0)]);
    const head = GM.el("tr");
    for (const h of ["Abatement option", "Capacity [tce]", "Cost [CNY/tce]"]) head.appendChild(GM.el("th", h));
    steps.querySelector("thead").appendChild(head);
    GM.fillTable(steps.querySelector("tbody"), v.abatement.map((a) => [a.name, GM.fmt(a.capacity_tce), GM.fmt(a.cost_cny_per_tce, 0)]), "", 3);
  } else if (v.role === "pv_seller") {
    pairs.push(["PV this period [MWh]", GM.fmt(v.pv_mwh, 2)], ["Own use [MWh]", GM.fmt(v.own_load_mwh, 2)],
      ["Surplus to sell [MWh]", GM.fmt(v.pv_surplus_mwh, 2)], ["Certificate value to you [CNY/MWh]", GM.fmt(v.certificate_value_cny_per_mwh)]);
    if (v.battery) {
      pairs.push(["Battery charge [MWh]", GM.fmt(v.battery.soc_mwh, 2) + " / " + GM.fmt(v.battery.energy_mwh, 2)],
        ["Battery can deliver [MWh]", GM.fmt(v.battery.offer_mwh, 2)], ["Battery wear [CNY/MWh]", GM.fmt(v.battery.wear_cny_per_mwh)]);
    }
    const head = GM.el("tr");
    for (const h of ["Period", "PV surplus forecast [MWh]"]) head.appendChild(GM.el("th", h));
    steps.querySelector("thead").appendChild(head);
    GM.fillTable(steps.querySelector("tbody"), v.period_labels.map((p, i) => [p + (i === v.round ? " ◀" : ""), GM.fmt(v.forecast_surplus_mwh[i], 2)]), "", 2);
  } else {
    pairs.push(["Load [MWh]", GM.fmt(v.load_mwh, 2)], ["Green target [MWh]", GM.fmt(v.target_mwh, 2)],
      ["Penalty per MWh missed [CNY]", GM.fmt(v.penalty_cny_per_mwh, 0)], ["Value beyond target [CNY/MWh]", GM.fmt(v.voluntary_value_cny_per_mwh)]);
  }
  pairs.push(["You may buy up to [" + u + "]", GM.fmt(v.max_buy, 3)], ["You may sell up to [" + u + "]", GM.fmt(v.max_sell, 3)],
    ["Profit without trading [CNY]", GM.fmt(v.profit_without_trade_cny, 0)]);
  if (!v.active) pairs.push(["Note", "you take part from the next round"]);
  kv(GM.$("firm-values"), pairs);
  GM.$("bid-help").textContent = "Buy at most what a unit is worth to you; sell at least at what it costs you. Prices from " +
    GM.fmt(pub.params.price_floor_cny_per_unit, 0) + " to " + GM.fmt(pub.params.price_cap_cny_per_unit, 0) + " CNY/" + u + ".";
}

function renderResult(me, pub) {
  const last = me.last;
  const pairs = [["Price [CNY/" + pub.unit + "]", last ? GM.fmt(last.price, 2) : "–"]];
  if (last) {
    pairs.push(["Round", String(last.round + 1)], ["Bought / sold [" + pub.unit + "]", GM.fmt(last.bought, 3) + " / " + GM.fmt(last.sold, 3)],
      ["Payment [CNY]", GM.fmt(last.payment_cny, 0)], ["Profit [CNY]", GM.fmt(last.profit_cny, 0)], ["Played by", last.source]);
    if (pub.market === "energy_rights") {
      pairs.push(["Abated [tce]", GM.fmt(last.abated_tce)], ["Penalty on [tce]", GM.fmt(last.penalty_tce)]);
    } else {
      pairs.push(["Green power [MWh]", GM.fmt(last.green_mwh, 2)], ["Target missed [MWh]", GM.fmt(last.shortfall_mwh, 2)]);
    }
  }
  kv(GM.$("result"), pairs);
  GM.$("result").querySelectorAll("dd")[0].id = "last-price";
  GM.fillTable(GM.$("trades").querySelector("tbody"), last ? last.trades.map((t) => [t.order_id, t.side,
    GM.fmt(t.quantity, 3), GM.fmt(t.limit_price, 2), GM.fmt(t.accepted, 3), GM.fmt(t.payment_cny, 0)]) : [], "no orders", 6);
  GM.fillTable(GM.$("history").querySelector("tbody"), me.history.map((h) => [String(h.round + 1), GM.fmt(h.price, 2),
    GM.fmt(h.net, 3), GM.fmt(h.profit_cny, 0), h.source]), "no rounds yet", 5);
  GM.$("total-profit").textContent = GM.fmt(me.total_profit_cny, 0);
}

function onView(msg) {
  const pub = msg.public;
  const me = msg.me;
  state.seat = me.seat;
  for (const node of document.querySelectorAll(".unit")) node.textContent = pub.unit;
  GM.$("firm").textContent = me.firm;
  GM.$("player").textContent = me.player || "";
  const badge = GM.$("controlled");
  badge.textContent = me.controlled_by;
  badge.className = "badge " + me.controlled_by;
  GM.$("status").textContent = GM.statusText(pub);
  GM.countdown.update(pub);
  const roundChanged = state.round !== pub.round || state.status !== pub.status;
  const canBid = pub.status === "open" && me.values && me.values.active;
  GM.$("submit-bid").disabled = !canBid;
  GM.$("add-order").disabled = !canBid;
  if (roundChanged) {
    setRows(me.bid ? me.bid.orders : []);
    if (pub.status !== "open") GM.$("bid-msg").textContent = "";
  }
  if (me.bid) showStanding(me.bid.orders); else GM.$("standing").textContent = "none";
  renderValues(me, pub);
  renderResult(me, pub);
  GM.$("board-card").hidden = pub.leaderboard_hidden && pub.status !== "finished";
  GM.$("debrief-link").href = "/classroom/debrief/" + encodeURIComponent(code);
  state.round = pub.round; state.status = pub.status;
  document.body.dataset.status = pub.status;
  document.body.dataset.round = String(pub.round);
  document.body.dataset.ready = "true";
}

function init() {
  GM.countdown.node = GM.$("countdown");
  GM.$("add-order").addEventListener("click", () => { addRow(null); state.edited = true; });
  GM.$("submit-bid").addEventListener("click", submitBid);
  GM.connect(code, "player", onView, () => {
    window.location.href = "/join?code=" + encodeURIComponent(code);
  });
}

init();
