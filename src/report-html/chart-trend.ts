import { attrs, escapeHtml } from './escape.js';
import { figureAttrs } from './figure-markup.js';
import { linearScale, niceDomain, px } from './scale.js';
import { svgChart, svgLine, svgPolyline, svgText, xGrid, yGrid } from './svg.js';

export interface TrendSeries {
  /** One value per run, in start order. */
  readonly values: readonly number[];
  /** The run each value belongs to and when it started, for the x axis and the points' titles. */
  readonly runs: ReadonlyArray<{ readonly runId: string; readonly startedAt: string }>;
  /** Least-squares slope per run (the analysis' estimate): drawn through the mean point. */
  readonly slope: number | null;
  readonly firstThirdMean: number | null;
  readonly lastThirdMean: number | null;
  /** A value as the points' titles show it, and as the y axis labels its ticks. */
  readonly format: (v: number) => string;
  readonly tickFormat: (v: number) => string;
  /** Fixed y domain (rates: [0, 1]); otherwise from 0 to a nice maximum. */
  readonly domain?: readonly [number, number];
  /** The analysis part the figures belong to, e.g. "trend:success". */
  readonly source: string;
}

const W = 560;
const H = 270;
const LEFT = 56;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 40;

const day = (iso: string): string => iso.slice(0, 10);

/**
 * Values per run in start order: the runs as dots joined by a light line, the least-squares line
 * with the analysis' slope, and the means of the first and last third as short dashed segments.
 */
export function trendChart(name: string, title: string, s: TrendSeries): string {
  const n = s.values.length;
  const x0 = LEFT;
  const x1 = W - RIGHT;
  const y0 = H - BOTTOM;
  const y1 = TOP;
  const x = linearScale(n <= 1 ? 0 : 1, n <= 1 ? 2 : n, x0 + 8, x1 - 8);
  const d = s.domain
    ? { min: s.domain[0], max: s.domain[1], ticks: niceDomain(s.domain[0], s.domain[1], 4).ticks }
    : niceDomain(0, Math.max(...s.values, 0), 4);
  const y = linearScale(d.min, d.max, y0, y1);

  let body = yGrid(d.ticks, y, x0, x1, s.tickFormat);
  const tickRuns = n <= 1 ? [1] : [...new Set([1, Math.round((n + 1) / 2), n])];
  body += xGrid(tickRuns, x, y1, y0, (i) => `#${i}`, 'bottom');
  tickRuns.forEach((i) => {
    const run = s.runs[i - 1];
    if (run) body += svgText(x(i), y0 + 29, day(run.startedAt), { class: 'tick faint', 'text-anchor': 'middle' });
  });

  const pts = s.values.map((v, i) => [x(i + 1), y(v)] as const);
  if (n >= 2) body += svgPolyline(pts, { class: 'mark trend-line' });
  const third = Math.floor(n / 3);
  if (third > 0 && s.firstThirdMean !== null)
    body += svgLine(x(1), y(s.firstThirdMean), x(third), y(s.firstThirdMean), {
      class: 'mark third',
      ...figureAttrs({ source: s.source, metric: 'first-third-mean' }, s.firstThirdMean),
    });
  if (third > 0 && s.lastThirdMean !== null)
    body += svgLine(x(n - third + 1), y(s.lastThirdMean), x(n), y(s.lastThirdMean), {
      class: 'mark third',
      ...figureAttrs({ source: s.source, metric: 'last-third-mean' }, s.lastThirdMean),
    });
  if (s.slope !== null && n >= 2) {
    // The least-squares line passes through the mean point (x̄, ȳ); index i runs from 0 in the analysis.
    const meanIndex = (n - 1) / 2;
    const meanValue = s.values.reduce((a, v) => a + v, 0) / n;
    const at = (i: number): number => Math.min(d.max, Math.max(d.min, meanValue + s.slope! * (i - meanIndex)));
    body += svgLine(x(1), y(at(0)), x(n), y(at(n - 1)), { class: 'mark fit' });
  }
  s.values.forEach((v, i) => {
    const run = s.runs[i];
    const tip = run ? `<title>${escapeHtml(`${run.runId} · ${day(run.startedAt)} · ${s.format(v)}`)}</title>` : '';
    const point = {
      class: 'mark point',
      cx: px(pts[i]![0]),
      cy: px(pts[i]![1]),
      r: n > 120 ? 2 : 3.2,
      ...figureAttrs({ source: s.source, group: run?.runId, metric: 'run-value' }, v),
    };
    body += `<circle${attrs(point)}>${tip}</circle>`;
  });
  return svgChart(name, W, H, title, body);
}
