// greenmarket dashboard: compare two finished runs, their prices and emissions overlaid.
// The events come from each run's stored stream (/ws/runs/{id}, market and daily events only).
"use strict";

(function () {
  const t = (key, params) => window.gmI18n.t(key, params);
  const $ = (id) => document.getElementById(id);
  const DAY_MS = 24 * 3600e3;
  const KINDS = "green_power_cleared,rights_auction_cleared,park_day";
  // Run A solid green, run B dashed magenta: told apart by colour and by line style.
  const STYLES = [
    { color: "#2e7d32", dash: "solid", symbol: "circle" },
    { color: "#c2185b", dash: "dash", symbol: "diamond" },
  ];
  const CHARTS = {
    "compare-green": { yKey: "dashboard.unit.cny_per_mwh", series: "green" },
    "compare-rights": { yKey: "dashboard.unit.cny_per_tce", series: "rights" },
    "compare-emissions": { yKey: "dashboard.unit.tco2_per_day", series: "emissions" },
  };

  const state = { api: null, errorText: null, token: null, runs: [], label: null, shown: null,
                  byDays: false, status: null };

  // Price and emission series of one run from its events (pure).
  //   green: per clearing time, the volume-weighted mean price over zones with a price
  //          (the plain mean when nothing was traded) [CNY/MWh];
  //   rights: each auction's price [CNY/tce];
  //   emissions: per day, the sum over parks of co2_tco2 (else grid imports × the park's
  //          grid factor) [tCO2/day], placed at the day's noon.
  // An event without a local time stands at startMs + time_h (park clock as UTC ms).
  function seriesOf(events, parks, startMs) {
    const green = new Map();
    const rights = new Map();
    const emissions = new Map();
    for (const e of events) {
      const time = typeof e.time === "string" ? e.time.slice(0, 19)
        : (Number.isFinite(e.time_h) ? window.gmCharts.localText(startMs + e.time_h * 3600e3) : null);
      if (e.kind === "green_power_cleared" && time && Number.isFinite(e.price_cny_per_mwh)) {
        const acc = green.get(time) || { value: 0, volume: 0, sum: 0, n: 0 };
        const volume = Number.isFinite(e.volume_mwh) && e.volume_mwh > 0 ? e.volume_mwh : 0;
        acc.value += e.price_cny_per_mwh * volume;
        acc.volume += volume;
        acc.sum += e.price_cny_per_mwh;
        acc.n += 1;
        green.set(time, acc);
      } else if (e.kind === "rights_auction_cleared" && time && Number.isFinite(e.price_cny_per_tce)) {
        rights.set(time, e.price_cny_per_tce);
      } else if (e.kind === "park_day" && e.date) {
        let co2 = e.co2_tco2;
        if (!Number.isFinite(co2)) {
          const factor = (parks[e.park] || {}).grid_co2_tco2_per_mwh;
          co2 = Number.isFinite(factor) && Number.isFinite(e.import_kwh) ? (e.import_kwh / 1000) * factor : null;
        }
        if (co2 !== null) {
          const noon = `${e.date}T12:00:00`;
          emissions.set(noon, (emissions.get(noon) || 0) + co2);
        }
      }
    }
    const sorted = (map, value) => [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([x, v]) => [x, value(v)]);
    return {
      green: sorted(green, (a) => (a.volume > 0 ? a.value / a.volume : a.sum / a.n)),
      rights: sorted(rights, (v) => v),
      emissions: sorted(emissions, (v) => v),
    };
  }

  // All stored events of the given kinds of a finished run, from its stream.
  function loadEvents(runId) {
    return new Promise((resolve, reject) => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const ws = new WebSocket(`${scheme}://${location.host}/ws/runs/${runId}?batch=true&after=0` +
        `&kinds=${KINDS}` + (state.token ? `&token=${encodeURIComponent(state.token)}` : ""));
      const events = [];
      ws.onmessage = (e) => {
        const data = JSON.parse(e.data);
        for (const item of Array.isArray(data) ? data : [data]) {
          if (item.kind !== "lagged") events.push(item);
        }
      };
      ws.onclose = (e) => (e.code === 1000 ? resolve(events)
        : reject({ render: () => t("dashboard.compare.stream_closed", { code: e.code }) }));
    });
  }

  function setStatus(render) {
    $("compare-status").removeAttribute("data-i18n");
    state.status = render;
    $("compare-status").textContent = render();
  }

  function fillSelect(select, runs, label, fallbackIndex) {
    const current = select.value;
    select.textContent = "";
    select.append(new Option("—", ""));
    for (const run of runs) select.append(new Option(label(run), run.id));
    const keep = runs.some((r) => r.id === current);
    select.value = keep ? current : (runs[fallbackIndex] ? runs[fallbackIndex].id : "");
  }

  // List the finished runs with results in both pickers (A: newest, B: the one before).
  function setRuns(runs, label) {
    state.runs = runs.filter((r) => r.has_results);
    state.label = label;
    fillSelect($("compare-a"), state.runs, label, 1);
    fillSelect($("compare-b"), state.runs, label, 0);
  }

  function makeTrace(letter, index, run, points, toX) {
    const style = STYLES[index];
    const meta = { nameKey: "dashboard.compare.trace",
                   params: { letter, scenario: run.scenario, id: run.id } };
    return {
      name: window.gmCharts.traceName(meta), meta,
      x: points.map(([x]) => toX(x)), y: points.map(([, y]) => y),
      mode: "lines+markers", cliponaxis: false,
      line: { color: style.color, dash: style.dash, width: 2 },
      marker: { color: style.color, symbol: style.symbol, size: 6 },
      hovertemplate: "%{x}<br>%{y:.2f}",
    };
  }

  function draw(shown) {
    const [a, b] = shown;
    const sameStart = a.horizon.start === b.horizon.start;
    state.byDays = !sameStart;
    let xaxis;
    const toX = [];
    if (sameStart) {
      const end = a.horizon.end > b.horizon.end ? a.horizon.end : b.horizon.end;
      xaxis = window.gmCharts.timeAxis({ start: a.horizon.start, end,
                                         span_h: Math.max(a.horizon.span_h, b.horizon.span_h) });
      toX.push((x) => x, (x) => x);
    } else {
      // Different starts: both runs on days since their own start.
      xaxis = window.gmCharts.dayAxis(Math.max(a.horizon.span_h, b.horizon.span_h) / 24);
      for (const run of shown) {
        const origin = window.gmCharts.localMs(run.horizon.start);
        toX.push((x) => (window.gmCharts.localMs(x) - origin) / DAY_MS);
      }
    }
    for (const [chartId, chart] of Object.entries(CHARTS)) {
      const traces = shown
        .map((run, i) => makeTrace(i === 0 ? "A" : "B", i, run.status, run.series[chart.series], toX[i]))
        .filter((trace) => trace.x.length > 0);
      const gd = $(chartId);
      gd.dataset.run = `${a.status.id}-vs-${b.status.id}`;
      window.gmCharts.newPlot(chartId, traces, window.gmCharts.layout(xaxis, chart.yKey, traces.length > 0));
      window.gmCharts.setEmpty(chartId, traces.length ? null : "dashboard.empty.compare_none");
      window.gmCharts.setDownloadable(chartId, traces.length > 0);
    }
  }

  async function loadRun(runId) {
    const [status, horizon, events] = await Promise.all([
      state.api("GET", `/api/runs/${runId}`),
      state.api("GET", `/api/runs/${runId}/horizon`),
      loadEvents(runId),
    ]);
    const parks = Object.fromEntries(status.parks.map((p) => [p.name, p]));
    return { status, horizon, series: seriesOf(events, parks, window.gmCharts.localMs(horizon.start)) };
  }

  async function compare() {
    const ids = [$("compare-a").value, $("compare-b").value];
    if (!ids[0] || !ids[1] || ids[0] === ids[1]) {
      setStatus(() => t("dashboard.compare.need_two"));
      return;
    }
    $("compare").disabled = true;
    setStatus(() => t("dashboard.compare.loading"));
    try {
      const shown = await Promise.all(ids.map(loadRun));
      state.shown = shown;
      draw(shown);
      const [a, b] = shown.map((run) => run.status);
      setStatus(() => t(state.byDays ? "dashboard.compare.done_days" : "dashboard.compare.done",
                        { a: a.scenario, b: b.scenario }));
    } catch (err) {
      setStatus(() => t("dashboard.compare.failed", { message: state.errorText(err) }));
    } finally {
      $("compare").disabled = false;
    }
  }

  function emptyCharts() {
    for (const [chartId, chart] of Object.entries(CHARTS)) {
      window.gmCharts.newPlot(chartId, [], window.gmCharts.layout(null, chart.yKey, false));
      window.gmCharts.setEmpty(chartId, "dashboard.empty.compare");
      window.gmCharts.setDownloadable(chartId, false);
    }
  }

  function retranslate() {
    for (const [chartId, chart] of Object.entries(CHARTS)) {
      window.gmCharts.retranslate(chartId, chart.yKey, state.byDays && state.shown !== null);
    }
    if (state.status) $("compare-status").textContent = state.status();
    if (state.label) setRuns(state.runs, state.label);
  }

  function init(options) {
    state.api = options.api;
    state.errorText = options.errorText;
    state.token = options.token;
    emptyCharts();
    $("compare").addEventListener("click", compare);
  }

  window.gmCompare = { init, setRuns, retranslate, seriesOf };
})();
