/*
 * The run report's interactive charts (lambdahat). Reads the run's numbers from <script id="lh-data"> and draws them
 * with uPlot: loss and λ̂ with the stages, each task metric and the per-head λ̂, all on one step axis that zooms and
 * pans together (drag: zoom; shift-drag: pan; wheel: zoom at the cursor; double-click: whole run). Hover shows the
 * checkpoint's numbers; the legend hides and shows series; the diagnostics table sorts by any column.
 * window.lambdahatReport exposes the charts and the tooltip text, so that a test can check what a reader sees.
 */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lh-data').textContent);
  var LH = window.lambdahatReport = { data: data, charts: {}, ready: false };
  var GAP = 4; // pixels between two labels in one row; LabelLanes.GAP in the Java charts
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f', '#17becf', '#bcbd22'];
  var STAGE_FILL = { A: 'rgba(46,160,67,0.16)', B: 'rgba(214,39,40,0.16)' };
  var OTHER_FILL = 'rgba(128,128,128,0.10)';
  var METRIC_FILL = 'rgba(110,110,110,0.16)';
  var state = { logX: true, range: null, showStages: true, showMetricBands: true, logY: {}, hovered: null };
  var specs = [];
  var syncing = false;
  var building = false; // while the charts are made, their first scales are not a zoom to share

  /** Numbers as the Java side prints them (String.format("%.3g"), whole numbers from 100 up). */
  function fmt(v) {
    if (v == null || !isFinite(v)) return '–';
    var a = Math.abs(v);
    if (a >= 100) return v.toFixed(0);
    if (a !== 0 && a < 1e-4) return v.toExponential(2).replace(/e([+-])(\d)$/, 'e$10$2');
    return v.toPrecision(3);
  }
  LH.fmt = fmt;

  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  /** Rows of labels that never overlap: the same greedy placement as LabelLanes.place. */
  function layoutLabels(items, minLeft, maxRight) {
    var left = items.map(function (it) { return Math.max(minLeft, Math.min(it.centre - it.width / 2, maxRight - it.width)); });
    var order = items.map(function (_, i) { return i; }).sort(function (a, b) { return left[a] - left[b]; });
    var ends = [], out = new Array(items.length);
    order.forEach(function (i) {
      var lane = 0;
      while (lane < ends.length && ends[lane] + GAP > left[i]) lane++;
      ends[lane] = left[i] + items[i].width;
      out[i] = { left: left[i], right: left[i] + items[i].width, lane: lane };
    });
    return out;
  }
  LH.layoutLabels = layoutLabels;

  function xOf(step) { return state.logX ? Math.max(step, 1) : step; }

  /** The shaded intervals of a chart: stages (A green, B red), λ̂ boundaries (dashed) and task-metric bands. */
  function bandsFor(spec) {
    if (spec.bands) {
      return spec.bands.filter(function (b) { return b.kind === 'metric' ? state.showMetricBands : state.showStages; });
    }
    var out = [];
    if (state.showStages) {
      (data.stages || []).forEach(function (s) {
        out.push({ from: s.from, to: s.to, fill: STAGE_FILL[s.type] || OTHER_FILL, label: s.label });
      });
      (data.boundaries || []).forEach(function (b) { out.push({ from: b.step, to: b.step, line: true }); });
    }
    if (state.showMetricBands) {
      (data.transitions || []).forEach(function (t) {
        if (spec.metric == null) out.push({ from: t.from, to: t.to, fill: METRIC_FILL, label: t.label });
        else if (spec.metric === t.metric) out.push({ from: t.from, to: t.to, fill: METRIC_FILL, label: 'fastest' });
      });
    }
    return out;
  }

  /** Draws the bands under the series (drawAxes comes before the series are drawn). */
  function drawBands(u, spec) {
    var ctx = u.ctx, bb = u.bbox, px = window.devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bb.left, bb.top, bb.width, bb.height);
    ctx.clip();
    bandsFor(spec).forEach(function (b) {
      var a = u.valToPos(xOf(b.from), 'x', true), z = u.valToPos(xOf(b.to), 'x', true);
      if (b.line) {
        ctx.strokeStyle = 'rgba(80,80,80,0.8)';
        ctx.lineWidth = px;
        ctx.setLineDash([4 * px, 4 * px]);
        ctx.beginPath();
        ctx.moveTo(Math.round(a), bb.top);
        ctx.lineTo(Math.round(a), bb.top + bb.height);
        ctx.stroke();
        ctx.setLineDash([]);
      } else {
        ctx.fillStyle = b.fill;
        ctx.fillRect(Math.min(a, z), bb.top, Math.max(Math.abs(z - a), px), bb.height);
      }
    });
    // the ± standard-error band of every series that has one, while that series is shown
    spec.series.forEach(function (s, k) {
      if (!(s.se || s.lo) || !u.series[k + 1].show) return;
      var xs = u.data[0], ys = s.values, up = [], down = [];
      ctx.fillStyle = s.color + '33';
      var flush = function () {
        if (up.length > 1) {
          ctx.beginPath();
          up.forEach(function (p, i) { i ? ctx.lineTo(p[0], p[1]) : ctx.moveTo(p[0], p[1]); });
          for (var i = down.length - 1; i >= 0; i--) ctx.lineTo(down[i][0], down[i][1]);
          ctx.closePath();
          ctx.fill();
        }
        up = []; down = [];
      };
      for (var i = 0; i < xs.length; i++) {
        if (ys[i] == null) continue; // a gap in the estimates (not a local minimum) does not break the band
        var x = u.valToPos(xs[i], 'x', true), e = s.se ? s.se[i] || 0 : 0;
        up.push([x, u.valToPos(s.hi ? s.hi[i] : ys[i] + e, s.scale, true)]);
        down.push([x, u.valToPos(s.lo ? s.lo[i] : ys[i] - e, s.scale, true)]);
      }
      flush();
    });
    ctx.restore();
  }

  /** Draws the band labels above the series, in rows placed by layoutLabels, and keeps the layout for tests. */
  function drawLabels(u, spec) {
    var ctx = u.ctx, bb = u.bbox, px = window.devicePixelRatio || 1;
    var min = u.scales.x.min, max = u.scales.x.max;
    var bands = bandsFor(spec).filter(function (b) {
      return b.label && xOf(b.to) >= min && xOf(b.from) <= max;
    });
    ctx.save();
    ctx.font = 'bold ' + Math.round(12 * px) + 'px system-ui, sans-serif';
    var items = bands.map(function (b) {
      var a = u.valToPos(Math.max(xOf(b.from), min), 'x', true), z = u.valToPos(Math.min(xOf(b.to), max), 'x', true);
      return { centre: (a + z) / 2, width: ctx.measureText(b.label).width + 6 * px };
    });
    var placed = layoutLabels(items, bb.left, bb.left + bb.width);
    var row = 16 * px;
    var lanes = placed.reduce(function (m, p) { return Math.max(m, p.lane + 1); }, 0);
    if (lanes !== (spec.lanes || 0)) {
      // the y axes keep room above the data for the label rows (padded): range them again, once the drawing is done
      spec.lanes = lanes;
      Promise.resolve().then(function () {
        syncing = true;
        try { u.setScale('x', { min: u.scales.x.min, max: u.scales.x.max }); } finally { syncing = false; }
      });
    }
    u._lhLabels = placed.map(function (p, i) {
      var top = bb.top + 3 * px + p.lane * row;
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(p.left, top, p.right - p.left, row - 2 * px);
      ctx.fillStyle = '#333';
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      ctx.fillText(bands[i].label, p.left + 3 * px, top + (row - 2 * px) / 2);
      return { text: bands[i].label, left: p.left / px, right: p.right / px, top: top / px, bottom: (top + row - 2 * px) / px, lane: p.lane };
    });
    ctx.restore();
  }

  /** The right y axis' name, level, at the axis' outer edge. */
  function drawAxisName(u, spec) {
    if (!spec.axes.y2) return;
    var ctx = u.ctx, bb = u.bbox, px = window.devicePixelRatio || 1;
    var s = spec.series.filter(function (x) { return x.scale === 'y2'; })[0];
    ctx.save();
    ctx.font = 'bold ' + Math.round(14 * px) + 'px system-ui, sans-serif';
    ctx.fillStyle = s.color;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(spec.axes.y2, ctx.canvas.width - 4 * px, bb.top + bb.height / 2);
    ctx.restore();
  }

  /** The tooltip's text at a data index of a chart (also used by the browser test). */
  LH.tooltip = function (id, idx) {
    var spec = specs.filter(function (s) { return s.id === id; })[0];
    return spec ? spec.tooltip(idx) : null;
  };

  function stageAt(step) {
    var st = (data.stages || []).filter(function (s) { return step >= s.from && step <= s.to; })[0];
    return st ? 'stage ' + st.index + ' (' + st.type + ': ' + st.meaning + ')' : null;
  }

  function mainTooltip(i) {
    var r = data.records, lines = ['step ' + r.step[i], 'loss ' + fmt(r.loss[i])];
    if (r.local[i]) lines.push('λ̂ ' + fmt(r.llc[i]) + ' ± ' + fmt(r.se[i]));
    else lines.push('λ̂ – (not a local minimum: the chains ran downhill; the chains\' mean was ' + fmt(r.llc[i]) + ')');
    lines.push('MALA ' + fmt(r.mala[i]) + '   R̂ ' + fmt(r.rhat[i]) + '   ESS/chain ' + fmt(r.ess[i]));
    lines.push('findings: ' + (r.findings[i].length ? r.findings[i].join(', ') : 'none'));
    var st = stageAt(r.step[i]);
    if (st) lines.push(st);
    (data.transitions || []).forEach(function (t) {
      if (r.step[i] >= t.from && r.step[i] <= t.to) lines.push(t.metric + ' changes fastest here (' + fmt(t.from) + '–' + fmt(t.to) + ')');
    });
    return lines.join('\n');
  }

  function seriesTooltip(spec, i) {
    var lines = ['step ' + spec.steps[i]];
    var u = LH.charts[spec.id];
    spec.series.forEach(function (s, k) {
      if (u && !u.series[k + 1].show) return;
      if (s.values[i] == null) return;
      lines.push(s.label + ' ' + fmt(s.values[i]) + (s.se && s.se[i] != null ? ' ± ' + fmt(s.se[i]) : ''));
    });
    return lines.join('\n');
  }

  /** A sweep's charts: per setting, λ̂ and loss across seeds (median, 25–75 % band, every run), transitions shaded. */
  function sweepSpecs() {
    (data.settings || []).forEach(function (st) {
      var bands = [];
      st.transitions.forEach(function (t) {
        bands.push({ kind: 'stage', from: t.low, to: t.high, fill: 'rgba(31,119,180,0.14)', label: t.name });
        bands.push({ kind: 'stage', from: t.median, to: t.median, line: true });
      });
      st.metrics.forEach(function (m) { bands.push({ kind: 'metric', from: m.low, to: m.high, fill: METRIC_FILL, label: m.metric }); });
      ['llc', 'loss'].forEach(function (key) {
        var b = st[key], name = key === 'llc' ? 'λ̂' : 'loss';
        var series = [{ label: 'median across seeds', values: b.median, lo: b.low, hi: b.high, scale: 'y', color: '#000000', width: 3 }];
        st.runs.forEach(function (r, k) {
          series.push({ label: 'seed ' + r.seed, values: r[key], scale: 'y', color: COLORS[k % COLORS.length], width: 1.2 });
        });
        var spec = { id: st.id + ':' + key, el: st.id, title: name + ' across seeds: ' + st.name, steps: b.step, height: 360,
          series: series, axes: { y: name }, bands: bands, logYScale: key === 'loss' ? 'y' : null };
        spec.tooltip = function (i) {
          var lines = ['step ' + b.step[i], 'median ' + fmt(b.median[i]) + ' [25–75 %: ' + fmt(b.low[i]) + '–' + fmt(b.high[i]) + '] over '
            + b.runs[i] + ' runs'];
          var u = LH.charts[spec.id];
          st.runs.forEach(function (r, k) {
            if (r[key][i] != null && (!u || u.series[k + 2].show)) lines.push('seed ' + r.seed + ' ' + fmt(r[key][i]));
          });
          st.transitions.forEach(function (t) {
            if (b.step[i] >= t.min && b.step[i] <= t.max) {
              lines.push(t.name + ' (' + t.seeds + ' seeds): median step ' + fmt(t.median) + ', 25–75 % ' + fmt(t.low) + '–' + fmt(t.high)
                + '; lead ' + t.lead + ' steps, ' + t.leadLog + ' ln step');
            }
          });
          return lines.join('\n');
        };
        specs.push(spec);
      });
    });
  }

  /** The charts this page draws, from the data: which exist depends on what the run has. */
  function buildSpecs() {
    if (data.kind === 'sweep') return sweepSpecs();
    var r = data.records;
    if (r && r.step.length) {
      var llc = r.llc.map(function (v, i) { return r.local[i] ? v : null; });
      var floor = Math.min.apply(null, llc.filter(function (v) { return v != null; }).concat([Infinity]));
      if (!isFinite(floor)) floor = 0;
      var notLocal = r.llc.map(function (v, i) { return r.local[i] ? null : floor; });
      var warned = r.llc.map(function (v, i) { return r.local[i] && r.findings[i].length ? v : null; });
      var series = [
        { label: 'loss', values: r.loss, scale: 'y', color: COLORS[0], width: 1.6, points: true },
        { label: 'λ̂', values: llc, se: r.se, scale: 'y2', color: COLORS[1], width: 2 }
      ];
      if (notLocal.some(function (v) { return v != null; })) {
        series.push({ label: 'not a local minimum (no λ̂)', values: notLocal, scale: 'y2', color: '#ff7f0e', hollow: true, noRange: true });
      }
      if (warned.some(function (v) { return v != null; })) {
        series.push({ label: 'diagnostic warning', values: warned, scale: 'y2', color: '#9467bd', hollow: true });
      }
      specs.push({ id: 'main', el: 'lh-main', title: 'Loss and λ̂', steps: r.step, series: series, height: 420,
        axes: { y: 'loss', y2: 'λ̂' }, logYScale: 'y', tooltip: mainTooltip });
    }
    var m = data.metrics;
    if (m && m.step.length) {
      m.columns.forEach(function (c, k) {
        specs.push({ id: 'metric:' + c.name, metric: c.name, el: 'lh-metrics', title: c.name, steps: m.step, height: 220,
          series: [{ label: c.name, values: c.values, scale: 'y', color: COLORS[(k + 2) % COLORS.length], width: 1.6 }],
          axes: { y: c.name }, logYScale: 'y', tooltip: null });
      });
    }
    var h = data.heads;
    if (h && h.step.length) {
      specs.push({ id: 'heads', el: 'lh-heads', title: 'λ̂ per attention head', steps: h.step, height: 380,
        series: h.series.map(function (s, k) {
          return { label: s.name, values: s.mean, se: s.se, scale: 'y', color: COLORS[k % COLORS.length], width: 1.6, points: true };
        }), axes: { y: 'λ̂ (head)' }, tooltip: null });
    }
    specs.forEach(function (s) { if (!s.tooltip) s.tooltip = seriesTooltip.bind(null, s); });
  }

  /** The whole run on the step axis, over every chart: the range a double-click returns to. */
  function fullRange() {
    var lo = Infinity, hi = -Infinity;
    specs.forEach(function (s) {
      s.steps.forEach(function (t) { var x = xOf(t); if (x < lo) lo = x; if (x > hi) hi = x; });
    });
    if (!(hi > lo)) { hi = lo + 1; }
    return [lo, hi];
  }

  /** Sets the step range of every chart (zoom and pan act on all charts: they share one time axis). */
  function setRange(min, max) {
    state.range = [min, max];
    syncing = true;
    try {
      specs.forEach(function (s) { var u = LH.charts[s.id]; if (u) u.setScale('x', { min: min, max: max }); });
    } finally {
      syncing = false;
    }
  }
  LH.setRange = setRange;
  LH.resetZoom = function () { var f = fullRange(); setRange(f[0], f[1]); };

  /** Moves a value by a fraction of the visible range, in log space on a log axis. */
  function shift(v, by, min, max) {
    if (state.logX) {
      var a = Math.log10(min), b = Math.log10(max);
      return Math.pow(10, Math.log10(v) + by * (b - a));
    }
    return v + by * (max - min);
  }

  function zoomAt(u, x, factor) {
    var min = u.scales.x.min, max = u.scales.x.max;
    if (state.logX) {
      var c = Math.log10(x), a = Math.log10(min), b = Math.log10(max);
      setRange(Math.pow(10, c - (c - a) * factor), Math.pow(10, c + (b - c) * factor));
    } else {
      setRange(x - (x - min) * factor, x + (max - x) * factor);
    }
  }
  LH.zoomAt = function (id, x, factor) { zoomAt(LH.charts[id], x, factor); };

  function pan(by) {
    var u = LH.charts[specs[0].id];
    var min = u.scales.x.min, max = u.scales.x.max;
    setRange(shift(min, by, min, max), shift(max, by, min, max));
  }

  /** Wheel zoom, shift-drag pan and double-click reset on a chart's plot area. */
  function interact(u, spec) {
    var over = u.over;
    over.addEventListener('wheel', function (e) {
      e.preventDefault();
      zoomAt(u, u.posToVal(e.offsetX, 'x'), e.deltaY < 0 ? 0.8 : 1.25);
    }, { passive: false });
    // captured on the root, before uPlot's own handlers on the plot area see the event
    u.root.addEventListener('mousedown', function (e) {
      if (!e.shiftKey || !over.contains(e.target)) return;
      e.stopPropagation();
      e.preventDefault();
      var x0 = e.clientX, min = u.scales.x.min, max = u.scales.x.max, w = over.clientWidth;
      var move = function (ev) {
        var by = -(ev.clientX - x0) / w;
        setRange(shift(min, by, min, max), shift(max, by, min, max));
      };
      var up = function () { document.removeEventListener('mousemove', move); document.removeEventListener('mouseup', up); };
      document.addEventListener('mousemove', move);
      document.addEventListener('mouseup', up);
    }, true);
    u.root.addEventListener('dblclick', function (e) {
      if (!over.contains(e.target)) return;
      e.stopPropagation();
      LH.resetZoom();
    }, true);
    over.addEventListener('mouseenter', function () { state.hovered = spec.id; });
    over.addEventListener('mouseleave', function () { if (state.hovered === spec.id) state.hovered = null; tip(u, spec, null); });
  }

  /** Shows (or hides, with null) the tooltip of a chart at a data index. */
  function tip(u, spec, idx) {
    var el = u._lhTip;
    if (!el) return; // the chart is still being made
    if (idx == null || state.hovered !== spec.id) { el.style.display = 'none'; return; }
    el.textContent = spec.tooltip(idx);
    el.style.display = 'block';
    var left = u.cursor.left, top = u.cursor.top, w = u.over.clientWidth;
    el.style.left = (left + 14 + el.offsetWidth > w ? Math.max(0, left - 14 - el.offsetWidth) : left + 14) + 'px';
    el.style.top = Math.max(0, Math.min(top + 14, u.over.clientHeight - el.offsetHeight)) + 'px';
  }

  function makeChart(spec, width) {
    var logY = !!state.logY[spec.id];
    var xs = spec.steps.map(xOf);
    var scales = { x: { time: false, distr: state.logX ? 3 : 1, log: 10, range: function (u, min, max) { return [min, max]; } } };
    var axes = [{ scale: 'x', label: state.logX ? 'training step (log)' : 'training step', values: function (u, ticks) { return ticks.map(fmtTick); } }];
    ['y', 'y2'].forEach(function (k, n) {
      if (!spec.axes[k]) return;
      var ranged = spec.series.filter(function (s) { return s.scale === k && !s.noRange; });
      scales[k] = { auto: true, distr: logY && spec.logYScale === k ? 3 : 1, log: 10,
        range: function (u) { return padded(u, spec, ranged, logY && spec.logYScale === k); } };
      // the right axis' name is drawn level by drawAxisName: turned on its side, λ̂ reads as a "y"
      axes.push({ scale: k, label: n ? undefined : spec.axes[k], side: n ? 1 : 3, grid: { show: n === 0 }, size: n ? 76 : 64,
        values: function (u, ticks) { return ticks.map(fmtTick); }, labelFont: 'bold 13px system-ui, sans-serif',
        stroke: spec.series.filter(function (s) { return s.scale === k; })[0].color });
    });
    var series = [{ label: 'step', value: function (u, v) { return v == null ? '–' : fmt(v); } }].concat(spec.series.map(function (s) {
      var o = { label: s.label, scale: s.scale, stroke: s.color, width: s.width || 1.5, spanGaps: true,
        value: function (u, v) { return fmt(v); } };
      if (s.hollow) {
        o.paths = function () { return null; };
        o.points = { show: true, size: 10, width: 1.6, stroke: s.color, fill: '#fff' };
      } else {
        o.points = { show: s.points ? function (u) { return u.series[0].idxs[1] - u.series[0].idxs[0] < 80; } : false, size: 5, fill: s.color };
      }
      return o;
    }));
    var opts = {
      title: spec.title, width: width, height: spec.height, scales: scales, axes: axes, series: series,
      legend: { live: true },
      cursor: { sync: { key: 'lh-steps', setSeries: false, filters: { pub: function (type) { return type === 'mousemove' || type === 'mouseleave' || type === 'mouseenter'; } } },
        drag: { x: true, y: false, setScale: true }, points: { size: 7 } },
      hooks: {
        drawAxes: [function (u) { drawBands(u, spec); }],
        draw: [function (u) { drawLabels(u, spec); drawAxisName(u, spec); }],
        setCursor: [function (u) { tip(u, spec, u.cursor.idx); }],
        setScale: [function (u, key) {
          if (key !== 'x' || syncing || building) return;
          setRange(u.scales.x.min, u.scales.x.max); // a drag-zoom in one chart zooms them all
        }]
      }
    };
    var data0 = [xs].concat(spec.series.map(function (s) { return s.values; }));
    var holder = document.createElement('div');
    holder.className = 'lh-chart';
    holder.id = 'lh-chart-' + spec.id;
    document.getElementById(spec.el).appendChild(holder);
    var u = new uPlot(opts, data0, holder);
    u._lh = spec;
    var t = document.createElement('div');
    t.className = 'lh-tip';
    u.over.appendChild(t);
    u._lhTip = t;
    interact(u, spec);
    toolbar(u, spec, holder);
    return u;
  }

  /** A y range around the series that size the axis, padded 5 %; markers of non-estimates do not stretch it. */
  function padded(u, spec, ranged, log) {
    var lo = Infinity, hi = -Infinity, i0 = u.series[0].idxs ? u.series[0].idxs[0] : 0;
    var i1 = u.series[0].idxs ? u.series[0].idxs[1] : u.data[0].length - 1;
    ranged.forEach(function (s) {
      var k = spec.series.indexOf(s);
      if (u.series[k + 1] && !u.series[k + 1].show) return;
      for (var i = i0; i <= i1; i++) {
        var v = s.values[i];
        if (v == null || (log && v <= 0)) continue;
        var e = s.se && s.se[i] && !log ? s.se[i] : 0;
        var a = s.lo && s.lo[i] != null && !log ? Math.min(v, s.lo[i]) : v - e;
        var z = s.hi && s.hi[i] != null ? Math.max(v, s.hi[i]) : v + e;
        if (a < lo) lo = a;
        if (z > hi) hi = z;
      }
    });
    if (!isFinite(lo)) return log ? [1, 10] : [0, 1];
    // room above the data for the rows of band labels, as a fraction of the plot's height
    var plotHeight = u.bbox && u.bbox.height ? u.bbox.height / (window.devicePixelRatio || 1) : spec.height * 0.7;
    var room = spec.lanes ? Math.min(0.6, (spec.lanes * 16 + 8) / plotHeight) : 0;
    if (log) {
      var a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
      if (b === a) b = a + 1;
      return [Math.pow(10, a), Math.pow(10, b + (b - a) * room / (1 - room))];
    }
    var pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
    return [lo - pad, hi + pad + (hi - lo + 2 * pad) * room / (1 - room)];
  }

  function fmtTick(v) {
    if (v == null) return '';
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(0).replace('+', '');
    return String(+v.toPrecision(6));
  }

  /** Per chart: a log y switch where the values allow one, and PNG of the current view. */
  function toolbar(u, spec, holder) {
    var bar = document.createElement('div');
    bar.className = 'lh-bar';
    if (spec.logYScale) {
      var positive = spec.series.filter(function (s) { return s.scale === spec.logYScale; })[0].values.every(function (v) { return v == null || v > 0; });
      if (positive) {
        var b = document.createElement('button');
        b.textContent = state.logY[spec.id] ? 'linear ' + spec.axes[spec.logYScale] : 'log ' + spec.axes[spec.logYScale];
        b.onclick = function () { state.logY[spec.id] = !state.logY[spec.id]; rebuild(); };
        bar.appendChild(b);
      }
    }
    var p = document.createElement('button');
    p.textContent = 'PNG of this view';
    p.onclick = function () { savePng(u, spec); };
    bar.appendChild(p);
    holder.insertBefore(bar, holder.firstChild);
  }

  /** The plot's canvas with its title and a legend of the shown series, as a PNG download. */
  function savePng(u, spec) {
    var src = u.ctx.canvas, px = window.devicePixelRatio || 1;
    var c = document.createElement('canvas');
    c.width = src.width;
    c.height = src.height + 56 * px;
    var g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = '#222';
    g.font = 'bold ' + 15 * px + 'px system-ui, sans-serif';
    g.textAlign = 'center';
    g.fillText(spec.title, c.width / 2, 20 * px);
    g.drawImage(src, 0, 28 * px);
    g.textAlign = 'left';
    g.font = 13 * px + 'px system-ui, sans-serif';
    var x = 10 * px, y = c.height - 10 * px;
    spec.series.forEach(function (s, k) {
      if (!u.series[k + 1].show) return;
      g.fillStyle = s.color;
      g.fillRect(x, y - 8 * px, 14 * px, 4 * px);
      g.fillStyle = '#222';
      g.fillText(s.label, x + 18 * px, y);
      x += g.measureText(s.label).width + 36 * px;
    });
    var a = document.createElement('a');
    a.href = c.toDataURL('image/png');
    a.download = (spec.id.replace(/[^A-Za-z0-9_]/g, '_')) + '.png';
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function width() {
    var el = document.getElementById('lh-main') || document.body;
    return Math.max(480, Math.min(1100, el.clientWidth || 1000));
  }

  /** Draws every chart again (after the step axis switches between log and linear, or a y axis does). */
  function rebuild() {
    var keep = state.range;
    specs.forEach(function (s) {
      if (LH.charts[s.id]) LH.charts[s.id].destroy();
      var old = document.getElementById('lh-chart-' + s.id);
      if (old) old.remove();
    });
    LH.charts = {};
    var w = width();
    building = true;
    try {
      specs.forEach(function (s) { LH.charts[s.id] = makeChart(s, w); });
    } finally {
      building = false;
    }
    var f = fullRange();
    if (keep) setRange(Math.max(keep[0], state.logX ? 1 : -Infinity), keep[1]);
    else setRange(f[0], f[1]);
  }

  /** The controls over all charts: the step axis, the bands, pan and zoom reset. */
  function controls() {
    var el = document.getElementById('lh-controls');
    if (!el || !specs.length) return;
    var add = function (text, fn, title) {
      var b = document.createElement('button');
      b.textContent = text;
      b.title = title || '';
      b.onclick = fn;
      el.appendChild(b);
      return b;
    };
    var axis = add('step axis: log', function () {
      var r = state.range, f = fullRange();
      var whole = !r || (Math.abs(r[0] - f[0]) <= 1e-9 * f[1] && Math.abs(r[1] - f[1]) <= 1e-9 * f[1]);
      state.logX = !state.logX;
      axis.textContent = 'step axis: ' + (state.logX ? 'log' : 'linear');
      // the whole run stays the whole run (step 0 comes into view on a linear axis); a zoom keeps its steps
      if (whole) state.range = null;
      else if (state.logX) state.range = [Math.max(r[0], 1), r[1]];
      rebuild();
    }, 'switch the step axis between log and linear');
    add('◀', function () { pan(-0.25); }, 'pan towards earlier steps');
    add('▶', function () { pan(0.25); }, 'pan towards later steps');
    add('whole run', LH.resetZoom, 'show every step (also: double-click a chart)');
    var box = function (text, key) {
      var l = document.createElement('label');
      var c = document.createElement('input');
      c.type = 'checkbox';
      c.checked = state[key];
      c.onchange = function () { state[key] = c.checked; Object.keys(LH.charts).forEach(function (k) { LH.charts[k].redraw(false); }); };
      l.appendChild(c);
      l.appendChild(document.createTextNode(' ' + text));
      el.appendChild(l);
    };
    box(data.kind === 'sweep' ? 'λ̂ transitions' : 'stages', 'showStages');
    var metricBands = data.kind === 'sweep'
      ? (data.settings || []).some(function (s) { return s.metrics.length; }) : (data.transitions || []).length;
    if (metricBands) box('task-metric bands', 'showMetricBands');
    var hint = document.createElement('span');
    hint.className = 'lh-hint';
    hint.textContent = 'drag: zoom · shift-drag: pan · wheel: zoom · double-click: whole run · click a legend entry: hide/show';
    el.appendChild(hint);
  }

  /** Click a heading of a table of class lh-sortable to sort by that column (numbers by value, data-v). */
  function sortable() {
    Array.prototype.forEach.call(document.querySelectorAll('table.lh-sortable'), function (table) {
      var heads = table.tHead.rows[0].cells;
      Array.prototype.forEach.call(heads, function (th, col) {
        th.tabIndex = 0;
        var sort = function () {
          var asc = th.getAttribute('aria-sort') !== 'ascending';
          Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
          th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
          var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
          var key = function (r) {
            var c = r.cells[col], v = c.getAttribute('data-v');
            return v != null && v !== '' ? parseFloat(v) : null;
          };
          rows.sort(function (a, b) {
            var x = key(a), y = key(b), d;
            if (x != null || y != null) d = x == null ? 1 : y == null ? -1 : x - y; // cells with no number go last
            else d = a.cells[col].textContent.localeCompare(b.cells[col].textContent);
            if (x == null && y != null || x != null && y == null) return d;
            return asc ? d : -d;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        };
        th.addEventListener('click', sort);
        th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
      });
    });
  }
  LH.sortable = sortable;

  function start() {
    buildSpecs();
    if (data.kind !== 'sweep' && (!data.records || !data.records.step.length)) {
      var el = document.getElementById('lh-main');
      if (el) el.innerHTML = '<p class="lh-empty">' + esc(data.empty || 'This run has no λ̂ records.') + '</p>';
    }
    controls();
    rebuild();
    sortable();
    var resize;
    window.addEventListener('resize', function () {
      clearTimeout(resize);
      resize = setTimeout(function () {
        var w = width();
        Object.keys(LH.charts).forEach(function (k) { LH.charts[k].setSize({ width: w, height: LH.charts[k]._lh.height }); });
      }, 100);
    });
    LH.ready = true;
  }

  try {
    start();
  } catch (e) {
    console.error('lambdahat report: ' + (e && e.stack || e));
    throw e;
  }
})();
