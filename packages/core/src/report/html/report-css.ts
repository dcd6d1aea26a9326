/**
 * The report's stylesheet, written beside index.html as report.css: the page has no <style>
 * element and no style attribute, so it renders under Jenkins' default CSP for archived files
 * (`default-src 'none'; img-src 'self'; style-src 'self';`). Status colours come with a symbol
 * in every cell, so the page also reads without colour.
 */
export const REPORT_CSS = `:root {
  color-scheme: light;
  --fg: #1f2328;
  --muted: #59636e;
  --line: #d1d9e0;
  --bg: #ffffff;
  --pass: #1a7f37;
  --warn: #9a6700;
  --fail: #cf222e;
  --info: #0969da;
  --pass-bg: #d2f4dc;
  --pass-fg: #0f5323;
  --warn-bg: #fff0b8;
  --warn-fg: #633c01;
  --fail-bg: #ffd8d3;
  --fail-fg: #82071e;
  --info-bg: #ddf0ff;
  --info-fg: #0b3f86;
  --none-bg: #eff2f5;
  --none-fg: #6e7781;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { padding: 0 16px; }
h1 { font-size: 1.4rem; margin: 16px 0 4px; }
h1 .what { font-weight: 400; color: var(--muted); }
h2 { font-size: 1.1rem; margin: 28px 0 6px; }
.meta, .note, footer { color: var(--muted); font-size: 0.85rem; margin: 4px 0 8px; }
footer { margin: 32px 0 16px; }
a { color: var(--info); }
code { font: 12px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; }
abbr { text-decoration: none; }

/* The verdict of this run (or the newest evaluation). */
.summary { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 12px 0; }
.verdict { display: inline-block; font-weight: 700; font-size: 1.1rem; padding: 2px 10px; border-radius: 4px; margin: 0 8px 4px 0; }
.summary p { margin: 4px 0; }

/* Status colours: cells of the heatmap, the verdict, the legend, the evaluations' results. */
.grid .p, .verdict.p, .sw.p, .list .p { background-color: var(--pass-bg); color: var(--pass-fg); }
.grid .w, .verdict.w, .sw.w, .list .w { background-color: var(--warn-bg); color: var(--warn-fg); }
.grid .f, .verdict.f, .sw.f, .list .f { background-color: var(--fail-bg); color: var(--fail-fg); }
.grid .i, .sw.i { background-color: var(--info-bg); color: var(--info-fg); }
.grid .n, .sw.n { background-color: var(--none-bg); color: var(--none-fg); }

/* The heatmap: it scrolls sideways and opens at its right end (the newest evaluations);
   the objectives' column stays in view. */
.scroll { overflow-x: auto; direction: rtl; border: 1px solid var(--line); border-radius: 6px; }
.scroll > table { direction: ltr; margin: 0 auto 0 0; }
.grid { border-collapse: separate; border-spacing: 0; font-size: 12px; }
.grid th, .grid td { padding: 3px 6px; border-right: 1px solid var(--bg); border-bottom: 1px solid var(--bg); white-space: nowrap; text-align: center; }
.grid td { font-variant-numeric: tabular-nums; }
.grid th[scope="row"], .grid .corner { position: sticky; left: 0; z-index: 2; background-color: var(--bg); text-align: left; white-space: normal; min-width: 11rem; max-width: 18rem; border-right: 2px solid var(--line); font-weight: 400; }
.grid .corner { z-index: 3; vertical-align: bottom; font-weight: 700; }
.grid thead th.ev { font-weight: 400; vertical-align: bottom; color: var(--muted); min-width: 4.5rem; line-height: 1.25; }
.grid thead th.ev a { color: inherit; text-decoration: none; }
.grid .total th { font-weight: 700; }
.grid .total td { font-weight: 700; border-bottom: 2px solid var(--line); }
.grid .ver { display: block; font-family: ui-monospace, "DejaVu Sans Mono", monospace; color: var(--fg); }
.grid .marks { display: block; font-size: 13px; color: var(--fg); }
.obj { font-weight: 600; }
.key { color: #8250df; font-weight: 700; }
.sli, .crit { display: block; color: var(--muted); font-size: 11px; }
.sli { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
/* Invalidated: struck through and hatched, in every cell of the column. */
.grid .x { text-decoration: line-through; background-image: repeating-linear-gradient(135deg, transparent 0 5px, rgba(31, 35, 40, 0.14) 5px 7px); }
/* This run: a dark frame around its column. */
.grid td.c { box-shadow: inset 2px 0 0 var(--fg), inset -2px 0 0 var(--fg); font-weight: 700; }
.grid th.ev.c { box-shadow: inset 2px 0 0 var(--fg), inset -2px 0 0 var(--fg), inset 0 2px 0 var(--fg); color: var(--fg); background-color: #fff8c5; }
.grid tbody tr:last-child td.c { box-shadow: inset 2px 0 0 var(--fg), inset -2px 0 0 var(--fg), inset 0 -2px 0 var(--fg); }
.grid th.ev.k { border-top: 3px solid #8250df; }

/* Legend. */
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; list-style: none; padding: 0; margin: 8px 0; font-size: 13px; }
.sw { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 3px; margin-right: 4px; font-weight: 700; }
.sw.c { box-shadow: inset 0 0 0 2px var(--fg); }
.legend-lines { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0; margin: 4px 0 10px; font-size: 13px; }
.swatch { display: inline-block; width: 26px; height: 0; border-top: 2px solid var(--fg); vertical-align: middle; margin-right: 6px; }
.swatch.tp { border-top: 2px dashed var(--pass); }
.swatch.tw { border-top: 2px dashed var(--warn); }
.swatch.b { border-top: 2px dotted #6e7781; }

/* Charts: inline SVG, coloured by class. */
.wide { overflow-x: auto; }
.wide svg { min-width: 560px; max-width: 960px; }
svg.chart { display: block; width: 100%; height: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
.card { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; min-width: 0; }
.card figcaption { font-weight: 600; font-size: 13px; }
.chart .axis { stroke: #8c959f; stroke-width: 1; }
.chart .tick, .chart .xl, .chart .rule-label { font-size: 11px; fill: var(--muted); }
.chart .tick, .chart .xl.end { text-anchor: end; }
.card .chart .tick, .card .chart .xl { font-size: 14px; }
.chart .line { fill: none; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.chart .line.v { stroke: var(--fg); }
.chart .line.b { stroke: #6e7781; stroke-width: 1.5; stroke-dasharray: 1 4; }
.chart .line.tp, .chart .rule.tp { stroke: var(--pass); stroke-width: 1.5; stroke-dasharray: 6 4; }
.chart .line.tw, .chart .rule.tw { stroke: var(--warn); stroke-width: 1.5; stroke-dasharray: 6 4; }
.chart .rule-label.tp { fill: var(--pass); }
.chart .rule-label.tw { fill: var(--warn); }
.chart .now { stroke: var(--fg); stroke-width: 1; stroke-dasharray: 3 3; }
.chart .pt { stroke: var(--bg); stroke-width: 1; }
.chart .pt.p { fill: var(--pass); }
.chart .pt.w { fill: var(--warn); }
.chart .pt.f { fill: var(--fail); }
.chart .pt.i { fill: var(--info); }
.chart .pt.x { fill-opacity: 0.3; stroke: var(--fg); }

/* The evaluations. */
.scroll-plain { overflow-x: auto; }
.list { border-collapse: collapse; font-size: 13px; min-width: 100%; }
.list th, .list td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
.list tr.c > td:first-child { box-shadow: inset 4px 0 0 var(--fg); font-weight: 700; }
.list tr.x > td:first-child { text-decoration: line-through; }
.list .tag { display: inline-block; margin-left: 6px; padding: 0 4px; border: 1px solid var(--line); border-radius: 3px; font-size: 11px; font-weight: 400; text-decoration: none; }
.list .window, .list .msg { display: block; color: var(--muted); font-size: 11px; font-weight: 400; }
.list .msg { color: inherit; max-width: 40rem; white-space: normal; }
.list .label { margin-right: 4px; }
.list a.ci { margin-right: 6px; }

/* Phones: a narrower objectives column, criteria in the tooltip-less list below. */
@media (max-width: 600px) {
  body { font-size: 13px; }
  header, main, footer { padding: 0 10px; }
  .grid th[scope="row"], .grid .corner { min-width: 7.5rem; max-width: 9.5rem; }
  .grid .crit { display: none; }
  .charts { grid-template-columns: 1fr; }
}
`;
