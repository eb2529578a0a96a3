// Join a game with its code and a name; a browser that already has a seat goes back to it.
"use strict";

function claimToken() {
  const m = /claim=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  return m ? m[1] : null;
}

async function join(silent) {
  const body = { code: GM.$("code").value.trim(), name: GM.$("name").value };
  const claim = claimToken();
  if (claim) body.claim = claim;
  const res = await GM.api("POST", "/api/classroom/join", body);
  const msg = GM.$("join-msg");
  if (res.ok) { window.location.href = res.data.play_url; return; }
  if (silent) return;
  msg.className = "msg error";
  msg.textContent = GM.t("classroom.join.failed", { reason: (res.data && res.data.detail) || res.status });
}

function init() {
  const params = new URLSearchParams(window.location.search);
  const code = params.get("code");
  GM.$("join").addEventListener("click", () => join(false));
  GM.$("name").addEventListener("keydown", (e) => { if (e.key === "Enter") join(false); });
  if (code) {
    GM.$("code").value = code;
    join(true).finally(() => { document.body.dataset.ready = "true"; });
  } else {
    document.body.dataset.ready = "true";
  }
}

init();
