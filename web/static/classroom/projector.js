// The projector: QR code and join URL, who has joined, countdown, last round's supply and
// demand, price path, emissions.
"use strict";

const code = GM.codeFromPath();
const t = GM.t;
let drawnKey = null;
let view = null;

function draw(pub) {
  const last = pub.last;
  const unit = pub.unit;
  const practice = pub.practice_rounds || 0;
  const rounds = pub.path.length > 0;
  if (last) {
    const eq = last.equilibrium;
    GM.plot("chart-curves", GM.curveTraces(last.curves, last.price, eq.price),
      GM.curveLayout(last.curves, last.price, eq.price, unit, last.volume, eq.volume), true);
  } else {
    GM.plot("chart-curves", [], null, false);
  }
  GM.plot("chart-path", GM.pathTraces(pub.path, practice), GM.roundLayout(GM.priceUnit(unit)), rounds);
  GM.plot("chart-emissions", GM.emissionTraces(pub.path, practice), GM.roundLayout(GM.unit("tCO2")), rounds);
}

function render() {
  if (!view) return;
  const pub = view;
  GM.$("title").textContent = GM.presetTitle(pub.preset, pub.title);
  GM.$("code").textContent = pub.code;
  GM.$("status").textContent = GM.statusText(pub);
  GM.$("bid-count").textContent = t("classroom.projector.bids", { submitted: pub.seats.submitted,
    players: pub.seats.players, bots: pub.seats.bots });
  const last = pub.last;
  const pu = GM.priceUnit(pub.unit);
  GM.$("last-line").textContent = last
    ? t("classroom.projector.last_round", { round: GM.roundName(pub, last.round), price: GM.fmt(last.price, 2),
      price_unit: pu, volume: GM.fmt(last.volume, 2), unit: GM.unit(pub.unit), ce: GM.fmt(last.equilibrium.price, 2) })
    : t("classroom.projector.last_round_none");
  GM.$("path-title").textContent = t("classroom.projector.path_title", { price_unit: pu });
  GM.$("emissions-title").textContent = t("classroom.projector.emissions_title", { unit: GM.unit("tCO2") });
  const list = GM.$("lobby");
  GM.clear(list);
  for (const name of pub.joined || []) list.appendChild(GM.el("li", name));
  if (!(pub.joined || []).length) list.appendChild(GM.el("li", t("classroom.projector.nobody"), "muted"));
  GM.$("joined-count").textContent = t("classroom.projector.joined_count", { players: pub.seats.players, seats: pub.seats.total });
  GM.$("lobby-card").hidden = pub.status !== "lobby";
}

function onView(msg) {
  const pub = Object.assign({}, msg.public, { joined: (msg.lobby && msg.lobby.joined) || [] });
  view = pub;
  GM.countdown.update(pub);
  render();
  const key = pub.path.length + ":" + window.gmI18n.lang;
  if (key !== drawnKey) { draw(pub); drawnKey = key; }
  document.body.dataset.status = pub.status;
  document.body.dataset.rounds = String(pub.path.length);
  document.body.dataset.joined = String((pub.joined || []).length);
  document.body.dataset.ready = "true";
}

GM.countdown.node = GM.$("countdown");
const joinUrl = window.location.origin + "/join?code=" + encodeURIComponent(code);
GM.$("join-url").textContent = joinUrl;
GM.$("qr").src = "/api/classroom/games/" + encodeURIComponent(code) + "/qr.svg";
GM.onLang(() => { render(); if (view) { draw(view); drawnKey = view.path.length + ":" + window.gmI18n.lang; } });
GM.connect(code, "projector", onView, () => { GM.$("status").textContent = t("classroom.common.unknown_game"); });
