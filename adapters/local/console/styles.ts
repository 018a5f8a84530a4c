/**
 * The console's stylesheet. Colours keep a contrast ratio of at least 4.5:1
 * against their background (WCAG AA for body text); focus is always visible;
 * tables scroll sideways inside their box on narrow windows.
 */
export const CONSOLE_CSS = `
:root { --fg: #1b1f24; --muted: #4f5761; --bg: #ffffff; --panel: #f4f6f8; --line: #d0d7de; --accent: #0a58ca;
  --ok: #116329; --err: #b3261e; --warn: #7a4d00; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--fg); color: #fff; padding: .5em 1em; }
.skip:focus { left: 0; z-index: 10; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5em 1.25em; padding: .6em 1.25em; background: #0d1b2a; color: #fff; }
.brand { font-weight: 700; letter-spacing: .02em; }
.app { color: #c9d6e3; }
.top ul { display: flex; flex-wrap: wrap; gap: .25em; list-style: none; margin: 0; padding: 0; }
.top nav a { color: #fff; text-decoration: none; padding: .35em .75em; border-radius: 6px; display: inline-block; }
.top nav a:hover { background: #1f3b57; }
.top nav a[aria-current="page"] { background: #2b5a87; }
main { padding: 1em 1.25em 3em; max-width: 1280px; margin: 0 auto; }
h1 { font-size: 1.4em; margin: .3em 0 .6em; }
h2 { font-size: 1.1em; margin: 1.2em 0 .5em; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .8em 1em; margin: .6em 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: .8em; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .8em 1em; background: var(--bg); min-width: 0; }
.card h2 { margin: 0 0 .3em; font-size: 1.05em; }
.meta { color: var(--muted); font-size: .9em; }
.badge { display: inline-block; padding: 0 .5em; border-radius: 999px; font-size: .8em; border: 1px solid currentColor; white-space: nowrap; }
.ok { color: var(--ok); } .error { color: var(--err); } .warm { color: var(--ok); } .cold, .initializing { color: var(--warn); }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.row-button { cursor: pointer; }
tr.row-button:hover, tr.row-button:focus-within { background: #eef4ff; }
button, input, select, textarea { font: inherit; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: .35em .9em; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
button.danger { background: var(--err); }
button:disabled { opacity: .6; cursor: default; }
.linklike { background: none; color: var(--accent); padding: 0; text-decoration: underline; border: 0; text-align: left; }
label { display: block; font-weight: 600; margin: .4em 0 .15em; }
input[type=text], select, textarea { width: 100%; max-width: 40em; padding: .35em .5em; border: 1px solid #8c959f; border-radius: 6px; background: #fff; color: var(--fg); }
textarea { min-height: 6em; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.row { display: flex; flex-wrap: wrap; gap: .6em; align-items: end; }
.row > div { min-width: 10em; }
.row > .grow { flex: 1; }
pre { background: #0d1117; color: #e6edf3; padding: .7em; border-radius: 6px; overflow: auto; max-height: 28em; font-size: .88em; white-space: pre-wrap; word-break: break-word; }
.detail { margin: .4em 0 .8em; }
.detail dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: 0 0 .5em; }
.detail dt { font-weight: 600; } .detail dd { margin: 0; word-break: break-all; }
.crumbs { display: flex; flex-wrap: wrap; gap: .3em; align-items: center; }
.preview img { max-width: 100%; max-height: 24em; image-rendering: pixelated; min-width: 112px; border: 1px solid var(--line); background: #fff; }
.drop { border: 2px dashed #8c959f; border-radius: 10px; padding: 1.5em; text-align: center; background: var(--panel); }
.drop.over { border-color: var(--accent); background: #eef4ff; }
.bars { display: grid; grid-template-columns: minmax(6em, max-content) 1fr 4.5em; gap: .3em .6em; align-items: center; max-width: 44em; }
.bar { height: 1.1em; background: var(--accent); border-radius: 3px; min-width: 2px; }
.bar-track { background: #e3e8ee; border-radius: 3px; }
#toast { position: fixed; bottom: 1em; right: 1em; max-width: 28em; }
#toast:not(:empty) { background: #0d1b2a; color: #fff; padding: .6em 1em; border-radius: 8px; }
dialog { border: 1px solid var(--line); border-radius: 10px; max-width: 32em; }
dialog::backdrop { background: rgba(0,0,0,.35); }
.live { font-size: .85em; }
.session { margin-left: auto; color: #c9d6e3; font-size: .9em; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .88em; word-break: break-all; }
.badge.alias { color: var(--accent); margin-left: .4em; } .badge.warn { color: var(--warn); }
td.actions { white-space: nowrap; }
details.history { margin-top: .3em; } details.history ol { margin: .3em 0; padding-left: 1.4em; font-size: .9em; }
iframe.report { width: 100%; height: 70vh; min-height: 28em; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
progress { width: 100%; max-width: 40em; height: 1.1em; accent-color: var(--accent); }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(9em, 1fr)); gap: .5em; margin: .8em 0; }
.kpi { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .4em .7em; }
.kpi dt { color: var(--muted); font-size: .85em; } .kpi dd { margin: 0; font-size: 1.25em; font-weight: 600; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: .8em; }
svg.chart { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
svg.chart .axis { stroke: var(--muted); } svg.chart .grid { stroke: #e3e8ee; }
svg.chart .tick, svg.chart .legend { font-size: 11px; fill: var(--muted); } svg.chart .chart-title { font-size: 13px; font-weight: 600; fill: var(--fg); }
svg.chart .line { fill: none; stroke-width: 2; } svg.chart .s1 { stroke: #b3261e; fill: #b3261e; } svg.chart .s2 { stroke: #0a58ca; fill: #0a58ca; }
svg.chart polyline.s1, svg.chart polyline.s2 { fill: none; }
caption { text-align: left; font-weight: 600; padding: .3em 0; }
@media (max-width: 640px) { main { padding: .8em .6em 2em; } .grid { grid-template-columns: 1fr; } th.hide-narrow, td.hide-narrow { display: none; } }
`;
