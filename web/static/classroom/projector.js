// The projector: join code, countdown, last round's supply and demand, price path, emissions.
"use strict";

const code = GM.codeFromPath();
let drawnVersion = null;

function draw(pub) {
  const lastRound = pub.last;
  const unit = pub.unit;
  const rounds = pub.path.length > 0;
  if (lastRound) {
    const ce = lastRound.equilibrium.price;
    GM.plot("chart-curves", GM.curveTraces(lastRound.curves, lastRound.price, ce, unit),
      GM.curveLayout(lastRound.curves, lastRound.price, ce, unit), true);
  } else {
    GM.plot("chart-curves", [], null, false);
  }
  GM.plot("chart-path", GM.pathTraces(pub.path), GM.layout("round", "CNY/" + unit, { xaxis: { dtick: 1, title: { text: "round" } } }), rounds);
  GM.plot("chart-emissions", GM.emissionTraces(pub.path), GM.layout("round", "tCO2", { xaxis: { dtick: 1, title: { text: "round" } } }), rounds);
}

function onView(msg) {
  const pub = msg.public;
  GM.$("title").textContent = pub.title;
  GM.$("code").textContent = pub.code;
  GM.$("status").textContent = GM.statusText(pub);
  GM.countdown.update(pub);
  GM.$("submitted").textContent = pub.seats.submitted;
  GM.$("players").textContent = pub.seats.players;
  GM.$("bots").textContent = pub.seats.bots;
  for (const node of document.querySelectorAll(".unit")) node.textContent = pub.unit;
  const lastRound = pub.last;
  GM.$("price").textContent = lastRound ? GM.fmt(lastRound.price, 2) : "–";
  GM.$("volume").textContent = lastRound ? GM.fmt(lastRound.volume, 2) : "–";
  GM.$("ce-price").textContent = lastRound ? GM.fmt(lastRound.equilibrium.price, 2) : "–";
  const key = pub.path.length;
  if (key !== drawnVersion) { draw(pub); drawnVersion = key; }
  document.body.dataset.status = pub.status;
  document.body.dataset.rounds = String(pub.path.length);
  document.body.dataset.ready = "true";
}

GM.countdown.node = GM.$("countdown");
GM.$("join-url").textContent = window.location.origin + "/join";
GM.connect(code, "projector", onView, () => { GM.$("status").textContent = "Unknown game."; });
