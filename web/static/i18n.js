// Translation of the pages: every visible string comes from the catalogues in /i18n/messages.js.
// Markup names a message with data-i18n="key" (text) or data-i18n-attr="placeholder:key;title:key";
// scripts call gmI18n.t(messageKey, {name: value}). The language is the stored choice, else the
// browser's, else English; a [data-lang-switch] element gets a switch.
"use strict";

(function () {
  const STORE_KEY = "greenmarket.lang";
  const catalogues = window.GM_MESSAGES || { en: {} };
  const known = Object.keys(catalogues);

  function pickLanguage() {
    let stored = null;
    try { stored = window.localStorage.getItem(STORE_KEY); } catch (err) { stored = null; }
    if (stored && known.includes(stored)) return stored;
    for (const tag of navigator.languages || [navigator.language || "en"]) {
      const base = String(tag).toLowerCase().split("-")[0];
      if (known.includes(base)) return base;
    }
    return "en";
  }

  const i18n = { lang: pickLanguage() };

  // The text of a message in the current language (English if missing), with {name} filled in.
  i18n.t = function (key, params) {
    const table = catalogues[i18n.lang] || {};
    let text = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : (catalogues.en || {})[key];
    if (text === undefined) {
      console.warn("greenmarket: no message for key", key);
      text = key;
    }
    if (params) {
      text = text.replace(/\{(\w+)\}/g, (whole, name) =>
        Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
    }
    return text;
  };

  // A number in the local convention.
  i18n.number = function (value, digits) {
    if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
    const d = digits === undefined ? 1 : digits;
    const locale = i18n.lang === "zh" ? "zh-CN" : "en-US";
    return Number(value).toLocaleString(locale, { maximumFractionDigits: d, minimumFractionDigits: 0 });
  };

  // Translate every marked element under root.
  i18n.apply = function (root) {
    const scope = root || document;
    scope.querySelectorAll("[data-i18n]").forEach((node) => {
      node.textContent = i18n.t(node.getAttribute("data-i18n"));
    });
    scope.querySelectorAll("[data-i18n-attr]").forEach((node) => {
      for (const pair of node.getAttribute("data-i18n-attr").split(";")) {
        const [attr, key] = pair.split(":").map((s) => s.trim());
        if (attr && key) node.setAttribute(attr, i18n.t(key));
      }
    });
    document.documentElement.lang = i18n.lang === "zh" ? "zh-CN" : "en";
  };

  // Switch language, remember it, re-translate and tell the page scripts (event "gm:lang").
  i18n.setLang = function (lang) {
    if (!known.includes(lang)) return;
    i18n.lang = lang;
    try { window.localStorage.setItem(STORE_KEY, lang); } catch (err) { /* private mode */ }
    i18n.apply(document);
    renderSwitches();
    document.dispatchEvent(new CustomEvent("gm:lang", { detail: { lang } }));
  };

  function renderSwitches() {
    document.querySelectorAll("[data-lang-switch]").forEach((holder) => {
      while (holder.firstChild) holder.removeChild(holder.firstChild);
      holder.setAttribute("role", "group");
      holder.setAttribute("aria-label", i18n.t("lang.switch"));
      for (const lang of known) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "lang-option";
        button.textContent = i18n.t("lang." + lang);
        button.setAttribute("lang", lang === "zh" ? "zh-CN" : "en");
        button.setAttribute("aria-pressed", String(lang === i18n.lang));
        button.addEventListener("click", () => i18n.setLang(lang));
        holder.appendChild(button);
      }
    });
  }

  window.gmI18n = i18n;
  const start = () => { i18n.apply(document); renderSwitches(); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
