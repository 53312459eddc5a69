/**
 * The viewer page (`OUT/viewer/index.html`): one HTML file with its CSS and script inline, no
 * network. It reads `data/index.js` (summary and row index) with a `<script>` tag and loads the
 * sample chunks of the page on screen the same way (fetch() is refused on `file://`). All sample
 * text goes into the page through `textContent`, never as HTML.
 * @module
 */

const CSS = `
:root { --ink: #1d232a; --muted: #5b6570; --line: #d9dee3; --bg: #f6f7f9; --accent: #1f6feb; --after: #e8590c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header { padding: 12px 20px; background: #fff; border-bottom: 1px solid var(--line); display: flex; gap: 16px; align-items: baseline; }
header h1 { font-size: 18px; margin: 0; }
header .muted { color: var(--muted); }
main { padding: 16px 20px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin-bottom: 16px; }
h2 { font-size: 16px; margin: 0 0 10px; }
h3 { font-size: 13px; margin: 0 0 4px; font-weight: 600; }
.row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 2px 10px; border-bottom: 1px solid var(--line); text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.total td { font-weight: 600; }
.chart { border: 1px solid var(--line); border-radius: 4px; padding: 6px; background: #fff; }
.chart svg { display: block; }
.legend { font-size: 12px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 8px; vertical-align: -1px; }
.heat img { max-width: 380px; width: 100%; image-rendering: pixelated; border: 1px solid var(--line); }
.answers { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin-bottom: 10px; }
.filters label { color: var(--muted); }
select, button { font: inherit; padding: 3px 6px; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px; background: #fff; min-width: 0; }
.card .meta { font-size: 12px; color: var(--muted); word-break: break-all; }
.card .imgs { display: flex; gap: 6px; margin: 6px 0; overflow-x: auto; }
.card .imgs img { height: 150px; border: 1px solid var(--line); border-radius: 3px; }
.card .q { white-space: pre-wrap; margin: 4px 0; }
.card .a { white-space: pre-wrap; margin: 4px 0; color: #0b5d1e; }
.card details { margin-top: 4px; }
.card pre { margin: 4px 0; font-size: 11px; background: var(--bg); padding: 6px; border-radius: 4px; overflow-x: auto; max-height: 220px; }
.tag { display: inline-block; padding: 0 6px; border-radius: 8px; background: #eef2f7; margin-right: 4px; }
#status { color: var(--muted); }
.error { color: #b42318; }
`;

// Plain ES2020, no template literals (this file is itself one).
const SCRIPT = `
'use strict';
(function () {
  var IDX = window.SV_INDEX;
  var PAGE = 24;
  var NS = 'http://www.w3.org/2000/svg';
  function el(tag, props) {
    var e = document.createElement(tag);
    if (props) for (var k in props) {
      if (k === 'text') e.textContent = props[k];
      else if (k === 'class') e.className = props[k];
      else e.setAttribute(k, props[k]);
    }
    for (var i = 2; i < arguments.length; i++) if (arguments[i] != null) e.append(arguments[i]);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function fmt(x) {
    if (typeof x !== 'number') return String(x);
    if (Number.isInteger(x)) return String(x);
    var a = Math.abs(x);
    return a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : x.toPrecision(2);
  }
  /* A bar chart: series = [{counts, color, name}], labels under the first and last bars. */
  function bars(series, edges, opts) {
    opts = opts || {};
    var W = opts.width || 300, H = opts.height || 110, pad = 18;
    var n = series[0].counts.length;
    var max = 1;
    series.forEach(function (s) { s.counts.forEach(function (c) { if (c > max) max = c; }); });
    var box = el('div', { class: 'chart' });
    if (opts.title) { var h = el('h3', { text: opts.title }); h.style.maxWidth = W + 'px'; box.append(h); }
    var s = svg('svg', { width: W, height: H + pad, viewBox: '0 0 ' + W + ' ' + (H + pad), role: 'img' });
    var bw = W / Math.max(1, n), inner = bw / series.length;
    series.forEach(function (ser, k) {
      ser.counts.forEach(function (c, i) {
        var h = c / max * (H - 12);
        var r = svg('rect', { x: i * bw + k * inner + 0.5, y: H - h, width: Math.max(1, inner - 1), height: h, fill: ser.color });
        var t = svg('title', {});
        t.textContent = (opts.labels ? opts.labels[i] : (edges && edges.length > i + 1 ? fmt(edges[i]) + ' to ' + fmt(edges[i + 1]) : '')) + ': ' + c + (ser.name ? ' (' + ser.name + ')' : '');
        r.append(t);
        s.append(r);
      });
    });
    s.append(svg('line', { x1: 0, y1: H + 0.5, x2: W, y2: H + 0.5, stroke: '#8a949e' }));
    var yMax = svg('text', { x: 2, y: 10, 'font-size': 10, fill: '#5b6570' });
    yMax.textContent = String(max);
    s.append(yMax);
    if (opts.labels) {
      opts.labels.forEach(function (l, i) {
        var t = svg('text', { x: i * bw + bw / 2, y: H + 13, 'font-size': 10, 'text-anchor': 'middle', fill: '#1d232a' });
        t.textContent = l.length > 10 ? l.slice(0, 9) + '.' : l;
        s.append(t);
      });
    } else if (edges && edges.length) {
      var lo = svg('text', { x: 0, y: H + 13, 'font-size': 10, fill: '#1d232a' });
      lo.textContent = fmt(edges[0]);
      var hi = svg('text', { x: W, y: H + 13, 'font-size': 10, 'text-anchor': 'end', fill: '#1d232a' });
      hi.textContent = fmt(edges[edges.length - 1]);
      s.append(lo, hi);
    }
    box.append(s);
    if (series.length > 1 || series[0].name) {
      var lg = el('div', { class: 'legend' });
      series.forEach(function (ser) { var i = el('i'); i.style.background = ser.color; lg.append(i, ser.name || ''); });
      box.append(lg);
    }
    return box;
  }

  function summary() {
    document.getElementById('title').textContent = IDX.title || 'spatial-geom output';
    document.getElementById('subtitle').textContent = IDX.total + ' samples, ' + IDX.counts.length + ' question types, ' + IDX.scenes.length + ' scenes';
    var tb = document.querySelector('#counts tbody');
    var tt = [0, 0];
    IDX.counts.forEach(function (c) {
      tt[0] += c.train; tt[1] += c.eval;
      tb.append(el('tr', { 'data-type': c.type }, el('td', { text: c.type }), el('td', { 'data-split': 'train', text: String(c.train) }), el('td', { 'data-split': 'eval', text: String(c.eval) }), el('td', { 'data-split': 'total', text: String(c.train + c.eval) })));
    });
    tb.append(el('tr', { class: 'total', 'data-total': '' }, el('td', { text: 'total' }), el('td', { 'data-split': 'train', text: String(tt[0]) }), el('td', { 'data-split': 'eval', text: String(tt[1]) }), el('td', { 'data-split': 'total', text: String(tt[0] + tt[1]) })));

    var withOverlap = IDX.sceneStats.filter(function (s) { return s.overlapHistogram || s.pairSelection || s.overlapPng; });
    var sel = document.getElementById('overlap-scene');
    withOverlap.forEach(function (s, i) { sel.append(el('option', { value: String(i), text: s.label })); });
    function showOverlap() {
      var box = document.getElementById('overlap');
      box.textContent = '';
      var s = withOverlap[Number(sel.value)];
      if (!s) { box.append(el('p', { text: 'No overlap statistics in this output.' })); return; }
      var charts = el('div', { class: 'row' });
      if (s.overlapHistogram) charts.append(bars([{ counts: s.overlapHistogram.counts, color: '#1f6feb' }], s.overlapHistogram.edges, { title: 'Overlap (IoU) of all frame pairs' }));
      if (s.pairSelection) {
        var p = s.pairSelection;
        charts.append(bars([{ counts: p.before, color: '#1f6feb', name: 'in band (before)' }, { counts: p.after, color: '#e8590c', name: 'selected (after)' }], p.edges,
          { title: 'Band selection: ' + p.selected + ' pairs selected (' + p.outside + ' outside the band, ' + p.zero + ' with no overlap)', width: 340 }));
      }
      charts.style.flexDirection = 'column';
      var row = el('div', { class: 'row' }, charts);
      if (s.overlapPng) row.append(el('div', { class: 'heat' }, el('h3', { text: 'Overlap heat map (' + (s.frames || '?') + ' frames)' }), el('img', { src: s.overlapPng, alt: 'overlap heat map of ' + s.label })));
      box.append(row);
    }
    sel.addEventListener('change', showOverlap);
    showOverlap();

    var ans = document.getElementById('answers');
    IDX.counts.forEach(function (c) {
      var a = IDX.answers[c.type];
      if (!a) return;
      var title = c.type + ' (' + a.n + ')';
      if (a.kind === 'number') ans.append(bars([{ counts: a.hist.counts, color: '#1f6feb' }], a.hist.edges, { title: title, width: 240, height: 80 }));
      else if (a.kind === 'category') ans.append(bars([{ counts: a.counts, color: '#1f6feb' }], null, { title: title, width: 240, height: 80, labels: a.labels }));
      else {
        var cols = ['#1f6feb', '#e8590c', '#2f9e44'];
        ans.append(bars(a.components.map(function (h, k) { return { counts: h.counts, color: cols[k], name: 'xyz'[k] + ' ' + (h.edges.length ? fmt(h.edges[0]) + '..' + fmt(h.edges[h.edges.length - 1]) : '') }; }), null, { title: title, width: 240, height: 80 }));
      }
    });
  }

  /* Chunks are scripts calling svChunk(i, rows); one pending promise per chunk. */
  var chunks = new Map(), pending = new Map();
  window.svChunk = function (i, rows) {
    chunks.set(i, rows);
    var p = pending.get(i);
    if (p) { pending.delete(i); p.resolve(rows); }
  };
  function loadChunk(i) {
    if (chunks.has(i)) return Promise.resolve(chunks.get(i));
    if (pending.has(i)) return pending.get(i).promise;
    var entry = {};
    entry.promise = new Promise(function (res, rej) { entry.resolve = res; entry.reject = rej; });
    pending.set(i, entry);
    var s = document.createElement('script');
    s.src = 'data/chunk-' + String(i).padStart(5, '0') + '.js';
    s.onload = function () { s.remove(); };
    s.onerror = function () { pending.delete(i); s.remove(); entry.reject(new Error('cannot load ' + s.src)); };
    document.head.append(s);
    return entry.promise;
  }

  var state = { type: '', scene: '', split: '', page: 0 };
  var matching = [];
  function filterRows() {
    matching = [];
    IDX.chunks.forEach(function (c, ci) {
      if (state.type !== '' && c.type !== Number(state.type)) return;
      if (state.split !== '' && c.split !== Number(state.split)) return;
      for (var r = 0; r < c.n; r++) if (state.scene === '' || c.scenes[r] === Number(state.scene)) matching.push([ci, r]);
    });
  }
  var token = 0;
  function render() {
    var my = ++token;
    var pages = Math.max(1, Math.ceil(matching.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    var slice = matching.slice(state.page * PAGE, (state.page + 1) * PAGE);
    document.getElementById('status').textContent = matching.length + ' samples match; page ' + (state.page + 1) + ' of ' + pages;
    document.getElementById('status').setAttribute('data-matching', String(matching.length));
    document.getElementById('prev').disabled = state.page === 0;
    document.getElementById('next').disabled = state.page >= pages - 1;
    var need = Array.from(new Set(slice.map(function (x) { return x[0]; })));
    var gallery = document.getElementById('gallery');
    gallery.setAttribute('aria-busy', 'true');
    Promise.all(need.map(loadChunk)).then(function () {
      if (my !== token) return;
      gallery.textContent = '';
      slice.forEach(function (x) { gallery.append(card(chunks.get(x[0])[x[1]], IDX.chunks[x[0]], IDX.chunks[x[0]].scenes[x[1]])); });
      gallery.setAttribute('aria-busy', 'false');
      gallery.setAttribute('data-rendered', String(slice.length));
    }).catch(function (e) {
      gallery.textContent = '';
      gallery.append(el('p', { class: 'error', text: String(e.message || e) }));
      gallery.setAttribute('aria-busy', 'false');
    });
  }
  function json(v) { return JSON.stringify(v, null, 1); }
  function card(s, chunk, scene) {
    var imgs = el('div', { class: 'imgs' });
    s.images.forEach(function (src, i) { imgs.append(el('img', { src: src, alt: 'image ' + (i + 1) + ' of ' + s.id, title: src })); });
    var c = el('div', { class: 'card', 'data-type': IDX.types[chunk.type] },
      el('div', { class: 'meta' }, el('span', { class: 'tag', text: IDX.types[chunk.type] }), el('span', { class: 'tag', text: IDX.splits[chunk.split] }), el('span', { class: 'tag', text: IDX.scenes[scene] }), String(s.id)),
      imgs,
      el('div', { class: 'q', text: s.question }),
      el('div', { class: 'a', text: s.answer !== null ? s.answer : 'gt_value: ' + json(s.gt_value) }));
    var d = el('details', null, el('summary', { text: 'answer_values, gt_value, frames' + (s.intrinsics_list ? ', cameras' : '') }),
      el('pre', { text: 'gt_value: ' + JSON.stringify(s.gt_value) + '\\nanswer_values: ' + json(s.answer_values) }),
      el('pre', { text: 'frames: ' + JSON.stringify(s.frames) + '\\nsize (w x h): ' + JSON.stringify(s.width_list) + ' x ' + JSON.stringify(s.height_list) + (s.intrinsics_list ? '\\nintrinsics_list: ' + json(s.intrinsics_list) : '') }));
    d.open = true;
    c.append(d);
    return c;
  }
  function filters() {
    var t = document.getElementById('f-type'), sc = document.getElementById('f-scene'), sp = document.getElementById('f-split');
    IDX.types.map(function (n, i) { return [n, i]; }).sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; })
      .forEach(function (x) { t.append(el('option', { value: String(x[1]), text: x[0] })); });
    IDX.scenes.forEach(function (n, i) { sc.append(el('option', { value: String(i), text: n })); });
    IDX.splits.forEach(function (n, i) { sp.append(el('option', { value: String(i), text: n })); });
    function change() { state.type = t.value; state.scene = sc.value; state.split = sp.value; state.page = 0; filterRows(); render(); }
    t.addEventListener('change', change); sc.addEventListener('change', change); sp.addEventListener('change', change);
    document.getElementById('prev').addEventListener('click', function () { state.page--; render(); });
    document.getElementById('next').addEventListener('click', function () { state.page++; render(); });
  }
  if (!IDX) {
    document.getElementById('status').textContent = 'data/index.js did not load: run spatial-geom view again';
    return;
  }
  summary();
  filters();
  filterRows();
  render();
})();
`;

/** The whole page. */
export const VIEWER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' 'unsafe-inline' file:; style-src 'unsafe-inline'; img-src 'self' file: data:">
<title>spatial-geom viewer</title>
<style>${CSS}</style>
</head>
<body>
<header><h1 id="title">spatial-geom output</h1><span class="muted" id="subtitle"></span></header>
<main>
<section id="summary" class="row">
  <div>
    <h2>Samples per question type and split</h2>
    <table id="counts"><thead><tr><th>question type</th><th>train</th><th>eval</th><th>total</th></tr></thead><tbody></tbody></table>
  </div>
  <div>
    <h2>Frame overlap <select id="overlap-scene" aria-label="scene"></select></h2>
    <div id="overlap"></div>
  </div>
</section>
<section>
  <h2>Answer values per question type (gt_value)</h2>
  <div class="answers" id="answers"></div>
</section>
<section>
  <h2>Samples</h2>
  <div class="filters">
    <label>question type <select id="f-type"><option value="">all</option></select></label>
    <label>scene <select id="f-scene"><option value="">all</option></select></label>
    <label>split <select id="f-split"><option value="">all</option></select></label>
    <button id="prev" type="button">&larr; previous</button><button id="next" type="button">next &rarr;</button>
    <span id="status"></span>
  </div>
  <div class="gallery" id="gallery" aria-live="polite"></div>
</section>
</main>
<script>window.svIndex = function (d) { window.SV_INDEX = d; };</script>
<script src="data/index.js"></script>
<script>${SCRIPT}</script>
</body>
</html>
`;
