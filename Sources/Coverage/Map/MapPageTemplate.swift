// The page's markup and style. Raw string literals start at column 0 so nothing is stripped.
enum MapPageTemplate {
    static let head = #"""
<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="covgap">
<title>covgap map</title>
<style>
:root {
  --bg: #f3f4f6; --card: #ffffff; --line: #e0e3e8; --ink: #1c2330; --muted: #5d6776;
  --accent: #1f4e9c; --red: #d7191c; --amber: #f0a30a; --green: #3f9e4d; --blue: #2b83ba;
  --font: "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif;
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; background: var(--bg); color: var(--ink);
  font: 13px/1.4 var(--font); -webkit-font-smoothing: antialiased; }
button, input, select { font: inherit; color: inherit; }
header#top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 28px; padding: 10px 16px;
  background: var(--card); border-bottom: 1px solid var(--line); }
header#top .titles { min-width: 260px; flex: 1 1 320px; }
h1 { font-size: 17px; font-weight: 600; margin: 0; letter-spacing: -0.01em; }
#subtitle { color: var(--muted); font-size: 12px; margin-top: 2px; }
#summary { display: flex; flex-wrap: wrap; gap: 8px; }
.kpi { border: 1px solid var(--line); border-left: 4px solid #9aa3ad; border-radius: 6px;
  padding: 4px 10px 5px; background: #fbfbfc; min-width: 150px; }
.kpi.ok { border-left-color: var(--green); }
.kpi.bad { border-left-color: var(--red); }
.kpi .k { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; }
.kpi .v { font-size: 16px; font-weight: 650; font-variant-numeric: tabular-nums; }
.kpi .t { font-size: 12px; color: var(--muted); margin-left: 4px; }
.kpi .mark { font-weight: 700; margin-left: 4px; }
.kpi.ok .mark { color: var(--green); }
.kpi.bad .mark { color: var(--red); }
#layout { flex: 1; display: flex; min-height: 0; }
#side { width: 318px; flex: none; display: flex; flex-direction: column; gap: 10px; padding: 10px;
  overflow: hidden; border-right: 1px solid var(--line); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card h2 { font-size: 11px; font-weight: 650; color: var(--muted); text-transform: uppercase;
  letter-spacing: 0.07em; margin: 0 0 8px; display: flex; justify-content: space-between; }
.seg { display: flex; flex-wrap: wrap; gap: 4px; }
.seg button { border: 1px solid var(--line); background: #f7f8fa; border-radius: 5px; padding: 3px 9px;
  cursor: pointer; }
.seg button:hover { background: #eef1f5; }
.seg button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
#opRow { margin-top: 8px; display: none; align-items: center; gap: 6px; }
#opRow.on { display: flex; }
#opRow select { flex: 1; border: 1px solid var(--line); border-radius: 5px; padding: 3px 6px; background: #fff; }
#legend .li { display: flex; align-items: center; gap: 8px; padding: 1.5px 0; }
#legend .li svg { flex: none; }
#legend .li .n { margin-left: auto; color: var(--muted); font-variant-numeric: tabular-nums; font-size: 12px; }
#legend .sep { border-top: 1px solid var(--line); margin: 6px 0; }
#legend .cap { font-weight: 600; margin-bottom: 3px; }
#gapsCard { flex: 1; min-height: 120px; display: flex; flex-direction: column; }
#search { width: 100%; border: 1px solid #cfd4db; border-radius: 6px; padding: 6px 9px; background: #fff; }
#search:focus { outline: 2px solid #9bb6e0; border-color: var(--accent); }
#listNote { color: var(--muted); font-size: 12px; margin-top: 6px; }
#list { list-style: none; margin: 6px -12px 0; padding: 0; overflow: auto; flex: 1; border-top: 1px solid var(--line); }
#list li { padding: 6px 12px; border-bottom: 1px solid #eef0f3; cursor: pointer; }
#list li:hover, #list li:focus { background: #f2f6fc; outline: none; }
#list li.sel { background: #e6eefa; }
#list .n { font-weight: 600; }
#list .m { color: var(--muted); font-size: 12px; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; border-radius: 3px; padding: 0 5px;
  margin: 2px 4px 0 0; color: #fff; background: #8a939e; }
.badge.uncovered { background: var(--red); }
.badge.partial { background: var(--amber); color: #3a2600; }
.badge.covered { background: var(--green); }
.badge.unavailable { background: #fff; color: var(--red); box-shadow: inset 0 0 0 1px var(--red); }
.badge.available { background: var(--blue); }
#map { flex: 1; position: relative; min-width: 0; overflow: hidden; background: #e8ecf0; }
#map canvas { position: absolute; left: 0; top: 0; }
#overlay { cursor: grab; touch-action: none; }
#overlay.dragging { cursor: grabbing; }
.zoom { position: absolute; right: 12px; top: 12px; display: flex; flex-direction: column;
  border-radius: 6px; overflow: hidden; box-shadow: 0 1px 4px rgba(0,0,0,0.25); }
.zoom button { width: 32px; height: 32px; border: 0; border-bottom: 1px solid var(--line); background: #fff;
  font-size: 18px; line-height: 1; cursor: pointer; }
.zoom button:last-child { border-bottom: 0; font-size: 14px; }
.zoom button:hover { background: #f0f3f7; }
#scale { position: absolute; left: 12px; bottom: 10px; font-size: 11px; color: #333; pointer-events: none;
  background: rgba(255,255,255,0.75); padding: 1px 5px 3px; border-radius: 3px; }
#scale .bar { height: 5px; border: 1.5px solid #333; border-top: 0; margin-top: 1px; }
#credit { position: absolute; right: 8px; bottom: 6px; font-size: 11px; color: #6b7480; pointer-events: none; }
#tip { position: absolute; pointer-events: none; background: rgba(28,35,48,0.94); color: #fff;
  padding: 5px 8px; border-radius: 5px; font-size: 12px; max-width: 260px; white-space: nowrap; z-index: 3; }
#tip .m { color: #c7ced8; }
#empty { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  color: var(--muted); font-size: 15px; pointer-events: none; }
#details { width: 300px; flex: none; overflow: auto; border-left: 1px solid var(--line); background: var(--card);
  padding: 14px 16px 18px; position: relative; }
#details h2 { font-size: 17px; margin: 0 28px 2px 0; }
#details .meta { color: var(--muted); margin-bottom: 8px; }
#details h3 { font-size: 11px; font-weight: 650; text-transform: uppercase; letter-spacing: 0.07em;
  color: var(--muted); margin: 14px 0 6px; }
#details table { width: 100%; border-collapse: collapse; }
#details td { padding: 2.5px 0; vertical-align: middle; }
#details td.v { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; padding-left: 8px; }
#details td.b { width: 42%; padding-left: 8px; }
.meter { height: 7px; background: #edf0f3; border-radius: 4px; overflow: hidden; }
.meter i { display: block; height: 100%; }
#close { position: absolute; right: 10px; top: 10px; width: 26px; height: 26px; border: 0; border-radius: 5px;
  background: transparent; font-size: 18px; cursor: pointer; color: var(--muted); }
#close:hover { background: #eef1f5; }
[hidden] { display: none !important; }
</style>
</head>

"""#

    static let body = #"""
<body>
<header id="top">
  <div class="titles"><h1 id="title">Coverage map</h1><div id="subtitle"></div></div>
  <div id="summary"></div>
</header>
<div id="layout">
  <nav id="side" aria-label="Map controls">
    <section class="card" id="views">
      <h2>View</h2>
      <div class="seg" role="group" aria-label="Colour villages by">
        <button type="button" data-view="mobile" title="Mobile status: covered, partial, uncovered">Mobile</button>
        <button type="button" data-view="2G">2G</button>
        <button type="button" data-view="3G">3G</button>
        <button type="button" data-view="4G">4G</button>
        <button type="button" data-view="5G">5G</button>
        <button type="button" data-view="operator" title="Share of the village covered by one operator">Operator</button>
        <button type="button" data-view="fixed" title="Fixed broadband: fibre within reach">Fixed</button>
      </div>
      <div id="opRow"><label for="operator">Operator</label><select id="operator"></select></div>
    </section>
    <section class="card" id="legend" aria-label="Legend"></section>
    <section class="card" id="gapsCard">
      <h2><span id="listTitle">Gap villages</span><span id="gapCount"></span></h2>
      <input id="search" type="search" placeholder="Search villages — e.g. ka bung, O2" autocomplete="off" spellcheck="false" aria-label="Search villages">
      <div id="listNote"></div>
      <ol id="list"></ol>
    </section>
  </nav>
  <div id="map">
    <canvas id="base"></canvas>
    <canvas id="overlay" tabindex="0" aria-label="Map: drag to pan, wheel to zoom, click a village for details"></canvas>
    <div class="zoom"><button type="button" id="zin" title="Zoom in">+</button><button type="button" id="zout" title="Zoom out">&minus;</button><button type="button" id="zfit" title="Fit to data">&#x2922;</button></div>
    <div id="scale"></div>
    <div id="credit">covgap · equirectangular, WGS84</div>
    <div id="tip" hidden></div>
    <div id="empty" hidden>No villages in this report</div>
  </div>
  <aside id="details" hidden aria-live="polite"></aside>
</div>

"""#
}
