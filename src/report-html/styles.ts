/**
 * The page's stylesheet: system fonts only (nothing to fetch), restrained colours, tables with
 * right-aligned numbers, and a print stylesheet that unclips tables and keeps charts whole.
 */
export const STYLES = `
:root {
  color-scheme: light;
  --ink: #1c2330; --ink-2: #4a5568; --ink-3: #718096; --line: #e2e8f0; --line-2: #edf2f7;
  --bg: #f6f7f9; --card: #ffffff; --accent: #2b5fb3; --accent-soft: #e8f0fb;
  --good: #22753a; --good-soft: #e6f4ea; --bad: #b42318; --bad-soft: #fdecea;
  --warn: #9a5b00; --warn-soft: #fff4dc; --info: #1f6f8b; --info-soft: #e3f2f7; --muted: #a0aec0;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif;
  font-variant-numeric: tabular-nums;
}
.page { max-width: 1240px; margin: 0 auto; padding: 22px 24px 48px; }
header.top { display: flex; justify-content: space-between; align-items: flex-end; gap: 24px; padding-bottom: 14px; border-bottom: 1px solid var(--line); }
h1 { font-size: 24px; line-height: 1.2; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 18px; margin: 0 0 4px; letter-spacing: -0.005em; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.subtitle, .meta { color: var(--ink-2); margin: 0; }
.meta { font-size: 12.5px; text-align: right; }
.meta code, .subtitle code { font-family: var(--mono); font-size: 12px; background: var(--line-2); padding: 1px 5px; border-radius: 4px; word-break: break-all; }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 10px 0 18px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.cards { display: grid; grid-template-columns: 1.35fr 1fr 1fr 1fr; gap: 14px; margin-bottom: 18px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; min-width: 0; }
.card .label { font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--ink-3); font-weight: 600; }
.card .big { font-size: 21px; font-weight: 650; margin: 4px 0 2px; line-height: 1.25; overflow-wrap: anywhere; }
.card .small { font-size: 12.5px; color: var(--ink-2); }
.card.best { border-color: #b9cdee; background: linear-gradient(180deg, var(--accent-soft), var(--card) 70%); }
section.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 18px 16px; margin: 0 0 18px; }
section.panel > .lead { color: var(--ink-2); margin: 0 0 12px; font-size: 13px; max-width: 880px; }
.callout { border-radius: 10px; padding: 12px 16px; margin: 0 0 18px; border: 1px solid; }
.callout.warn { background: var(--warn-soft); border-color: #f1d49b; }
.callout h2 { font-size: 15px; margin-bottom: 6px; }
.callout ul { margin: 0; padding-left: 18px; }
.callout li { margin: 2px 0; }
.notes { margin: 10px 0 0; padding-left: 18px; color: var(--ink-2); font-size: 13px; }
.notes li { margin: 3px 0; }
.table-wrap { overflow-x: auto; margin: 8px 0 4px; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 6px 8px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line-2); }
th { background: #f8fafc; color: var(--ink-2); font-weight: 600; font-size: 12px; border-bottom: 1px solid var(--line); }
tbody tr:last-child td { border-bottom: none; }
tbody tr:hover td { background: #fafbfd; }
td.num, th.num { text-align: right; white-space: nowrap; }
th.num { white-space: normal; }
th.rank, td.rank { width: 1%; color: var(--ink-3); }
td.group { min-width: 170px; }
th:first-child, td:first-child { padding-left: 12px; }
th:last-child, td:last-child { padding-right: 12px; }
td .ci { display: block; font-size: 11.5px; color: var(--ink-3); white-space: nowrap; }
td .ci.parts .fig { color: inherit; }
.notes-inline { margin-top: 3px; }
.notes-inline .warning { white-space: normal; }
td.id, span.id { font-family: var(--mono); font-size: 12px; }
td.run-id { min-width: 150px; }
td .ci.bad { color: var(--bad); }
td.nowrap { white-space: nowrap; }
td.msg { font-family: var(--mono); font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 520px; }
tr.row-crashed td { background: var(--bad-soft); }
tr.row-interrupted td, tr.row-failed td { background: #fffaf0; }
tr.row-best td { background: var(--accent-soft); }
tr.row-muted td { color: var(--ink-2); }
.badge { display: inline-block; font-size: 11.5px; font-weight: 600; line-height: 1.5; padding: 0 8px; border-radius: 999px; border: 1px solid transparent; white-space: nowrap; }
.badge.completed, .badge.success { color: var(--good); background: var(--good-soft); border-color: #bfe3c9; }
.badge.failed { color: var(--bad); background: var(--bad-soft); border-color: #f5c2bd; }
.badge.crashed { color: #fff; background: var(--bad); border-color: var(--bad); }
.badge.interrupted, .badge.canceled { color: var(--warn); background: var(--warn-soft); border-color: #f1d49b; }
.badge.running { color: var(--info); background: var(--info-soft); border-color: #b9dde9; }
.badge.front { color: var(--accent); background: var(--accent-soft); border-color: #b9cdee; }
.badge.baseline { color: var(--ink-2); background: var(--line-2); border-color: var(--line); }
.warning { display: inline-block; color: var(--warn); background: var(--warn-soft); border: 1px solid #f1d49b; border-radius: 6px; padding: 0 6px; font-size: 12px; font-weight: 500; }
.resumed { display: inline-block; color: var(--info); background: var(--info-soft); border: 1px solid var(--line); border-radius: 6px; padding: 0 6px; font-size: 12px; }
.imported { display: inline-block; color: var(--info); border: 1px dashed currentColor; border-radius: 6px; padding: 0 6px; font-size: 12px; }
.bad { color: var(--bad); font-weight: 600; }
.empty { color: var(--ink-3); font-style: italic; margin: 8px 0; }
.capped { color: var(--ink-3); font-size: 12.5px; margin: 6px 0 0; }
.verdict { font-weight: 600; }
.verdict.improving { color: var(--good); }
.verdict.degrading { color: var(--bad); }
.verdict.none { color: var(--ink-2); }
.grid-2 { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.grid-scatter { display: grid; grid-template-columns: minmax(0, 2.1fr) minmax(0, 1fr); gap: 20px; align-items: start; }
figure { margin: 0; min-width: 0; }
figcaption { font-size: 12.5px; color: var(--ink-2); margin: 2px 0 6px; font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: var(--ink-2); margin: 4px 0 0; }
.legend .key { display: inline-block; width: 18px; height: 0; vertical-align: middle; margin-right: 5px; border-top: 2px solid var(--accent); }
.legend .key.dot { width: 9px; height: 9px; border: none; border-radius: 50%; background: var(--accent); }
.legend .key.ring { width: 9px; height: 9px; border: 1.5px solid var(--ink-3); border-radius: 50%; background: #fff; }
.legend .key.front { width: 9px; height: 9px; border: none; border-radius: 50%; background: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft), 0 0 0 4px var(--accent); margin-left: 4px; margin-right: 9px; }
.legend .key.dash { border-top: 2px dashed var(--accent); }
.legend .key.fit { border-top: 2px solid #d97706; }
.legend .key.third { border-top: 2px dashed var(--ink-2); }
.side h3 { margin-top: 0; }
.side ol, .side ul { padding-left: 18px; margin: 4px 0 10px; font-size: 13px; }
.side p { font-size: 13px; color: var(--ink-2); margin: 4px 0 10px; }
svg.chart { display: block; width: 100%; height: auto; max-width: 100%; overflow: visible; }
svg.chart text { font-family: inherit; fill: var(--ink-2); font-size: 12px; }
svg.chart .tick { font-size: 11px; fill: var(--ink-3); }
svg.chart .tick.faint { font-size: 10px; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .band { fill: #fafbfc; }
svg.chart .row-label { font-size: 13px; fill: var(--ink); }
svg.chart .row-label.best { font-weight: 700; }
svg.chart .value { font-size: 12.5px; fill: var(--ink); }
svg.chart .axis-title { font-size: 12px; fill: var(--ink-2); }
svg.chart .mark.interval { stroke: var(--accent); stroke-width: 3; stroke-linecap: round; opacity: 0.55; }
svg.chart .mark.cap { stroke: var(--accent); stroke-width: 1.5; opacity: 0.7; }
svg.chart .mark.point { fill: var(--accent); stroke: #fff; stroke-width: 1.5; }
svg.chart .muted.mark.interval, svg.chart .muted.mark.cap { stroke: var(--muted); stroke-dasharray: 3 3; }
svg.chart .muted.mark.point { fill: #fff; stroke: var(--warn); stroke-width: 2; }
svg.chart .row-label.muted, svg.chart .value.muted { fill: var(--warn); }
svg.chart .best.mark.point { fill: var(--good); }
svg.chart .best.mark.interval, svg.chart .best.mark.cap { stroke: var(--good); }
svg.chart .mark.front-ring { fill: var(--accent-soft); stroke: var(--accent); stroke-width: 1; opacity: 0.9; }
svg.chart .mark.point.other { fill: #fff; stroke: var(--ink-3); stroke-width: 1.8; }
svg.chart .mark.point.front { fill: var(--accent); stroke: #fff; stroke-width: 2; }
svg.chart .point-label { font-size: 12px; fill: var(--ink-2); }
svg.chart .point-label.front { fill: var(--ink); font-weight: 600; }
svg.chart .point-label.muted { fill: var(--warn); }
svg.chart .point-label.rank { font-size: 11px; font-weight: 600; }
svg.chart .mark.trend-line { stroke: #9fb6dc; stroke-width: 1.2; }
svg.chart .mark.fit { stroke: #d97706; stroke-width: 2; }
svg.chart .mark.third { stroke: var(--ink-2); stroke-width: 2; stroke-dasharray: 5 3; }
footer { color: var(--ink-3); font-size: 12px; margin-top: 22px; border-top: 1px solid var(--line); padding-top: 10px; }
footer p { margin: 4px 0; }
@media (max-width: 900px) {
  .cards { grid-template-columns: 1fr 1fr; }
  .grid-2, .grid-scatter { grid-template-columns: 1fr; }
  header.top { flex-direction: column; align-items: flex-start; }
  .meta { text-align: left; }
}
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 10.5pt; }
  .page { max-width: none; padding: 0; }
  nav.toc { display: none; }
  section.panel, .card, .callout { border-color: #cbd5e0; box-shadow: none; }
  section.panel { break-inside: auto; page-break-inside: auto; padding: 10px 0; border: none; border-top: 1px solid #cbd5e0; border-radius: 0; }
  h2, h3, figcaption { break-after: avoid; page-break-after: avoid; }
  figure, svg.chart, .cards, .callout, tr { break-inside: avoid; page-break-inside: avoid; }
  svg.chart { max-width: 100%; height: auto; }
  .table-wrap { overflow: visible; border: none; }
  table { font-size: 8.5pt; width: 100%; table-layout: auto; }
  thead { display: table-header-group; }
  th, td { padding: 3px 5px; white-space: normal; }
  th, th.num { white-space: normal; font-size: 7.5pt; }
  td.num { white-space: nowrap; }
  td.group { min-width: 0; }
  td .ci { font-size: 7.5pt; }
  .warning { font-size: 7.5pt; }
  td.msg { max-width: none; }
  tbody tr:hover td { background: transparent; }
  section#runs, section#activity { break-before: page; page-break-before: always; }
  a { color: inherit; text-decoration: none; }
}
`;
