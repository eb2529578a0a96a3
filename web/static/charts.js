// greenmarket dashboard charts: layouts on a run's horizon, empty states, image and CSV downloads.
// Every visible string is a message key of the dashboard catalogue (gmI18n.t).
"use strict";

(function () {
  const t = (key, params) => window.gmI18n.t(key, params);
  const PLOT_CONFIG = { responsive: true, displayModeBar: false };
  const HOUR_MS = 3600e3;

  // Local times are handled as UTC milliseconds of the park clock (no time zone shifts).
  function localMs(text) { return Date.parse(text.slice(0, 19) + "Z"); }
  function localText(ms) { return new Date(ms).toISOString().slice(0, 19); }

  // Tick labels without month or day names, so they read the same in every language.
  function tickFormat(spanH) {
    if (spanH <= 72) return "%m-%d %H:%M";
    if (spanH <= 24 * 400) return "%m-%d";
    return "%Y-%m";
  }

  // A date axis fixed to [start, end] of a horizon ({start, end, span_h}).
  function timeAxis(horizon) {
    return {
      type: "date",
      range: [horizon.start, horizon.end],
      autorange: false,
      tickformat: tickFormat(horizon.span_h),
      hoverformat: "%Y-%m-%d %H:%M",
      showgrid: true,
      visible: true,
    };
  }

  // A numeric axis of days since a run's start (for runs with different starts).
  function dayAxis(spanDays) {
    return {
      type: "linear",
      range: [0, spanDays],
      autorange: false,
      title: { text: t("dashboard.axis.days_since_start") },
      visible: true,
    };
  }

  // Layout of a chart. xaxis: a horizon axis, a day axis, or null (no run: no axes at all).
  // yKey: message key of the y-axis title (unit); hasData: show the y-axis only with data.
  function layout(xaxis, yKey, hasData, extra) {
    const hidden = { visible: false, showgrid: false, zeroline: false };
    return Object.assign({
      margin: { l: 55, r: 12, t: 10, b: 40 },
      xaxis: xaxis || Object.assign({ type: "date" }, hidden),
      yaxis: hasData
        ? { title: { text: t(yKey) }, rangemode: "tozero", visible: true }
        : Object.assign({ title: { text: t(yKey) } }, hidden),
      legend: { orientation: "h", y: -0.25 },
      showlegend: true,
      hovermode: "closest",
    }, extra || {});
  }

  // Show the chart's placeholder with a message key, or hide it (key null).
  function setEmpty(chartId, key) {
    const note = document.getElementById(chartId + "-empty");
    if (!note) return;
    if (key) {
      note.setAttribute("data-i18n", key);
      note.textContent = t(key);
      note.hidden = false;
    } else {
      note.hidden = true;
    }
  }

  function newPlot(chartId, traces, plotLayout) {
    return window.Plotly.react(chartId, traces, plotLayout, PLOT_CONFIG);
  }

  // Translated trace names: a trace with meta.nameKey is named by that key (+ meta.suffix).
  function traceName(meta) {
    return t(meta.nameKey, meta.params) + (meta.suffix || "");
  }

  // Re-translate axis titles and trace names of a drawn chart after a language switch.
  function retranslate(chartId, yKey, xIsDays) {
    const gd = document.getElementById(chartId);
    if (!gd || !gd.data) return;
    const update = { "yaxis.title.text": t(yKey) };
    if (xIsDays) update["xaxis.title.text"] = t("dashboard.axis.days_since_start");
    window.Plotly.relayout(gd, update);
    const names = [];
    const indices = [];
    gd.data.forEach((trace, i) => {
      if (trace.meta && trace.meta.nameKey) { names.push(traceName(trace.meta)); indices.push(i); }
    });
    if (indices.length) window.Plotly.restyle(gd, { name: names }, indices);
  }

  // The data of a chart as CSV rows: series, x, y (one row per point), with a header for people.
  function csvText(traces, yTitle) {
    const quote = (value) => {
      const text = value === null || value === undefined ? "" : String(value);
      return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const header = [t("dashboard.csv.series"), t("dashboard.csv.x"), yTitle];
    const lines = [header.map(quote).join(",")];
    for (const trace of traces) {
      const xs = trace.x || [];
      const ys = trace.y || [];
      for (let i = 0; i < xs.length; i++) {
        lines.push([trace.name, xs[i], ys[i]].map(quote).join(","));
      }
    }
    return lines.join("\r\n") + "\r\n";
  }

  function fileStem(chartId) {
    const gd = document.getElementById(chartId);
    const run = (gd && gd.dataset.run) || "none";
    return `greenmarket-${run}-${chartId}`;
  }

  function downloadCsv(chartId) {
    const gd = document.getElementById(chartId);
    const yTitle = (((gd.layout || {}).yaxis || {}).title || {}).text || "";
    // A byte-order mark lets spreadsheet programs read the UTF-8 (Chinese) text.
    const blob = new Blob(["\ufeff" + csvText(gd.data || [], yTitle)], { type: "text/csv;charset=utf-8" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = fileStem(chartId) + ".csv";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  function downloadPng(chartId) {
    const gd = document.getElementById(chartId);
    return window.Plotly.downloadImage(gd, {
      format: "png", width: 1200, height: 600, filename: fileStem(chartId),
    });
  }

  // Add image and CSV buttons to the caption of every figure[data-chart].
  function addDownloadButtons(root) {
    (root || document).querySelectorAll("figure[data-chart]").forEach((figure) => {
      const chartId = figure.getAttribute("data-chart");
      const holder = document.createElement("span");
      holder.className = "chart-actions";
      for (const [kind, action] of [["png", downloadPng], ["csv", downloadCsv]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "small secondary";
        button.id = `${chartId}-${kind}`;
        button.setAttribute("data-i18n", `dashboard.download.${kind}`);
        button.setAttribute("data-i18n-attr", `title:dashboard.download.${kind}_title`);
        button.textContent = t(`dashboard.download.${kind}`);
        button.title = t(`dashboard.download.${kind}_title`);
        button.disabled = true;
        button.addEventListener("click", () => action(chartId));
        holder.append(button);
      }
      figure.querySelector("figcaption").append(holder);
    });
  }

  // Enable a chart's download buttons when it holds data.
  function setDownloadable(chartId, enabled) {
    for (const kind of ["png", "csv"]) {
      const button = document.getElementById(`${chartId}-${kind}`);
      if (button) button.disabled = !enabled;
    }
  }

  window.gmCharts = {
    HOUR_MS, localMs, localText, tickFormat, timeAxis, dayAxis, layout, setEmpty, newPlot,
    traceName, retranslate, csvText, addDownloadButtons, setDownloadable,
  };
})();
