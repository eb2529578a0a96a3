// Create a classroom game and hand the instructor the console link.
"use strict";

const presets = {};
const t = GM.t;

const presetTitle = (p) => GM.presetTitle(p.name, p.title);
const presetDescription = (p) => GM.presetDescription(p.name, p.description);

function showPreset() {
  const p = presets[GM.$("preset").value];
  if (!p) return;
  GM.$("seats").value = p.default_seats;
  GM.$("rounds").value = p.rounds;
  GM.$("round-seconds").value = p.round_seconds;
  GM.$("bot-strategy").value = p.bot_strategy;
  GM.$("preset-description").textContent = t("classroom.create.description", { description: presetDescription(p),
    status: t("classroom.create.values_" + p.values_status) });
}

async function init() {
  const res = await GM.api("GET", "/api/classroom/presets");
  const select = GM.$("preset");
  for (const p of res.ok ? res.data : []) {
    presets[p.name] = p;
    select.appendChild(GM.el("option", presetTitle(p), null, { value: p.name }));
  }
  select.addEventListener("change", showPreset);
  GM.onLang(() => {
    for (const option of select.options) option.textContent = presetTitle(presets[option.value]);
    const p = presets[select.value];
    if (p) GM.$("preset-description").textContent = t("classroom.create.description", {
      description: presetDescription(p), status: t("classroom.create.values_" + p.values_status) });
    showMyGames();
  });
  showPreset();
  GM.$("create").addEventListener("click", create);
  showMyGames();
  document.body.dataset.ready = "true";
}

async function create() {
  const body = {
    preset: GM.$("preset").value,
    seats: Number(GM.$("seats").value),
    rounds: Number(GM.$("rounds").value),
    round_seconds: Number(GM.$("round-seconds").value),
    bot_strategy: GM.$("bot-strategy").value,
    bots_enabled: GM.$("bots-enabled").value === "1",
    practice_round: GM.$("practice").checked,
  };
  const res = await GM.api("POST", "/api/classroom/games", body);
  const msg = GM.$("create-msg");
  if (!res.ok) {
    msg.className = "msg error";
    msg.textContent = t("classroom.common.error", { reason: (res.data && res.data.detail) || res.status });
    return;
  }
  msg.textContent = "";
  sessionStorage.setItem("gm-instructor-" + res.data.code, res.data.instructor_token);
  GM.$("created").hidden = false;
  GM.$("code").textContent = res.data.code;
  GM.$("join-url").textContent = window.location.origin + "/join";
  GM.$("join-url").dataset.code = res.data.code;
  GM.$("console-link").href = res.data.instructor_url;
  GM.$("projector-link").href = res.data.projector_url;
  GM.$("instructor-code").textContent = res.data.instructor_token;
  rememberGame({ code: res.data.code, preset: body.preset, created: new Date().toISOString() });
  showMyGames();
}

// Games created in this browser: code, title and time only (never a token).
const MY_GAMES_KEY = "gm-my-games";
const MY_GAMES_MAX = 20;

function myGames() {
  try {
    const list = JSON.parse(localStorage.getItem(MY_GAMES_KEY) || "[]");
    return Array.isArray(list) ? list.filter((g) => g && /^[A-Za-z0-9]{1,16}$/.test(String(g.code))) : [];
  } catch (err) {
    return [];
  }
}

function rememberGame(game) {
  const list = [game, ...myGames().filter((g) => g.code !== game.code)].slice(0, MY_GAMES_MAX);
  localStorage.setItem(MY_GAMES_KEY, JSON.stringify(list));
}

function showMyGames() {
  const ul = GM.$("my-games");
  GM.clear(ul);
  const list = myGames();
  if (!list.length) { ul.appendChild(GM.el("li", t("classroom.create.none_yet"), "muted")); return; }
  for (const g of list) {
    const li = GM.el("li");
    const code = encodeURIComponent(g.code);
    const p = presets[g.preset];
    const title = p ? presetTitle(p) : String(g.title || g.preset || "");
    li.appendChild(GM.el("a", t("classroom.create.game_console", { code: g.code }), null, { href: "/classroom/console/" + code }));
    li.appendChild(GM.el("span", " · " + title + " · " + String(g.created || "").slice(0, 16).replace("T", " ") + " · ", "muted"));
    li.appendChild(GM.el("a", t("classroom.create.debrief"), null, { href: "/classroom/debrief/" + code }));
    ul.appendChild(li);
  }
}

init();
