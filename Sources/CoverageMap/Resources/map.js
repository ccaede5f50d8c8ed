(function () {
"use strict";
var covgap = window.covgap = { ready: false, errors: [], lastRenderMs: 0, loadMs: 0, renders: 0 };
var baseTitle = "covgap map";
function showStatus() {
  var n = covgap.errors.length;
  document.title = baseTitle + " \u00b7 " + (n ? n + (n === 1 ? " error" : " errors") : "ok");
  if (document.body) document.body.dataset.errors = String(n);
}
function report(msg) { covgap.errors.push(String(msg)); if (covgap.ready) showStatus(); }
window.onerror = function (msg, src, line, col) { report(msg + (line ? " (line " + line + ":" + col + ")" : "")); return false; };
window.addEventListener("unhandledrejection", function (e) { report("unhandled rejection: " + (e.reason && e.reason.message || e.reason)); });

// ---------- small helpers ----------
var $ = function (id) { return document.getElementById(id); };
function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
function num(x) { return typeof x === "number" && isFinite(x) ? x : null; }
function str(x) { return x == null ? "" : String(x); }
function pct(f) { f = num(f); return f == null ? "\u2014" : (f * 100).toFixed(1) + "\u00a0%"; }
function pctv(v) { v = num(v); if (v == null) return "\u2014"; var r = Math.round(v * 10) / 10; return (r % 1 === 0 ? r.toFixed(0) : r.toFixed(1)) + "\u00a0%"; }
function meters(m) { m = num(m); if (m == null) return "\u2014"; return m < 1000 ? Math.round(m) + "\u00a0m" : (m / 1000).toFixed(m < 10000 ? 2 : 1) + "\u00a0km"; }
function area(m2) { m2 = num(m2); if (m2 == null) return "\u2014"; return m2 >= 1e6 ? (m2 / 1e6).toFixed(2) + "\u00a0km\u00b2" : (m2 / 1e4).toFixed(1) + "\u00a0ha"; }
function int(n) { n = num(n); return n == null ? "\u2014" : Math.round(n).toLocaleString("en-US"); }
function norm(s) {
  return str(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[\u0111\u0110]/g, "d")
    .toLowerCase().replace(/\s+/g, " ").trim();
}
covgap.normalize = norm;
function features(c) { return c && Array.isArray(c.features) ? c.features.filter(function (f) { return f && typeof f === "object"; }) : []; }
function props(f) { return f.properties && typeof f.properties === "object" ? f.properties : {}; }

var RED = "@uncovered@", AMBER = "@partial@", GREEN = "@covered@", BLUE = "@blue@", GREY = "@no_data@";
var GAPRED = "@gap_red@", FIBRE = "@fibre@", SITE = "@site@", PLACE = "@place@", CENTRE = "@centre@";
var FONT = '"Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif';

// ---------- payload ----------
var P = {}, tParse0 = performance.now();
try {
  var node = $("covgap-data");
  P = JSON.parse(node && node.textContent.trim() ? node.textContent : "{}");
  if (!P || typeof P !== "object" || Array.isArray(P)) P = {};
} catch (e) { report("payload: " + e.message); P = {}; }
var S = P.summary && typeof P.summary === "object" ? P.summary : {};
covgap.timing = { start_ms: Math.round(tParse0), parse_ms: Math.round(performance.now() - tParse0) };
var tPrep0 = performance.now();

// ---------- geometry: lon/lat -> world (x = lon*cos(lat0), y = -lat), then screen = world*s + t ----------
// Every ring and line is a list of arcs (docs/map-payload.md): the compact payload stores a border
// two shapes share once, on a grid of P.grid degrees; a GeoJSON payload gives each ring its own arc.
// ARC.xy holds all arcs' points (world coordinates once projected), ARC.off/len where each starts.
var K = 1, X0 = 0, Y0 = 0;
var CODE = (function () { var t = new Int8Array(128), k = 0; t.fill(-1); for (var b = 0x21; b <= 0x7e; b++) if (b !== 0x22 && b !== 0x5c && b !== 0x3c) t[b] = k++; return t; })();
function Code(s) { this.s = typeof s === "string" ? s : ""; this.i = 0; }
Code.prototype.more = function () { return this.i < this.s.length; };
Code.prototype.u = function () {
  var s = this.s, v = 0, m = 1;
  for (;;) {
    if (this.i >= s.length) throw new Error("payload: truncated code");
    var d = CODE[s.charCodeAt(this.i++) & 127];
    if (d < 0) throw new Error("payload: bad code character");
    if (d < 64) return v + d * m;
    v += d * m; m *= 27;
  }
};
Code.prototype.z = function () { var u = this.u(); return u % 2 ? -(u + 1) / 2 : u / 2; };
var ARC = { xy: null, n: 0, off: [], len: [], closed: [], bb: null };
function isCompact(L) { return L && typeof L === "object" && typeof L.shapes === "string"; }
// The payload's chunks (docs/map-payload.md), each with arcs and layers of its own; a payload
// without chunks (an earlier form) is one chunk.
var CHUNKS = Array.isArray(P.chunks) ? P.chunks.filter(function (c) { return c && typeof c === "object" && !Array.isArray(c); }) : [P];
var LAYER_NAMES = { v: "villages", g: "gaps", f: "fibre", e: "extensions", s: "sites", p: "places" };
(function allocate() {
  var cap = 0;
  function count(g) {
    if (!g || typeof g !== "object") return;
    var c = g.coordinates;
    if (g.type === "GeometryCollection") (g.geometries || []).forEach(count);
    else if (Array.isArray(c)) (function walk(a) { if (typeof a[0] === "number") cap += 2; else a.forEach(function (x) { if (Array.isArray(x)) walk(x); }); })(c);
  }
  CHUNKS.forEach(function (chunk) {
    if (typeof chunk.arcs === "string") cap += chunk.arcs.length;
    ["villages", "gaps", "fibre", "extensions"].forEach(function (k) { if (!isCompact(chunk[k])) features(chunk[k]).forEach(function (f) { count(f.geometry); }); });
  });
  ARC.xy = new Float64Array(Math.max(cap, 2));
})();
function pushArc(closed) { ARC.off.push(ARC.n); ARC.len.push(0); ARC.closed.push(closed ? 1 : 0); return ARC.off.length - 1; }
function pushPoint(a, x, y) { ARC.xy[ARC.n++] = x; ARC.xy[ARC.n++] = y; ARC.len[a]++; }
// A chunk's arcs (grid integers, second differences) as lon/lat, after those of the chunks before.
function decodeArcs(s) {
  if (typeof s !== "string") return;
  // All the integers first, in one tight loop (no call per number), then the arcs from them.
  var len = s.length, v = new Int32Array(len), nv = 0, acc = 0, m = 1, bad = false;
  for (var i = 0; i < len; i++) {
    var d = CODE[s.charCodeAt(i) & 127];
    if (d < 0) { bad = true; break; }
    if (d < 64) { v[nv++] = acc + d * m; acc = 0; m = 1; } else { acc += d * m; m *= 27; }
  }
  if (bad || m !== 1) report("payload: bad arcs code");
  var step = num(P.grid) || 0.00002, px = 0, py = 0, k = 0, u;
  while (k + 3 <= nv) {
    var h = v[k++], n = h >> 1, a = pushArc((h & 1) === 1);
    u = v[k++]; px += u & 1 ? -((u + 1) >> 1) : u >> 1;
    u = v[k++]; py += u & 1 ? -((u + 1) >> 1) : u >> 1;
    var x = px, y = py, dx = 0, dy = 0, xy = ARC.xy, w = ARC.n;
    if (k + 2 * (n - 1) > nv || w + 2 * n > xy.length) { report("payload: truncated arcs"); break; }
    xy[w++] = x * step; xy[w++] = y * step;
    for (var j = 1; j < n; j++) {
      u = v[k++]; dx += u & 1 ? -((u + 1) >> 1) : u >> 1;
      u = v[k++]; dy += u & 1 ? -((u + 1) >> 1) : u >> 1;
      x += dx; y += dy; xy[w++] = x * step; xy[w++] = y * step;
    }
    ARC.n = w; ARC.len[a] = Math.max(1, n);
  }
}
// A GeoJSON ring or line as a new arc (rings without their closing point).
function ringArc(coords, ring, out) {
  if (!Array.isArray(coords)) return;
  var a = pushArc(ring), start = ARC.n;
  for (var i = 0; i < coords.length; i++) { var c = coords[i]; if (c && isFinite(c[0]) && isFinite(c[1])) pushPoint(a, +c[0], +c[1]); }
  var n = ARC.len[a];
  if (ring && n > 1 && ARC.xy[start] === ARC.xy[ARC.n - 2] && ARC.xy[start + 1] === ARC.xy[ARC.n - 1]) { ARC.n -= 2; ARC.len[a]--; n--; }
  if (n >= (ring ? 3 : 2)) out.push([a]);
  else { ARC.n = start; ARC.off.pop(); ARC.len.pop(); ARC.closed.pop(); }
}
function geoParts(g, f) {
  if (!g || typeof g !== "object") return;
  var c = g.coordinates;
  switch (g.type) {
    case "Polygon": if (Array.isArray(c)) c.forEach(function (r) { ringArc(r, true, f.rings); }); break;
    case "MultiPolygon": if (Array.isArray(c)) c.forEach(function (p) { if (Array.isArray(p)) p.forEach(function (r) { ringArc(r, true, f.rings); }); }); break;
    case "LineString": ringArc(c, false, f.lines); break;
    case "MultiLineString": if (Array.isArray(c)) c.forEach(function (r) { ringArc(r, false, f.lines); }); break;
    case "Point": if (Array.isArray(c) && isFinite(c[0]) && isFinite(c[1])) f.points.push(+c[0], +c[1]); break;
    case "MultiPoint": if (Array.isArray(c)) c.forEach(function (q) { if (q && isFinite(q[0]) && isFinite(q[1])) f.points.push(+q[0], +q[1]); }); break;
    case "GeometryCollection": (g.geometries || []).forEach(function (x) { geoParts(x, f); }); break;
  }
}
// A feature: properties, rings and lines (lists of arc references, ~i for arc i backwards), points.
function Shape(p) { this.p = p; this.rings = []; this.lines = []; this.points = []; this.bb = null; this.sc = null; this.cx = 0; this.cy = 0; this._parts = null; }
// Full-detail parts as flat [x, y, ...] arrays, for hit testing: made on first use.
Object.defineProperty(Shape.prototype, "parts", { get: function () {
  if (this._parts) return this._parts;
  var out = [], self = this;
  function trace(refs) {
    var total = 0, r, k;
    for (k = 0; k < refs.length; k++) total += ARC.len[refs[k] < 0 ? ~refs[k] : refs[k]];
    var a = new Float64Array(total * 2), n = 0;
    for (k = 0; k < refs.length; k++) {
      r = refs[k]; var i = r < 0 ? ~r : r, o = ARC.off[i], m = ARC.len[i], xy = ARC.xy;
      for (var j = (k > 0 ? 1 : 0); j < m; j++) { var q = o + 2 * (r < 0 ? m - 1 - j : j); a[n++] = xy[q]; a[n++] = xy[q + 1]; }
    }
    return n === a.length ? a : a.slice(0, n);
  }
  this.rings.forEach(function (refs) { out.push(trace(refs)); });
  this.lines.forEach(function (refs) { out.push(trace(refs)); });
  return (self._parts = out);
} });
function columns(cols, n) {
  // Properties stored as columns (numbers scaled to integers, other values through a dictionary,
  // objects as columns of their own); code 0: the key is absent.
  var rows = new Array(n), keys = cols && typeof cols === "object" ? Object.keys(cols) : [], i;
  for (i = 0; i < n; i++) rows[i] = {};
  keys.forEach(function (key) {
    var col = cols[key] || {}, c = new Code(col.n), i, u;
    if (col.o) {
      var sub = columns(col.o, n);
      for (i = 0; i < n; i++) { u = c.u(); if (u === 1) rows[i][key] = null; else if (u === 2) rows[i][key] = sub[i]; }
    } else if (Array.isArray(col.k)) {
      var last = 0;
      for (i = 0; i < n; i++) { u = c.u(); if (u) { last += (u - 1) % 2 ? -u / 2 : (u - 1) / 2; rows[i][key] = col.k[last]; } }
    } else {
      var scale = Math.pow(10, num(col.d) || 0);
      for (i = 0; i < n; i++) { u = c.u(); if (u) { u -= 1; rows[i][key] = (u % 2 ? -(u + 1) / 2 : u / 2) / scale; } }
    }
  });
  return rows;
}
// A chunk's layer; its arc references count from `base`, the chunk's first arc.
function compactLayer(L, base) {
  var n = Math.max(0, Math.floor(num(L.count) || 0)), rows, out = [];
  try { rows = columns(L.properties, n); } catch (e) { report(e.message); rows = []; for (var r0 = 0; r0 < n; r0++) rows.push({}); }
  var c = new Code(L.shapes), last = -1, step = num(P.grid) || 0.00002, pt = [0, 0];
  function refs() {
    var m = c.u(), a = [];
    for (var k = 0; k < m; k++) { var v = c.u(), d = Math.floor(v / 2), z = d % 2 ? -(d + 1) / 2 : d / 2, i = last + 1 + z; last = i; a.push(v % 2 ? ~(base + i) : base + i); }
    return a;
  }
  try {
    for (var i = 0; i < n; i++) {
      var f = new Shape(rows[i]), np = c.u(), k, j;
      for (k = 0; k < np; k++) { var nr = c.u(); for (j = 0; j < nr; j++) f.rings.push(refs()); }
      var nl = c.u(); for (k = 0; k < nl; k++) f.lines.push(refs());
      var nq = c.u(); for (k = 0; k < nq; k++) { pt[0] += c.z(); pt[1] += c.z(); f.points.push(pt[0] * step, pt[1] * step); }
      out.push(f);
    }
  } catch (e) { report(e.message); }
  return out;
}
function layer(L, base) {
  if (isCompact(L)) return compactLayer(L, base);
  return features(L).map(function (g) { var f = new Shape(props(g)); geoParts(g.geometry, f); return f; });
}
var LAYERS = { v: [], g: [], f: [], e: [], s: [], p: [] };
CHUNKS.forEach(function (chunk) {
  var base = ARC.off.length;
  decodeArcs(chunk.arcs);
  for (var k in LAYER_NAMES) if (chunk[LAYER_NAMES[k]]) { var made = layer(chunk[LAYER_NAMES[k]], base); for (var i = 0; i < made.length; i++) LAYERS[k].push(made[i]); }
});
covgap.timing.arcs_ms = Math.round(performance.now() - tPrep0);
function shapeLayer(all) { return all.filter(function (f) { return f.rings.length + f.lines.length > 0; }); }
function pointLayer(all) { var out = []; all.forEach(function (f) { for (var k = 0; k < f.points.length; k += 2) out.push({ p: f.p, x: f.points[k], y: f.points[k + 1] }); }); return out; }
var V = shapeLayer(LAYERS.v), GAPS = shapeLayer(LAYERS.g), FIB = shapeLayer(LAYERS.f), FIBPTS = pointLayer(LAYERS.f);
var EXT = shapeLayer(LAYERS.e), SITES = pointLayer(LAYERS.s), PLACES = pointLayer(LAYERS.p);
LAYERS = null;
covgap.timing.layers_ms = Math.round(performance.now() - tPrep0);
var LABELS = P.labels && typeof P.labels === "object" ? P.labels : {};
var DISTRICTS = (Array.isArray(LABELS.districts) ? LABELS.districts : []).filter(function (l) { return l && isFinite(l.lon) && isFinite(l.lat); }).map(function (l) { return { name: str(l.name), x: +l.lon, y: +l.lat }; });
var COMMUNES = (Array.isArray(LABELS.communes) ? LABELS.communes : []).filter(function (l) { return l && isFinite(l.lon) && isFinite(l.lat); }).map(function (l) { return { name: str(l.name), x: +l.lon, y: +l.lat }; });

// World coordinates are relative to the data's north-west corner so that Path2D's float32 points
// stay precise (≪ 1 px) at the closest zoom.
(function project() {
  var minY = Infinity, maxY = -Infinity, minX = Infinity, xy = ARC.xy, i;
  function eachRef(L, fn) {
    for (var i = 0; i < L.length; i++) {
      var f = L[i], k, j, refs;
      for (k = 0; k < f.rings.length; k++) for (refs = f.rings[k], j = 0; j < refs.length; j++) fn(f, refs[j] < 0 ? ~refs[j] : refs[j]);
      for (k = 0; k < f.lines.length; k++) for (refs = f.lines[k], j = 0; j < refs.length; j++) fn(f, refs[j] < 0 ? ~refs[j] : refs[j]);
    }
  }
  function scanShapes(L) {
    var used = new Uint8Array(ARC.off.length);
    eachRef(L, function (f, a) { used[a] = 1; });
    for (var a = 0; a < used.length; a++) {
      if (!used[a]) continue;
      for (var q = ARC.off[a], e = q + 2 * ARC.len[a]; q < e; q += 2) { var y = xy[q + 1]; if (y < minY) minY = y; if (y > maxY) maxY = y; if (xy[q] < minX) minX = xy[q]; }
    }
  }
  function scanPts(L) { L.forEach(function (q) { if (q.y < minY) minY = q.y; if (q.y > maxY) maxY = q.y; if (q.x < minX) minX = q.x; }); }
  scanShapes(V); if (!isFinite(minY)) { scanShapes(GAPS); scanShapes(FIB); scanShapes(EXT); scanPts(SITES); scanPts(PLACES); scanPts(FIBPTS); }
  var lat0 = isFinite(minY) ? (minY + maxY) / 2 : 14.1;
  K = Math.cos(Math.max(-85, Math.min(85, lat0)) * Math.PI / 180);
  if (isFinite(minX)) { X0 = minX * K; Y0 = -maxY; }
  for (i = 0; i < ARC.n; i += 2) { xy[i] = xy[i] * K - X0; xy[i + 1] = -xy[i + 1] - Y0; }
  var na = ARC.off.length, bb = ARC.bb = new Float64Array(na * 4);
  for (var a = 0; a < na; a++) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, o = ARC.off[a], e = o + 2 * ARC.len[a];
    for (i = o; i < e; i += 2) { var x = xy[i], y = xy[i + 1]; if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
    bb[4 * a] = x0; bb[4 * a + 1] = y0; bb[4 * a + 2] = x1; bb[4 * a + 3] = y1;
  }
  function tParts(L) {
    for (var i = 0; i < L.length; i++) L[i].bb = [Infinity, Infinity, -Infinity, -Infinity];
    eachRef(L, function (f, a) { var b = f.bb; a *= 4; if (bb[a] < b[0]) b[0] = bb[a]; if (bb[a + 1] < b[1]) b[1] = bb[a + 1]; if (bb[a + 2] > b[2]) b[2] = bb[a + 2]; if (bb[a + 3] > b[3]) b[3] = bb[a + 3]; });
    for (i = 0; i < L.length; i++) { var b = L[i].bb; L[i].cx = (b[0] + b[2]) / 2; L[i].cy = (b[1] + b[3]) / 2; }
  }
  function tPts(L) { L.forEach(function (q) { q.x = q.x * K - X0; q.y = -q.y - Y0; }); }
  tParts(V); tParts(GAPS); tParts(FIB); tParts(EXT); tPts(SITES); tPts(PLACES); tPts(FIBPTS); tPts(DISTRICTS); tPts(COMMUNES);
})();
// Labels computed from the villages when the payload has none.
function centroidLabels(key) {
  var acc = {}, order = [];
  V.forEach(function (v) {
    var name = str(v.p[key]); if (!name) return;
    var id = key === "commune" ? str(v.p.district) + "\u0000" + name : name;
    var a = acc[id]; if (!a) { a = acc[id] = { name: name, x: 0, y: 0, n: 0 }; order.push(a); }
    a.x += v.cx; a.y += v.cy; a.n++;
  });
  return order.map(function (a) { return { name: a.name, x: a.x / a.n, y: a.y / a.n }; });
}
if (!DISTRICTS.length) DISTRICTS = centroidLabels("district");
if (!COMMUNES.length) COMMUNES = centroidLabels("commune");

var EXTENT = null;
(function () {
  var bb = [Infinity, Infinity, -Infinity, -Infinity];
  function addBB(b) { if (b[0] < bb[0]) bb[0] = b[0]; if (b[1] < bb[1]) bb[1] = b[1]; if (b[2] > bb[2]) bb[2] = b[2]; if (b[3] > bb[3]) bb[3] = b[3]; }
  function addPt(q) { addBB([q.x, q.y, q.x, q.y]); }
  V.forEach(function (f) { addBB(f.bb); });
  if (!isFinite(bb[0])) { [GAPS, FIB, EXT].forEach(function (L) { L.forEach(function (f) { addBB(f.bb); }); }); [SITES, PLACES, FIBPTS].forEach(function (L) { L.forEach(addPt); }); }
  if (isFinite(bb[0])) EXTENT = bb;
})();
// Typical village size (world units), to decide when outlines and village names are worth drawing.
var VSIZE = (function () {
  if (!V.length) return 0;
  var step = Math.max(1, Math.floor(V.length / 2000)), a = [];
  for (var i = 0; i < V.length; i += step) { var b = V[i].bb; a.push(Math.max(b[2] - b[0], b[3] - b[1])); }
  a.sort(function (x, y) { return x - y; });
  return a[a.length >> 1];
})();
var COMMUNE_SPACING = EXTENT && COMMUNES.length ? Math.sqrt(Math.max((EXTENT[2] - EXTENT[0]) * (EXTENT[3] - EXTENT[1]), 1e-12) / COMMUNES.length) : Infinity;

// ---------- levels of detail: Douglas–Peucker per arc and zoom level, lazily ----------
// A level spans two zoom buckets (a factor of 4 in scale) at a tolerance of at most one pixel;
// arcs are thinned once per level, so shared borders stay shared.
function simplify(a, tol2) {
  var n = a.length >> 1;
  if (n <= 4) return a;
  var keep = new Uint8Array(n), stack = [0, n - 1], kept = 2;
  keep[0] = 1; keep[n - 1] = 1;
  while (stack.length) {
    var last = stack.pop(), first = stack.pop();
    var ax = a[2 * first], ay = a[2 * first + 1], dx = a[2 * last] - ax, dy = a[2 * last + 1] - ay;
    var len2 = dx * dx + dy * dy, maxd = -1, idx = -1;
    for (var i = first + 1; i < last; i++) {
      var px = a[2 * i] - ax, py = a[2 * i + 1] - ay, d;
      if (len2 > 0) { var t = (px * dx + py * dy) / len2; t = t < 0 ? 0 : t > 1 ? 1 : t; var qx = px - t * dx, qy = py - t * dy; d = qx * qx + qy * qy; }
      else d = px * px + py * py;
      if (d > maxd) { maxd = d; idx = i; }
    }
    if (maxd > tol2 && idx > 0) { keep[idx] = 1; kept++; if (idx - first > 1) stack.push(first, idx); if (last - idx > 1) stack.push(idx, last); }
  }
  if (kept === n) return a;
  var out = new Float64Array(kept * 2), k = 0;
  for (var j = 0; j < n; j++) if (keep[j]) { out[k++] = a[2 * j]; out[k++] = a[2 * j + 1]; }
  return out;
}
function levelOf(bucket) { return bucket - ((bucket % 2) + 2) % 2; }
var ARC_LOD = {};
function arcAt(i, level) {
  var c = ARC_LOD[level] || (ARC_LOD[level] = new Array(ARC.off.length)), a = c[i];
  if (a) return a;
  var full = ARC.xy.subarray(ARC.off[i], ARC.off[i] + 2 * ARC.len[i]), tol = 0.5 / Math.pow(2, level);
  a = simplify(full, tol * tol);
  if (a.length < (ARC.closed[i] ? 6 : 4)) a = full;
  return (c[i] = a);
}
// Traces a feature into `path` at a level: rings closed, lines open.
function trace(f, level, path, closeRings) {
  function run(refs, close) {
    for (var k = 0; k < refs.length; k++) {
      var r = refs[k], a = arcAt(r < 0 ? ~r : r, level), m = a.length >> 1, j;
      if (r >= 0) { j = 0; if (k === 0) path.moveTo(a[0], a[1]); for (j = 1; j < m; j++) path.lineTo(a[2 * j], a[2 * j + 1]); }
      else { if (k === 0) path.moveTo(a[2 * m - 2], a[2 * m - 1]); for (j = m - 2; j >= 0; j--) path.lineTo(a[2 * j], a[2 * j + 1]); }
    }
    if (close) path.closePath();
  }
  for (var i = 0; i < f.rings.length; i++) run(f.rings[i], closeRings);
  for (i = 0; i < f.lines.length; i++) run(f.lines[i], false);
}
// One Path2D per feature and level (the selected and hovered village).
function pathAt(f, bucket, closed) {
  var level = levelOf(bucket), c = f.sc || (f.sc = {}), r = c[level];
  if (r) return r;
  r = new Path2D(); trace(f, level, r, closed);
  return (c[level] = r);
}
// Layers drawn in batches: features grouped by a grid of cells over the extent, one Path2D per
// cell, level and colour class, so a frame costs a few thousand fills whatever the village count.
function Batch(L, closed, point) {
  this.L = L; this.closed = closed; this.point = point; this.cells = []; this.cache = {}; this.keys = null;
  if (!L.length) return;
  if (point) L.forEach(function (f) { f.cx = f.x; f.cy = f.y; f.bb = [f.x, f.y, f.x, f.y]; });
  var b = [Infinity, Infinity, -Infinity, -Infinity];
  L.forEach(function (f) { if (f.cx < b[0]) b[0] = f.cx; if (f.cy < b[1]) b[1] = f.cy; if (f.cx > b[2]) b[2] = f.cx; if (f.cy > b[3]) b[3] = f.cy; });
  var g = Math.max(1, Math.ceil(Math.sqrt(L.length / 120))), w = (b[2] - b[0]) / g || 1, h = (b[3] - b[1]) / g || 1, map = {};
  for (var i = 0; i < L.length; i++) {
    var f = L[i], cx = Math.min(g - 1, Math.floor((f.cx - b[0]) / w)), cy = Math.min(g - 1, Math.floor((f.cy - b[1]) / h)), id = cy * g + cx;
    var cell = map[id];
    if (!cell) { cell = map[id] = { ids: [], bb: [Infinity, Infinity, -Infinity, -Infinity] }; this.cells.push(cell); }
    cell.ids.push(i);
    var fb = f.bb; if (fb[0] < cell.bb[0]) cell.bb[0] = fb[0]; if (fb[1] < cell.bb[1]) cell.bb[1] = fb[1]; if (fb[2] > cell.bb[2]) cell.bb[2] = fb[2]; if (fb[3] > cell.bb[3]) cell.bb[3] = fb[3];
  }
}
// The paths of the cells in view at `level`, by class (`classOf(i)` < nk; villages under
// `dot` world units across are drawn as a square of that size so that they stay visible); the
// cache is kept while `token` stays the same object.
Batch.prototype.visible = function (vb, level, classes, nk, dot, token) {
  if (token !== this.keys) { this.cache = {}; this.keys = token; }
  var cache = this.cache[level] || (this.cache[level] = []), out = [];
  for (var c = 0; c < this.cells.length; c++) {
    var cell = this.cells[c], cb = cell.bb;
    if (cb[2] < vb[0] || cb[0] > vb[2] || cb[3] < vb[1] || cb[1] > vb[3]) continue;
    var paths = cache[c];
    if (!paths) {
      paths = cache[c] = [];
      for (var k = 0; k < nk; k++) paths.push(null);
      for (var j = 0; j < cell.ids.length; j++) {
        var i = cell.ids[j], f = this.L[i], key = classes ? classes[i] : 0, p = paths[key] || (paths[key] = new Path2D()), fb = f.bb;
        if (this.point) this.point(f, p, level);
        else if (dot && fb[2] - fb[0] < 1.5 * dot && fb[3] - fb[1] < 1.5 * dot) {
          // under a few pixels across even at this level's closest zoom: its box, at least `dot` wide
          var w = Math.max(dot, fb[2] - fb[0]), h = Math.max(dot, fb[3] - fb[1]);
          p.rect(f.cx - w / 2, f.cy - h / 2, w, h);
        } else trace(f, level, p, this.closed);
      }
    }
    out.push(paths);
  }
  return out;
};
// ---------- views (how villages are coloured) ----------
var STATUS_CLASSES = [
  { label: "Uncovered (< @uncovered_pct@ %)", color: RED }, { label: "Partial (@uncovered_pct@\u2013@covered_pct@ %)", color: AMBER },
  { label: "Covered (\u2265 @covered_pct@ %)", color: GREEN }, { label: "No data", color: GREY }];
var RAMP_CLASSES = [
  { label: "< @uncovered_pct@ %", color: RED }, { label: "@uncovered_pct@\u201350 %", color: "#fdae61" }, { label: "50\u2013@covered_pct@ %", color: "#a6d96a" },
  { label: "\u2265 @covered_pct@ %", color: GREEN }, { label: "No data", color: GREY }];
var FIXED_CLASSES = [
  { label: "No fibre within reach", color: RED }, { label: "Fibre within reach", color: BLUE }, { label: "No fibre layer", color: GREY }];
var SPEED_CLASSES = [
  { label: "Below a speed floor", color: RED }, { label: "Meets the floors", color: GREEN },
  { label: "Too few tests", color: "#c2a5cf" }, { label: "No tests", color: GREY }];
// A village's worst verdict over 4G, 5G and fixed: below, else meets, else too few tests.
function speedClass(v) {
  var q = v.p.quality, seen = { below: 0, meets: 0, no_data: 0 };
  if (!q || typeof q !== "object") return 3;
  Object.keys(q).forEach(function (k) { var st = q[k] && q[k].status; if (st in seen) seen[st]++; });
  return seen.below ? 0 : seen.meets ? 1 : seen.no_data ? 2 : 3;
}
function speedText(v) {
  var q = v.p.quality; if (!q || typeof q !== "object") return "no speed tests";
  return Object.keys(q).map(function (k) { var x = q[k] || {}; return k + " " + (Math.round(num(x.mean_mbps) * 10) / 10) + " Mb/s (" + int(x.tests) + " tests, " + str(x.status).replace("_", " ") + ")"; }).join(" \u00b7 ");
}
var HAS_SPEED = false;
function rampClass(f) { f = num(f); return f == null ? 4 : f < @uncovered_max@ ? 0 : f < 0.5 ? 1 : f < @covered_min@ ? 2 : 3; }
var OPERATORS = Array.isArray(P.operators) ? P.operators.map(str).filter(Boolean) : [];
if (!OPERATORS.length) { var seenOp = {}; V.forEach(function (v) { var o = v.p.operators; if (o && typeof o === "object") Object.keys(o).forEach(function (k) { if (!seenOp[k]) { seenOp[k] = 1; OPERATORS.push(k); } }); }); }
var TECHS = ["mobile", "broadband", "2G", "3G", "4G", "5G"];
var TECH_LABEL = { mobile: "Mobile (any)", broadband: "Broadband (3G+)", "2G": "2G", "3G": "3G", "4G": "4G", "5G": "5G" };
function cov(v, k) { var c = v.p.coverage; return c && typeof c === "object" ? num(c[k]) : null; }
function opFrac(v, k) { var c = v.p.operators; return c && typeof c === "object" ? num(c[k]) : null; }
var view = { id: "mobile", operator: OPERATORS[0] || "" };
function viewSpec() {
  if (view.id === "mobile") return { title: "Mobile signal, by village", classes: STATUS_CLASSES, of: function (v) { var s = v.p.mobile_status; return s === "uncovered" ? 0 : s === "partial" ? 1 : s === "covered" ? 2 : 3; } };
  if (view.id === "fixed") return { title: "Fixed broadband, by village", classes: FIXED_CLASSES, of: function (v) { var s = v.p.fixed_status; return s === "unavailable" ? 0 : s === "available" ? 1 : 2; } };
  if (view.id === "speed") return { title: "Measured download against the floors, by village", classes: SPEED_CLASSES, of: speedClass };
  if (view.id === "operator") { var op = view.operator; return { title: (op || "Operator") + ": share of village covered", classes: RAMP_CLASSES, of: function (v) { return rampClass(opFrac(v, op)); } }; }
  var t = view.id; return { title: (TECH_LABEL[t] || t) + ": share of village covered", classes: RAMP_CLASSES, of: function (v) { return rampClass(cov(v, t)); } };
}
var CLS = new Uint8Array(V.length), SPEC = null, COUNTS = [];
function classify() {
  SPEC = viewSpec(); COUNTS = SPEC.classes.map(function () { return 0; });
  for (var i = 0; i < V.length; i++) { var c = SPEC.of(V[i]); CLS[i] = c; COUNTS[c]++; }
}

// ---------- canvas and the view transform ----------
var mapEl = $("map"), base = $("base"), over = $("overlay");
var ctx = base.getContext("2d"), octx = over.getContext("2d");
var W = 0, H = 0, DPR = 1, T = { s: 1, tx: 0, ty: 0 }, FIT_S = 0, MAX_S = 250000;
function resize() {
  var r = mapEl.getBoundingClientRect(), nw = Math.max(1, Math.round(r.width)), nh = Math.max(1, Math.round(r.height));
  var nd = Math.min(window.devicePixelRatio || 1, 2);
  if (nw === W && nh === H && nd === DPR) return false;
  if (W && H) { var cx = (W / 2 - T.tx) / T.s, cy = (H / 2 - T.ty) / T.s; T.tx = nw / 2 - cx * T.s; T.ty = nh / 2 - cy * T.s; }
  W = nw; H = nh; DPR = nd;
  document.body.dataset.mapRect = [Math.round(r.left), Math.round(r.top), W, H].join(",");
  [base, over].forEach(function (c) { c.width = Math.round(W * DPR); c.height = Math.round(H * DPR); c.style.width = W + "px"; c.style.height = H + "px"; });
  return true;
}
function clampS(s) { var lo = FIT_S ? FIT_S / 4 : 1e-9; return Math.max(lo, Math.min(MAX_S, s)); }
function fitBox(bb, pad, maxS) {
  var bw = Math.max(bb[2] - bb[0], 1e-9), bh = Math.max(bb[3] - bb[1], 1e-9);
  var s = Math.min(Math.max(W - 2 * pad, 40) / bw, Math.max(H - 2 * pad, 40) / bh);
  if (maxS) s = Math.min(s, maxS);
  s = clampS(s);
  T.s = s; T.tx = W / 2 - (bb[0] + bb[2]) / 2 * s; T.ty = H / 2 - (bb[1] + bb[3]) / 2 * s;
}
function fitAll() {
  if (EXTENT) fitBox(EXTENT, 28);
  else { var c = [108.9 * K - X0, -14.1 - Y0]; fitBox([c[0] - 0.6, c[1] - 0.7, c[0] + 0.6, c[1] + 0.7], 28); }
  if (!FIT_S) { FIT_S = T.s; }
}
function zoomAt(sx, sy, f) {
  var ns = clampS(T.s * f); f = ns / T.s;
  T.tx = sx - (sx - T.tx) * f; T.ty = sy - (sy - T.ty) * f; T.s = ns;
  requestRender();
}
var pending = false;
function requestRender() { if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; guarded(render); }); } }
function guarded(fn) { try { fn(); } catch (e) { report((e && e.message || e) + (e && e.stack ? " " + e.stack.split("\n")[1] : "")); } }

// ---------- drawing ----------
var hatch = null;
function hatchPattern() {
  if (hatch) return hatch;
  var c = document.createElement("canvas"), n = Math.round(8 * DPR); c.width = n; c.height = n;
  var g = c.getContext("2d"); g.strokeStyle = GAPRED; g.lineWidth = 1.4 * DPR; g.globalAlpha = 0.9;
  g.beginPath(); g.moveTo(0, n); g.lineTo(n, 0); g.moveTo(-n / 2, n / 2); g.lineTo(n / 2, -n / 2); g.moveTo(n / 2, n * 1.5); g.lineTo(n * 1.5, n / 2); g.stroke();
  hatch = ctx.createPattern(c, "repeat");
  return hatch;
}
function worldTransform(c) { c.setTransform(DPR * T.s, 0, 0, DPR * T.s, DPR * T.tx, DPR * T.ty); }
function screenTransform(c) { c.setTransform(DPR, 0, 0, DPR, 0, 0); }
function visibleBox(m) { var s = T.s; return [(-T.tx - m) / s, (-T.ty - m) / s, (W - T.tx + m) / s, (H - T.ty + m) / s]; }
function inBox(b, v) { return !(b[2] < v[0] || b[0] > v[2] || b[3] < v[1] || b[1] > v[3]); }
function bucket() { return Math.floor(Math.log2(T.s)); }
var VISIBLE = [], selected = -1, hover = -1;
var VBATCH = new Batch(V, true), GBATCH = new Batch(GAPS, true), FBATCH = new Batch(FIB, false), EBATCH = new Batch(EXT, false);
// Sites where they are dense: small squares, batched like the villages.
var SBATCH = new Batch(SITES, false, function (q, p, level) { var d = 2.2 / Math.pow(2, level + 1); p.rect(q.x - d / 2, q.y - d / 2, d, d); });
var CLS_SEEN = null, CLS_KEY = {};

// The geographic layers (villages, gap areas, fibre, sites) are drawn into an offscreen canvas
// kept between frames: a pan at the same scale shifts it and draws only the uncovered strips.
var GEO = { canvas: document.createElement("canvas"), ctx: null, valid: false, s: 0, tx: 0, ty: 0, key: null };
GEO.ctx = GEO.canvas.getContext("2d");
function render() {
  var t0 = performance.now(), ph = { start: t0 };
  resize();
  var c = ctx, s = T.s, tx = T.tx, ty = T.ty, vb = visibleBox(4), b = bucket(), i, j;
  VISIBLE = [];
  for (i = 0; i < V.length; i++) {
    var bb = V[i].bb;
    if (bb[2] < vb[0] || bb[0] > vb[2] || bb[3] < vb[1] || bb[1] > vb[3]) continue;
    VISIBLE.push(i);
  }
  if (!CLS_SEEN || CLS_SEEN.length !== CLS.length) CLS_SEEN = new Uint8Array(CLS.length);
  for (i = 0; i < CLS.length; i++) if (CLS[i] !== CLS_SEEN[i]) { CLS_SEEN = CLS.slice(); CLS_KEY = {}; break; }
  var g = GEO.canvas, gc = GEO.ctx, pw = Math.round(W * DPR), phh = Math.round(H * DPR);
  if (g.width !== pw || g.height !== phh) { g.width = pw; g.height = phh; GEO.valid = false; }
  var key = [W, H, DPR, s, SPEC.title, hatch ? 1 : 0].join("|");
  var dx = (tx - GEO.tx) * DPR, dy = (ty - GEO.ty) * DPR;
  if (GEO.valid && GEO.key === key && GEO.cls === CLS_KEY && Math.abs(dx - Math.round(dx)) < 1e-6 && Math.abs(dy - Math.round(dy)) < 1e-6
      && Math.abs(dx) < pw / 2 && Math.abs(dy) < phh / 2) {
    dx = Math.round(dx); dy = Math.round(dy);
    if (dx || dy) {
      gc.setTransform(1, 0, 0, 1, 0, 0); gc.globalCompositeOperation = "copy"; gc.drawImage(g, dx, dy); gc.globalCompositeOperation = "source-over";
      var ex = dx / DPR, ey = dy / DPR;
      if (ex > 0) drawGeo(gc, 0, 0, ex, H); else if (ex < 0) drawGeo(gc, W + ex, 0, -ex, H);
      if (ey > 0) drawGeo(gc, 0, 0, W, ey); else if (ey < 0) drawGeo(gc, 0, H + ey, W, -ey);
    }
  } else drawGeo(gc, 0, 0, W, H);
  GEO.valid = true; GEO.key = key; GEO.cls = CLS_KEY; GEO.s = s; GEO.tx = tx; GEO.ty = ty;
  c.setTransform(1, 0, 0, 1, 0, 0); c.globalCompositeOperation = "copy"; c.drawImage(g, 0, 0); c.globalCompositeOperation = "source-over";
  c.setTransform(DPR, 0, 0, DPR, 0, 0);
  c.lineJoin = "round"; c.lineCap = "round";
  ph.geo = performance.now();

  // villages of the first (red) class that are too small to see get a ring around them
  var small = [];
  for (j = 0; j < VISIBLE.length; j++) { var vi = VISIBLE[j]; if (CLS[vi] !== 0) continue; var vv = V[vi]; if (Math.max(vv.bb[2] - vv.bb[0], vv.bb[3] - vv.bb[1]) * s < 9) small.push(vv); if (small.length > 300) break; }
  if (small.length && small.length <= 300) {
    c.beginPath(); small.forEach(function (v) { var x = v.cx * s + tx, y = v.cy * s + ty; c.moveTo(x + 7, y); c.arc(x, y, 7, 0, 2 * Math.PI); });
    c.strokeStyle = "#fff"; c.lineWidth = 4; c.stroke(); c.strokeStyle = SPEC.classes[0].color; c.lineWidth = 2; c.stroke();
  }
  // priority places
  var pr = 7;
  PLACES.forEach(function (q) {
    var x = q.x * s + tx, y = q.y * s + ty; if (x < -10 || y < -10 || x > W + 10 || y > H + 10) return;
    if (q.p.category === "commune_centre") {
      // A commune centre: a diamond, filled when it has mobile signal and fibre in reach.
      var ok = q.p.mobile_covered === true && q.p.fixed_available !== false;
      c.beginPath(); c.moveTo(x, y - 6); c.lineTo(x + 6, y); c.lineTo(x, y + 6); c.lineTo(x - 6, y); c.closePath();
      c.fillStyle = ok ? CENTRE : "#fff"; c.fill(); c.strokeStyle = ok ? "#fff" : RED; c.lineWidth = ok ? 1.2 : 2; c.stroke();
      return;
    }
    star(c, x, y, pr); if (q.p.has_5g === true) { c.fillStyle = PLACE; c.fill(); c.strokeStyle = "#fff"; c.lineWidth = 1.2; c.stroke(); }
    else { c.fillStyle = "#fff"; c.fill(); c.strokeStyle = PLACE; c.lineWidth = 1.8; c.stroke(); }
  });
  // the selected village
  if (selected >= 0) {
    worldTransform(c);
    var sp = pathAt(V[selected], b, true);
    c.strokeStyle = "#fff"; c.lineWidth = 5 / s; c.stroke(sp); c.strokeStyle = "#111827"; c.lineWidth = 2.2 / s; c.stroke(sp);
    screenTransform(c);
  }
  drawLabels(c);
  ph.labels = performance.now();
  drawScale();
  drawOverlay();
  covgap.lastRenderMs = Math.round((performance.now() - t0) * 100) / 100;
  var prev = t0, keys = Object.keys(ph); covgap.lastPhases = {};
  for (var q = 1; q < keys.length; q++) { covgap.lastPhases[keys[q]] = Math.round((ph[keys[q]] - prev) * 10) / 10; prev = ph[keys[q]]; }
  covgap.renders++;
}
// The geographic layers inside the screen rectangle (x, y, w, h), on `c`.
function drawGeo(c, rx, ry, rw, rh) {
  var s = T.s, tx = T.tx, ty = T.ty, b = bucket(), i, j, k;
  var vb = [(rx - tx - 4) / s, (ry - ty - 4) / s, (rx + rw - tx + 4) / s, (ry + rh - ty + 4) / s];
  c.save();
  c.setTransform(DPR, 0, 0, DPR, 0, 0);
  c.beginPath(); c.rect(rx, ry, rw, rh); c.clip();
  c.fillStyle = "#e8ecf0"; c.fillRect(rx, ry, rw, rh);
  c.lineJoin = "round"; c.lineCap = "round";

  // villages, batched by cell and colour class; the first class (the gaps' red) is drawn last, on top
  var NK = SPEC.classes.length, level = levelOf(b);
  var cells = VBATCH.visible(vb, level, CLS, NK, 2 / Math.pow(2, level + 1), CLS_KEY);
  var outlines = VSIZE * s > 14;
  worldTransform(c);
  for (k = NK - 1; k >= 0; k--) {
    c.fillStyle = SPEC.classes[k].color;
    for (j = 0; j < cells.length; j++) if (cells[j][k]) c.fill(cells[j][k], "evenodd");
  }
  if (outlines) {
    c.strokeStyle = "rgba(255,255,255,0.9)"; c.lineWidth = 0.8 / s;
    for (j = 0; j < cells.length; j++) for (k = 0; k < NK; k++) if (cells[j][k]) c.stroke(cells[j][k]);
  }
  screenTransform(c);

  // mobile gap areas: hatched, dark red outline
  var gv = GBATCH.visible(vb, level, null, 1, 2 / Math.pow(2, level + 1));
  if (gv.length) {
    worldTransform(c);
    var pat = hatchPattern();
    if (pat && pat.setTransform && c.getTransform) pat.setTransform(c.getTransform().inverse());
    // zoomed out, where the hatching would be finer than the areas, a plain translucent fill
    c.fillStyle = outlines ? pat || "rgba(142,11,14,0.35)" : "rgba(142,11,14,0.45)"; c.strokeStyle = GAPRED; c.lineWidth = 1.2 / s;
    gv.forEach(function (g) { if (g[0]) { c.fill(g[0], "evenodd"); if (outlines) c.stroke(g[0]); } });
    screenTransform(c);
  }
  // fibre routes and access nodes; proposed extensions dashed
  var fv = FBATCH.visible(vb, level, null, 1, 0);
  if (fv.length) {
    worldTransform(c);
    // zoomed out, thin lines without the white casing and with plain joins: far cheaper to draw
    if (outlines) { c.strokeStyle = "rgba(255,255,255,0.8)"; c.lineWidth = 3.6 / s; fv.forEach(function (f) { if (f[0]) c.stroke(f[0]); }); }
    else { c.lineJoin = "miter"; c.lineCap = "butt"; }
    c.strokeStyle = FIBRE; c.lineWidth = (outlines ? 1.8 : 1.2) / s; fv.forEach(function (f) { if (f[0]) c.stroke(f[0]); });
    c.lineJoin = "round"; c.lineCap = "round";
    screenTransform(c);
  }
  var fp = Math.min(5, Math.max(2.5, s / 4000));
  c.fillStyle = FIBRE;
  FIBPTS.forEach(function (q) { var x = q.x * s + tx, y = q.y * s + ty; if (x > rx - 5 && y > ry - 5 && x < rx + rw + 5 && y < ry + rh + 5) c.fillRect(x - fp / 2, y - fp / 2, fp, fp); });
  // proposed extensions once villages are a few pixels across (before, they would be specks)
  var ev = VSIZE * s > 4 || !V.length ? EBATCH.visible(vb, level, null, 1, 0) : [];
  if (ev.length) {
    worldTransform(c);
    if (outlines) c.setLineDash([6 / s, 4 / s]); else c.globalAlpha = 0.6;
    c.lineCap = "butt"; c.strokeStyle = FIBRE; c.lineWidth = (outlines ? 2 : 1) / s;
    ev.forEach(function (f) { if (f[0]) c.stroke(f[0]); });
    c.globalAlpha = 1;
    c.setLineDash([]); c.lineCap = "round";
    screenTransform(c);
  }
  // sites: dots, smaller and lighter where they are dense (as many as one per 600 px² of the
  // view) so the villages' colours stay readable
  var onScreen = [], n = 0;
  for (i = 0; i < SITES.length; i++) {
    var q = SITES[i], x = q.x * s + tx, y = q.y * s + ty;
    if (x > -4 && y > -4 && x < W + 4 && y < H + 4) { n++; if (x > rx - 4 && y > ry - 4 && x < rx + rw + 4 && y < ry + rh + 4) onScreen.push(x, y); }
  }
  var dense = n > W * H / 600, sr = dense ? 1.1 : Math.min(3.5, Math.max(1.6, s / 900));
  if (dense) {
    worldTransform(c); c.fillStyle = "rgba(45,52,64,0.45)";
    SBATCH.visible(vb, level, null, 1, 0).forEach(function (g) { if (g[0]) c.fill(g[0]); });
    screenTransform(c); onScreen = [];
  }
  for (i = 0; i < onScreen.length; i += 512) {
    c.beginPath();
    for (j = i; j < Math.min(i + 512, onScreen.length); j += 2) { c.moveTo(onScreen[j] + sr, onScreen[j + 1]); c.arc(onScreen[j], onScreen[j + 1], sr, 0, 2 * Math.PI); }
    c.fillStyle = SITE; c.fill();
    if (sr > 2) { c.strokeStyle = "#fff"; c.lineWidth = 0.8; c.stroke(); }
  }
  c.restore();
}
function star(c, x, y, r) {
  c.beginPath();
  for (var i = 0; i < 10; i++) { var a = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r; var px = x + rr * Math.cos(a), py = y + rr * Math.sin(a); if (i) c.lineTo(px, py); else c.moveTo(px, py); }
  c.closePath();
}

// labels: districts when zoomed out, communes when zoomed in, then places and villages; no overlaps
function drawLabels(c) {
  var s = T.s, tx = T.tx, ty = T.ty, boxes = [];
  function free(b) { for (var i = 0; i < boxes.length; i++) { var o = boxes[i]; if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return false; } return true; }
  function put(text, x, y, size, weight, color, align, haloW) {
    c.font = weight + " " + size + "px " + FONT; var w = c.measureText(text).width, h = size;
    var x0 = align === "left" ? x : x - w / 2, b = [x0 - 3, y - h / 2 - 2, x0 + w + 3, y + h / 2 + 2];
    if (b[2] < 0 || b[0] > W || b[3] < 0 || b[1] > H || !free(b)) return false;
    boxes.push(b);
    c.textAlign = align || "center"; c.textBaseline = "middle";
    c.lineWidth = haloW || 3; c.strokeStyle = "rgba(255,255,255,0.92)"; c.strokeText(text, x, y);
    c.fillStyle = color; c.fillText(text, x, y);
    return true;
  }
  var communes = COMMUNE_SPACING * s > 80 || !DISTRICTS.length;
  c.lineJoin = "round";
  if (!communes) {
    try { c.letterSpacing = "0.8px"; } catch (e) {}
    DISTRICTS.forEach(function (l) { put(l.name.toLocaleUpperCase("vi"), l.x * s + tx, l.y * s + ty, 12.5, "600", "#2a3140", "center", 3.5); });
    try { c.letterSpacing = "0px"; } catch (e) {}
  } else {
    COMMUNES.forEach(function (l) { put(l.name, l.x * s + tx, l.y * s + ty, 12, "600", "#2a3140", "center", 3.5); });
  }
  if (communes) PLACES.forEach(function (q) { var n = str(q.p.name); if (n) put(n, q.x * s + tx + 10, q.y * s + ty, 11, "italic", "#4a2a70", "left", 3); });
  if (VISIBLE.length < 400) {
    for (var j = 0; j < VISIBLE.length; j++) {
      var v = V[VISIBLE[j]], w = (v.bb[2] - v.bb[0]) * s, n = str(v.p.name);
      if (!n || w < 46 || (v.bb[3] - v.bb[1]) * s < 16) continue;
      put(n, v.cx * s + tx, v.cy * s + ty, 11, "normal", "#1f2633", "center", 3);
    }
  }
}
function drawScale() {
  var mpp = 111320 / T.s, target = 110 * mpp, p = Math.pow(10, Math.floor(Math.log10(target))), len = p;
  [1, 2, 5, 10].forEach(function (m) { if (m * p <= target) len = m * p; });
  var px = len / mpp, box = $("scale");
  box.innerHTML = ""; box.appendChild(el("div", null, len >= 1000 ? (len / 1000) + " km" : len + " m"));
  var bar = el("div", "bar"); bar.style.width = Math.round(px) + "px"; box.appendChild(bar);
}
function drawOverlay() {
  octx.setTransform(DPR, 0, 0, DPR, 0, 0); octx.clearRect(0, 0, W, H);
  if (hover >= 0 && hover !== selected && V[hover]) {
    worldTransform(octx);
    octx.lineJoin = "round"; octx.strokeStyle = "#111827"; octx.lineWidth = 1.6 / T.s; octx.stroke(pathAt(V[hover], bucket(), true));
  }
}

// ---------- hit testing ----------
function pip(parts, x, y) {
  var inside = false;
  for (var p = 0; p < parts.length; p++) {
    var a = parts[p], n = a.length;
    for (var i = 0, j = n - 2; i < n; j = i, i += 2) {
      var yi = a[i + 1], yj = a[j + 1];
      if ((yi > y) !== (yj > y) && x < (a[j] - a[i]) * (y - yi) / (yj - yi) + a[i]) inside = !inside;
    }
  }
  return inside;
}
function villageAt(sx, sy) {
  var s = T.s, x = (sx - T.tx) / s, y = (sy - T.ty) / s, tol = 3 / s;
  for (var i = V.length - 1; i >= 0; i--) {
    var bb = V[i].bb;
    if (x < bb[0] - tol || x > bb[2] + tol || y < bb[1] - tol || y > bb[3] + tol) continue;
    if (pip(V[i].parts, x, y)) return i;
    if ((bb[2] - bb[0]) * s < 5 && (bb[3] - bb[1]) * s < 5) return i;
  }
  return -1;
}

// ---------- header, legend, details ----------
function header() {
  var t = str(P.title) || "Coverage map";
  baseTitle = t;
  $("title").textContent = t;
  var n = num(S.villages), mob = S.mobile || {}, fix = S.fixed || {}, pl = S.places || {};
  var sub = [];
  if (n != null) sub.push(int(n) + " villages");
  var tech = ["2G", "3G", "4G", "5G"].filter(function (k) { return S[k] && num(S[k].covered_pct) != null; }).map(function (k) { return k + " " + pctv(S[k].covered_pct); });
  if (tech.length) sub.push("covered by " + tech.join(" \u00b7 "));
  $("subtitle").textContent = sub.join(" \u2014 ");
  var box = $("summary"); box.innerHTML = "";
  function kpi(label, value, target, detail, unit, cmp, met, baseline) {
    var d = el("div", "kpi"), v = num(value), tv = num(target);
    var fmt = function (x) { return unit === "%" || unit == null ? pctv(x) : unit ? (Math.round(x * 10) / 10) + " " + unit : String(x); };
    if (met === true || met === false) d.className += met ? " ok" : " bad";
    d.appendChild(el("div", "k", label));
    var line = el("div"); line.appendChild(el("span", "v", v == null ? "no data" : fmt(v)));
    if (tv != null) {
      line.appendChild(el("span", "t", "(target " + (cmp && cmp !== ">=" ? cmp + " " : "") + fmt(tv) + (baseline != null ? "; " + fmt(baseline) + " before" : "") + ")"));
      if (met === true || met === false) line.appendChild(el("span", "mark", met ? "\u2713" : "\u2717"));
    }
    d.appendChild(line);
    if (detail) d.title = detail;
    box.appendChild(d);
  }
  var targets = Array.isArray(S.targets) ? S.targets : [];
  if (!targets.length) {
    if (S.mobile) kpi("Mobile signal", mob.covered_pct, null, int(mob.uncovered) + " uncovered, " + int(mob.partial) + " partial");
    if (S.fixed) kpi("Fixed broadband", fix.available_pct, null, int(fix.unavailable) + " without fibre within reach");
    if (S.places) kpi("5G at priority places", pl["5g_pct"], null, int(pl.with_5g) + " of " + int(pl.total) + " places");
  }
  targets.forEach(function (t) {
    if (!t || typeof t !== "object") return;
    var b = t.baseline && typeof t.baseline === "object" ? num(t.baseline.value) : null;
    var detail = str(t.label_vi) || "";
    if (t.figure === "mobile.covered_pct") detail += (detail ? " \u2014 " : "") + int(mob.uncovered) + " uncovered, " + int(mob.partial) + " partial";
    if (t.figure === "fixed.available_pct") detail += (detail ? " \u2014 " : "") + int(fix.unavailable) + " without fibre within reach";
    kpi(str(t.label) || str(t.id), t.value, t.target, detail, str(t.unit), str(t.comparison), t.met, b);
  });
}
function swatch(kind, color) {
  var NS = "http://www.w3.org/2000/svg", s = document.createElementNS(NS, "svg");
  s.setAttribute("width", "22"); s.setAttribute("height", "14"); s.setAttribute("viewBox", "0 0 22 14");
  var m = {
    fill: '<rect x="1" y="1" width="20" height="12" rx="2" fill="' + color + '"/>',
    gap: '<defs><pattern id="lgh" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="1.6" height="5" fill="' + GAPRED + '"/></pattern></defs><rect x="1" y="1" width="20" height="12" rx="2" fill="url(#lgh)" stroke="' + GAPRED + '" stroke-width="1.2"/>',
    line: '<path d="M1 7H21" stroke="' + FIBRE + '" stroke-width="2.2" stroke-linecap="round"/>',
    dash: '<path d="M1 7H21" stroke="' + FIBRE + '" stroke-width="2.2" stroke-dasharray="5 3"/>',
    node: '<rect x="8" y="4" width="6" height="6" fill="' + FIBRE + '"/>',
    site: '<circle cx="11" cy="7" r="3" fill="' + SITE + '" stroke="#fff" stroke-width="0.8"/>',
    ring: '<circle cx="11" cy="7" r="5" fill="none" stroke="' + color + '" stroke-width="2"/>',
    star5: '<path d="' + starPath(11, 7.5, 6.5) + '" fill="' + PLACE + '" stroke="#fff" stroke-width="1"/>',
    star0: '<path d="' + starPath(11, 7.5, 6) + '" fill="#fff" stroke="' + PLACE + '" stroke-width="1.6"/>',
    centre1: '<path d="M11 1L17 7L11 13L5 7Z" fill="' + CENTRE + '" stroke="#fff" stroke-width="1"/>',
    centre0: '<path d="M11 1.5L16.5 7L11 12.5L5.5 7Z" fill="#fff" stroke="' + RED + '" stroke-width="1.6"/>'
  };
  s.innerHTML = m[kind] || "";
  return s;
}
function starPath(x, y, r) { var d = ""; for (var i = 0; i < 10; i++) { var a = -Math.PI / 2 + i * Math.PI / 5, rr = i % 2 ? r * 0.45 : r; d += (i ? "L" : "M") + (x + rr * Math.cos(a)).toFixed(2) + " " + (y + rr * Math.sin(a)).toFixed(2); } return d + "Z"; }
function legend() {
  var box = $("legend"); box.innerHTML = "";
  box.appendChild(el("h2", null, "Legend"));
  box.appendChild(el("div", "cap", SPEC.title));
  function row(kind, color, label, n) { var r = el("div", "li"); r.appendChild(swatch(kind, color)); r.appendChild(el("span", null, label)); if (n != null) r.appendChild(el("span", "n", int(n))); box.appendChild(r); }
  SPEC.classes.forEach(function (k, i) { if (COUNTS[i] || i < SPEC.classes.length - 1) row("fill", k.color, k.label, COUNTS[i]); });
  box.appendChild(el("div", "sep"));
  row("gap", null, "Mobile gap area", GAPS.length || null);
  row("ring", SPEC.classes[0].color, "Ring: small " + (view.id === "mobile" ? "uncovered" : view.id === "fixed" ? "unconnected" : "< @uncovered_pct@ %") + " village");
  if (FIB.length || FIBPTS.length) row("line", null, "Fibre route" + (FIBPTS.length ? "" : ""));
  if (FIBPTS.length) row("node", null, "Fibre access node");
  if (EXT.length) row("dash", null, "Proposed fibre extension", EXT.length);
  if (!FIB.length && !FIBPTS.length && !EXT.length) row("line", null, "Fibre route (no fibre layer)");
  row("site", null, "Mobile site", SITES.length || null);
  var fiveG = PLACES.filter(function (q) { return q.p.category !== "commune_centre"; });
  row("star5", null, "Priority place with 5G", fiveG.filter(function (q) { return q.p.has_5g === true; }).length || null);
  row("star0", null, "Priority place without 5G", fiveG.filter(function (q) { return q.p.has_5g !== true; }).length || null);
  var centres = PLACES.filter(function (q) { return q.p.category === "commune_centre"; });
  if (centres.length) {
    var served = centres.filter(function (q) { return q.p.mobile_covered === true && q.p.fixed_available !== false; }).length;
    row("centre1", null, "Commune centre with signal and fibre", served || null);
    row("centre0", null, "Commune centre short of signal or fibre", centres.length - served || null);
  }
}
function statusBadge(st, text) { return el("span", "badge " + (st || ""), text); }
function mobileBadgeText(v) { var st = v.p.mobile_status; return st === "uncovered" ? "No mobile signal" : st === "partial" ? "Partial " + pct(cov(v, "mobile")) : st === "covered" ? "Covered" : "Mobile: no data"; }
function details() {
  var box = $("details");
  if (selected < 0) { if (!box.hidden) { box.hidden = true; box.innerHTML = ""; } return; }
  var v = V[selected], p = v.p;
  box.innerHTML = ""; box.hidden = false;
  var close = el("button", null, "\u00d7"); close.id = "close"; close.type = "button"; close.title = "Close"; close.onclick = function () { select(-1); };
  box.appendChild(close);
  box.appendChild(el("h2", null, str(p.name) || str(p.id)));
  box.appendChild(el("div", "meta", [p.commune, p.district].filter(Boolean).map(str).join(" \u00b7 ") + (p.id != null ? "  \u00b7  id " + str(p.id) : "")));
  var b = el("div"); b.appendChild(statusBadge(p.mobile_status, mobileBadgeText(v)));
  if (p.fixed_status) b.appendChild(statusBadge(p.fixed_status, p.fixed_status === "available" ? "Fibre within reach" : "No fibre within reach"));
  box.appendChild(b);
  function table(rows) { var t = el("table"); rows.forEach(function (r) { var tr = el("tr"); tr.appendChild(el("td", null, r[0])); var v2 = el("td", "v", r[1]); tr.appendChild(v2); if (r.length > 2) { var tb = el("td", "b"), m = el("div", "meter"), i = el("i"); var f = num(r[2]); i.style.width = (f == null ? 0 : Math.max(0, Math.min(1, f)) * 100) + "%"; i.style.background = RAMP_CLASSES[rampClass(f)].color; m.appendChild(i); tb.appendChild(m); tr.appendChild(tb); } t.appendChild(tr); }); return t; }
  box.appendChild(el("h3", null, "Village"));
  box.appendChild(table([["Households", int(p.households)], ["Area", area(p.area_m2)]]));
  box.appendChild(el("h3", null, "Area covered, by class"));
  box.appendChild(table(TECHS.map(function (k) { return [TECH_LABEL[k], pct(cov(v, k)), cov(v, k)]; })));
  var ops = p.operators && typeof p.operators === "object" ? Object.keys(p.operators) : [];
  var opOrder = OPERATORS.filter(function (o) { return ops.indexOf(o) >= 0; }).concat(ops.filter(function (o) { return OPERATORS.indexOf(o) < 0; }));
  if (opOrder.length) { box.appendChild(el("h3", null, "Area covered, by operator")); box.appendChild(table(opOrder.map(function (o) { return [o, pct(opFrac(v, o)), opFrac(v, o)]; }))); }
  box.appendChild(el("h3", null, "Fixed broadband"));
  box.appendChild(table([["Status", p.fixed_status === "available" ? "Available" : p.fixed_status === "unavailable" ? "Unavailable" : "No fibre layer"], ["Distance to fibre", meters(p.fibre_distance_m)]]));
  if (p.best_link) { box.appendChild(el("h3", null, "Why no full signal: the best link to the centre")); box.appendChild(table(bestLinkRows(p.best_link))); }
}
// report.json's best_link (runs with a propagation model): the sector, its losses and what blocks it.
function bestLinkRows(b) {
  function db(x) { return x == null ? "\u2014" : (+x).toFixed(1) + " dB"; }
  var o = b.obstruction;
  return [["Sector", str(b.site_id) + " \u00b7 " + str(b.operator) + " " + str(b.tech)], ["Distance", meters(b.distance_m)],
    ["Path loss", db(b.path_loss_db)], ["of which terrain", db(b.diffraction_db)], ["Allowed (MAPL)", db(b.mapl_db)],
    ["Obstruction", o ? (+o.elevation_m).toFixed(0) + " m at " + (+o.lat).toFixed(5) + ", " + (+o.lon).toFixed(5) : "none: line of sight"]];
}

// ---------- selection, zoom to a village ----------
function indexOfId(id) { for (var i = 0; i < V.length; i++) if (str(V[i].p.id) === str(id)) return i; return -1; }
function select(i) {
  var changed = i !== selected; selected = i;
  if (changed) {
    var box = $("details"), wasHidden = box.hidden;
    details();
    if (box.hidden !== wasHidden || !box.hidden) { if (resize()) requestRender(); }
    document.body.dataset.selected = i >= 0 ? str(V[i].p.id) : "";
    Array.prototype.forEach.call($("list").children, function (li) { li.classList.toggle("sel", +li.dataset.i === i); });
  }
  requestRender();
}
function zoomToIndex(i) {
  if (i < 0 || !V[i]) return false;
  select(i); resize();
  var bb = V[i].bb, cx = (bb[0] + bb[2]) / 2, cy = (bb[1] + bb[3]) / 2;
  var w = Math.max(bb[2] - bb[0], 0.004), h = Math.max(bb[3] - bb[1], 0.004);
  fitBox([cx - w * 2.5, cy - h * 2.5, cx + w * 2.5, cy + h * 2.5], 20);
  document.body.dataset.focus = str(V[i].p.id);
  requestRender();
  return true;
}

// ---------- the gap list and search ----------
function gapRank(v) { var st = v.p.mobile_status; return st === "uncovered" ? 0 : st === "partial" ? 1 : v.p.fixed_status === "unavailable" ? 2 : 3; }
var collator = (window.Intl && Intl.Collator) ? new Intl.Collator("vi") : null;
function nameKey(v) { return v._nk || (v._nk = str(v.p.district) + "\u0001" + str(v.p.commune) + "\u0001" + str(v.p.name)); }
function cmpName(a, b) { var x = nameKey(a), y = nameKey(b); return collator ? collator.compare(x, y) : (x < y ? -1 : x > y ? 1 : 0); }
// The gap list, sorted when first needed: after the first frame, so the map is drawn first.
var GAP_LIST = null;
function gapList() {
  return GAP_LIST || (GAP_LIST = V.map(function (v, i) { return i; }).filter(function (i) { return gapRank(V[i]) < 3; }).sort(function (a, b) {
    var ra = gapRank(V[a]), rb = gapRank(V[b]); if (ra !== rb) return ra - rb;
    if (ra === 1) { var fa = cov(V[a], "mobile"), fb = cov(V[b], "mobile"); if (fa !== fb) return (fa == null ? 2 : fa) - (fb == null ? 2 : fb); }
    return cmpName(V[a], V[b]) || a - b;
  }));
}
var PREFIXES = ["to dan pho ", "khu pho ", "khu vuc ", "lang ", "thon ", "xom ", "ap ", "buon ", "plei ", "to ", "doi ", "khu "];
var normed = false;
function ensureNorm() {
  if (normed) return; normed = true;
  V.forEach(function (v) {
    var n = norm(v.p.name), core = n;
    for (var k = 0; k < PREFIXES.length; k++) if (n.indexOf(PREFIXES[k]) === 0) { core = n.slice(PREFIXES[k].length); break; }
    v.nn = n; v.core = core; v.hay = n + " | " + norm(v.p.commune) + " | " + norm(v.p.district) + " | " + norm(v.p.id);
  });
}
function searchIndices(text) {
  var q = norm(text); if (!q) return null;
  ensureNorm();
  var toks = q.split(" "), hits = [];
  for (var i = 0; i < V.length; i++) {
    var v = V[i], ok = true;
    for (var t = 0; t < toks.length; t++) if (v.hay.indexOf(toks[t]) < 0) { ok = false; break; }
    if (!ok) continue;
    var score = (v.core === q || v.nn === q) ? 0 : (" " + v.nn + " ").indexOf(" " + q + " ") >= 0 ? 1 : v.nn.indexOf(q) >= 0 ? 2 : toks.every(function (x) { return v.nn.indexOf(x) >= 0; }) ? 3 : 4;
    hits.push([score, gapRank(v), i]);
  }
  hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || cmpName(V[a[2]], V[b[2]]) || a[2] - b[2]; });
  return hits.map(function (h) { return h[2]; });
}
var LIST_MAX = 250, lastResults = null, lastAuto = null;
function renderList(indices, searching) {
  var ol = $("list"); ol.innerHTML = "";
  $("listTitle").textContent = searching ? "Search results" : "Gap villages";
  $("gapCount").textContent = int(indices.length);
  var frag = document.createDocumentFragment();
  for (var k = 0; k < Math.min(indices.length, LIST_MAX); k++) {
    var i = indices[k], v = V[i], p = v.p, li = el("li");
    li.dataset.i = String(i); li.dataset.id = str(p.id); li.tabIndex = 0;
    if (i === selected) li.className = "sel";
    li.appendChild(el("div", "n", str(p.name) || str(p.id)));
    var meta = [p.commune, p.district].filter(Boolean).map(str).join(" \u00b7 "); if (meta) li.appendChild(el("div", "m", meta));
    var bd = el("div");
    if (p.mobile_status === "uncovered" || p.mobile_status === "partial" || searching) bd.appendChild(statusBadge(p.mobile_status, mobileBadgeText(v)));
    if (p.fixed_status === "unavailable") bd.appendChild(statusBadge("unavailable", "No fibre \u00b7 " + meters(p.fibre_distance_m)));
    li.appendChild(bd);
    frag.appendChild(li);
  }
  ol.appendChild(frag);
  var note = "";
  if (!V.length) note = "No villages in this report.";
  else if (!indices.length) note = searching ? "No village matches." : "No gap villages: every village is covered and has fibre within reach.";
  else if (indices.length > LIST_MAX) note = "Showing " + LIST_MAX + " of " + int(indices.length) + "; refine the search.";
  else if (!searching) note = "Uncovered and partial first, then without fibre. Click to zoom.";
  $("listNote").textContent = note;
}
function runSearch(text, zoom) {
  var r = searchIndices(text);
  lastResults = r || gapList();
  renderList(lastResults, r != null);
  if (r && r.length && (zoom || (r.length === 1 && lastAuto !== r[0]))) { lastAuto = r[0]; zoomToIndex(r[0]); }
  return r || [];
}
$("list").addEventListener("click", function (e) { var li = e.target.closest && e.target.closest("li"); if (li) guarded(function () { zoomToIndex(+li.dataset.i); }); });
$("list").addEventListener("keydown", function (e) { if (e.key === "Enter") { var li = e.target.closest && e.target.closest("li"); if (li) guarded(function () { zoomToIndex(+li.dataset.i); }); } });
$("search").addEventListener("input", function (e) { guarded(function () { runSearch(e.target.value, false); }); });
$("search").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); guarded(function () { runSearch(e.target.value, true); }); } });

// ---------- the view switch ----------
function setView(id) {
  if (id && id.indexOf("operator:") === 0) { view.operator = id.slice(9); id = "operator"; }
  else if (OPERATORS.indexOf(id) >= 0) { view.operator = id; id = "operator"; }
  if (["mobile", "fixed", "operator", "speed"].concat(TECHS).indexOf(id) < 0) return view.id;
  view.id = id;
  Array.prototype.forEach.call(document.querySelectorAll(".seg button"), function (b) { b.setAttribute("aria-pressed", String(b.dataset.view === id)); });
  $("opRow").classList.toggle("on", id === "operator");
  $("operator").value = view.operator;
  classify(); legend(); requestRender();
  document.body.dataset.view = id === "operator" ? "operator:" + view.operator : id;
  return document.body.dataset.view;
}
Array.prototype.forEach.call(document.querySelectorAll(".seg button"), function (b) { b.addEventListener("click", function () { guarded(function () { setView(b.dataset.view); }); }); });
(function () { var s = $("operator"); OPERATORS.forEach(function (o) { var op = el("option", null, o); op.value = o; s.appendChild(op); }); s.addEventListener("change", function () { guarded(function () { setView("operator:" + s.value); }); }); })();

// ---------- pointer, wheel, keys ----------
var pointers = {}, npointers = 0, drag = null, hoverPending = null;
function pos(e) { var r = over.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; }
over.addEventListener("pointerdown", function (e) {
  try { over.setPointerCapture(e.pointerId); } catch (x) {}
  pointers[e.pointerId] = pos(e); npointers = Object.keys(pointers).length;
  if (npointers === 1) drag = { x0: pointers[e.pointerId].x, y0: pointers[e.pointerId].y, moved: false };
  else if (drag) drag.moved = true;
  over.classList.add("dragging"); tip(null);
});
over.addEventListener("pointermove", function (e) {
  var p = pos(e);
  if (!pointers[e.pointerId]) { hoverPending = p; requestAnimationFrame(doHover); return; }
  var prev = pointers[e.pointerId], ids = Object.keys(pointers);
  if (ids.length === 2) {
    var other = pointers[ids[0] == e.pointerId ? ids[1] : ids[0]];
    var d0 = Math.hypot(prev.x - other.x, prev.y - other.y), d1 = Math.hypot(p.x - other.x, p.y - other.y);
    if (d0 > 0) zoomAt((p.x + other.x) / 2, (p.y + other.y) / 2, d1 / d0);
    T.tx += (p.x - prev.x) / 2; T.ty += (p.y - prev.y) / 2;
  } else {
    T.tx += p.x - prev.x; T.ty += p.y - prev.y;
    if (drag && Math.hypot(p.x - drag.x0, p.y - drag.y0) > 3) drag.moved = true;
  }
  pointers[e.pointerId] = p; requestRender();
});
function endPointer(e) {
  if (!pointers[e.pointerId]) return;
  delete pointers[e.pointerId]; npointers = Object.keys(pointers).length;
  if (!npointers) {
    over.classList.remove("dragging");
    if (e.type === "pointerup" && drag && !drag.moved) { var p = pos(e); guarded(function () { select(villageAt(p.x, p.y)); }); }
    drag = null;
  }
}
over.addEventListener("pointerup", endPointer); over.addEventListener("pointercancel", endPointer);
over.addEventListener("pointerleave", function () { hover = -1; tip(null); drawOverlay(); });
over.addEventListener("wheel", function (e) {
  e.preventDefault(); var p = pos(e), dy = e.deltaY * (e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1);
  zoomAt(p.x, p.y, Math.exp(-Math.max(-300, Math.min(300, dy)) * 0.0018));
}, { passive: false });
over.addEventListener("dblclick", function (e) { var p = pos(e); zoomAt(p.x, p.y, 2); });
over.addEventListener("keydown", function (e) {
  var step = 60;
  if (e.key === "+" || e.key === "=") zoomAt(W / 2, H / 2, 1.5); else if (e.key === "-") zoomAt(W / 2, H / 2, 1 / 1.5);
  else if (e.key === "0") { fitAll(); requestRender(); }
  else if (e.key === "ArrowLeft") { T.tx += step; requestRender(); } else if (e.key === "ArrowRight") { T.tx -= step; requestRender(); }
  else if (e.key === "ArrowUp") { T.ty += step; requestRender(); } else if (e.key === "ArrowDown") { T.ty -= step; requestRender(); }
  else if (e.key === "Escape") select(-1);
  else return;
  e.preventDefault();
});
$("zin").onclick = function () { zoomAt(W / 2, H / 2, 2); };
$("zout").onclick = function () { zoomAt(W / 2, H / 2, 0.5); };
$("zfit").onclick = function () { fitAll(); requestRender(); };
function doHover() {
  var p = hoverPending; if (!p || npointers) return; hoverPending = null;
  guarded(function () {
    var i = villageAt(p.x, p.y);
    if (i !== hover) { hover = i; drawOverlay(); }
    tip(i >= 0 ? p : null);
  });
}
function tip(p) {
  var t = $("tip");
  if (!p || hover < 0) { t.hidden = true; return; }
  var v = V[hover];
  t.innerHTML = ""; t.appendChild(el("div", null, str(v.p.name) || str(v.p.id)));
  t.appendChild(el("div", "m", [v.p.commune, v.p.district].filter(Boolean).map(str).join(" \u00b7 ")));
  var line = view.id === "speed" ? speedText(v) : SPEC.title.indexOf("Mobile") === 0 ? mobileBadgeText(v) : view.id === "fixed" ? (v.p.fixed_status || "no fibre layer") + " \u00b7 " + meters(v.p.fibre_distance_m) : (view.id === "operator" ? view.operator : view.id) + ": " + pct(view.id === "operator" ? opFrac(v, view.operator) : cov(v, view.id));
  t.appendChild(el("div", null, line));
  t.hidden = false;
  var x = Math.min(p.x + 14, W - t.offsetWidth - 6), y = p.y + 16 + t.offsetHeight > H ? p.y - t.offsetHeight - 10 : p.y + 16;
  t.style.left = Math.max(4, x) + "px"; t.style.top = Math.max(4, y) + "px";
}
if (window.ResizeObserver) new ResizeObserver(function () { if (resize()) { hatch = null; guarded(render); } }).observe(mapEl);
else window.addEventListener("resize", function () { if (resize()) { hatch = null; requestRender(); } });

// ---------- test hooks ----------
covgap.search = function (text) { $("search").value = str(text); return runSearch(text, false).map(function (i) { return str(V[i].p.id); }); };
covgap.zoomTo = function (id) { return zoomToIndex(indexOfId(id)); };
covgap.view = function (name) { return name == null ? document.body.dataset.view : setView(str(name)); };
covgap.visibleVillageIds = function () {
  var vb = visibleBox(0), out = [];
  for (var i = 0; i < V.length; i++) if (inBox(V[i].bb, vb)) out.push(str(V[i].p.id));
  return out;
};
covgap.render = function () { render(); return covgap.lastRenderMs; };
covgap.zoom = function (f) { zoomAt(W / 2, H / 2, f); render(); return covgap.lastRenderMs; };
covgap.fit = function () { fitAll(); render(); };
covgap.counts = function () { return { villages: V.length, gaps: GAPS.length, fibre: FIB.length, fibreNodes: FIBPTS.length, extensions: EXT.length, sites: SITES.length, places: PLACES.length }; };

function hashParams() {
  var out = {};
  str(location.hash).replace(/^#/, "").split("&").forEach(function (kv) {
    if (!kv) return; var i = kv.indexOf("="), k = i < 0 ? kv : kv.slice(0, i), v = i < 0 ? "" : kv.slice(i + 1);
    try { out[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, " ")); } catch (e) { out[k] = v; }
  });
  return out;
}
function applyHash() {
  var h = hashParams();
  if (h.view) setView(h.view);
  var q = h.search != null ? h.search : h.q;
  if (q) {
    $("search").value = q;
    var r = runSearch(q, false);
    if (r.length) zoomToIndex(r[0]);
    var id = r.length ? str(V[r[0]].p.id) : "";
    document.body.dataset.focus = id;
    document.body.dataset.focusVisible = id && covgap.visibleVillageIds().indexOf(id) >= 0 ? "1" : "0";
  }
  if (h.select) zoomToIndex(indexOfId(h.select));
  return h;
}
function bench() {
  function flush() { ctx.getImageData(0, 0, 1, 1); }
  function timed(fn) { var t0 = performance.now(); fn(); render(); flush(); return Math.round((performance.now() - t0) * 10) / 10; }
  var out = { villages: V.length, load_ms: covgap.loadMs, timing: covgap.timing, first_render_ms: covgap.firstRenderMs, zoom_in_cold: [], zoom_out_warm: [], zoom_in_warm: [], pan: [], render_only_ms: [] };
  fitAll(); render(); flush();
  for (var i = 0; i < 6; i++) out.zoom_in_cold.push(timed(function () { zoomAt(W / 2, H / 2, 2); }));
  for (i = 0; i < 6; i++) out.zoom_out_warm.push(timed(function () { zoomAt(W / 2, H / 2, 0.5); }));
  for (i = 0; i < 6; i++) out.zoom_in_warm.push(timed(function () { zoomAt(W / 2, H / 2, 2); }));
  fitAll(); render();
  for (i = 0; i < 5; i++) out.pan.push(timed(function () { T.tx += 40; }));
  for (i = 0; i < 5; i++) { render(); out.render_only_ms.push(covgap.lastRenderMs); }
  out.phases_at_extent = covgap.lastPhases;
  var t0 = performance.now(); var hits = covgap.search("ka bung"); out.search_ms = Math.round((performance.now() - t0) * 10) / 10; out.search_hits = hits.length;
  fitAll(); render();
  document.body.dataset.bench = JSON.stringify(out);
  covgap.bench = out;
}

// ---------- start ----------
function init() {
  covgap.timing.prepare_ms = Math.round(performance.now() - tPrep0);
  header();
  // The speed view only when some village has measurements.
  HAS_SPEED = V.some(function (v) { return v.p.quality && typeof v.p.quality === "object" && Object.keys(v.p.quality).length > 0; });
  Array.prototype.forEach.call(document.querySelectorAll('.seg button[data-view="speed"]'), function (b) { b.hidden = !HAS_SPEED; });
  classify();
  setView("mobile");
  covgap.timing.views_ms = Math.round(performance.now() - tPrep0);
  $("empty").hidden = V.length > 0;
  resize();
  fitAll();
  var h = applyHash();
  var t0 = performance.now(); render(); covgap.firstRenderMs = Math.round((performance.now() - t0) * 10) / 10;
  return h;
}
var H0 = {};
try { H0 = init() || {}; } catch (e) { report("init: " + (e && e.message || e) + (e && e.stack ? " " + e.stack.split("\n")[1] : "")); }
covgap.ready = true;
covgap.loadMs = Math.round(performance.now());
document.body.dataset.loadMs = String(covgap.loadMs);
document.body.dataset.ready = "1";
// What the page decoded, for checks from outside: features per layer, arcs and their points.
document.body.dataset.decoded = [V.length, GAPS.length, FIB.length, EXT.length, SITES.length, PLACES.length, ARC.off.length, ARC.n / 2].join(",");
showStatus();
// The list beside the map, once the map is on screen (a search from the address has filled it already).
setTimeout(function () {
  guarded(function () {
    if (lastResults == null) renderList(gapList(), false);
    covgap.timing.list_ms = Math.round(performance.now() - tPrep0);
  });
}, 0);
if ("bench" in H0) guarded(bench);
window.addEventListener("hashchange", function () { guarded(applyHash); });
})();
