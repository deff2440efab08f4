import { analysisRunOf, type AnalysisRun } from '../../projections/analysis-input.js';
import type { RunReadModels } from '../../projections/run-projection.js';
import { pct, pctInterval, ppInterval, pValue, usd, usdInterval } from '../analysis/render/format.js';
import { pctTick, usdTick } from './scale.js';
import type { Estimate } from '../analysis/stats/bootstrap.js';
import type { TrendLine, TrendReport } from '../analysis/trends.js';
import { trendChart } from './chart-trend.js';
import { escapeHtml } from './escape.js';
import { figure, int, intervalFigure } from './figure-markup.js';
import { utcMinute } from './section-runs.js';
import { htmlTable, type Column } from './html-table.js';

/** The runs the trend analysis used, in its order: finished runs by start, then id; the last N if asked. Re-priced ones as the analysis saw them. */
function trendRuns(
  runs: readonly RunReadModels[],
  lastN: number | null,
  pricedNow: ReadonlyMap<string, AnalysisRun> | null,
): AnalysisRun[] {
  const ordered = runs
    .map((r) => pricedNow?.get(r.run.runId) ?? analysisRunOf(r))
    .filter((r) => r.status !== 'running')
    .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  return lastN === null ? ordered : ordered.slice(-lastN);
}

/** A change in dollars per run with its interval: "+$0.0012 [-$0.0004, +$0.0031]". */
export function signedUsdInterval(e: Estimate | null | undefined): string {
  if (!e) return '–';
  const signed = (x: number): string => (x > 0 ? `+${usd(x)}` : usd(x));
  return e.low === null || e.high === null ? signed(e.estimate) : `${signed(e.estimate)} [${signed(e.low)}, ${signed(e.high)}]`;
}

const verdictClass = (v: TrendLine['verdict']): string => (v === 'improving' ? 'improving' : v === 'degrading' ? 'degrading' : 'none');

export function verdictHtml(source: string, line: TrendLine): string {
  return `<span class="verdict ${verdictClass(line.verdict)}" data-source="${source}" data-verdict="${escapeHtml(line.verdict)}">${escapeHtml(line.verdict)}</span>`;
}

/** The success-rate and cost charts over the runs the trend analysis used (each with its empty case). */
function trendCharts(trends: TrendReport, ordered: readonly AnalysisRun[]): { successChart: string; costChart: string } {
  const withIssues = ordered.filter((r) => r.issues > 0);
  const priced = ordered.filter((r) => r.unpricedRecords === 0);
  const successChart =
    withIssues.length === 0
      ? '<p class="empty">No run with issues.</p>'
      : trendChart('trend-success', 'Run success rate per run, in start order', {
          values: withIssues.map((r) => r.completedIssues / r.issues),
          runs: withIssues,
          slope: trends.successRate.slopePerRun?.estimate ?? null,
          firstThirdMean: trends.successRate.firstThirdMean?.estimate ?? null,
          lastThirdMean: trends.successRate.lastThirdMean?.estimate ?? null,
          format: pct,
          tickFormat: pctTick,
          domain: [0, 1],
          source: 'trend:success',
        });
  const costChart =
    priced.length === 0
      ? '<p class="empty">No fully priced run.</p>'
      : trendChart('trend-cost', 'Cost per run, in start order', {
          values: priced.map((r) => r.costUsd),
          runs: priced,
          slope: trends.costPerRun.slopePerRun?.estimate ?? null,
          firstThirdMean: trends.costPerRun.firstThirdMean?.estimate ?? null,
          lastThirdMean: trends.costPerRun.lastThirdMean?.estimate ?? null,
          format: usd,
          tickFormat: usdTick,
          source: 'trend:cost',
        });
  return { successChart, costChart };
}

/** Run success rate and cost per run over time: one chart each, and the test's verdicts in a table. */
export function trendsSection(
  trends: TrendReport,
  runs: readonly RunReadModels[],
  pricedNow: ReadonlyMap<string, AnalysisRun> | null = null,
): string {
  const ordered = trendRuns(runs, trends.lastN, pricedNow);
  const { successChart, costChart } = trendCharts(trends, ordered);
  type Row = {
    name: string;
    source: string;
    line: TrendLine;
    mean: (e: Estimate | null | undefined) => string;
    slope: (e: Estimate | null | undefined) => string;
  };
  const rows: Row[] = [
    { name: 'run success rate', source: 'trend:success', line: trends.successRate, mean: pctInterval, slope: ppInterval },
    { name: 'cost per run', source: 'trend:cost', line: trends.costPerRun, mean: usdInterval, slope: signedUsdInterval },
  ];
  const columns: Column<Row>[] = [
    { header: 'measure', cell: (r) => escapeHtml(r.name) },
    { header: 'runs', numeric: true, cell: (r) => figure({ source: r.source, metric: 'runs' }, r.line.runs, int(r.line.runs)) },
    {
      header: 'first third [95% CI]',
      numeric: true,
      cell: (r) => intervalFigure({ source: r.source, metric: 'first-third-mean' }, r.line.firstThirdMean, r.mean),
    },
    {
      header: 'last third [95% CI]',
      numeric: true,
      cell: (r) => intervalFigure({ source: r.source, metric: 'last-third-mean' }, r.line.lastThirdMean, r.mean),
    },
    {
      header: 'slope per run [95% CI]',
      numeric: true,
      cell: (r) => intervalFigure({ source: r.source, metric: 'slope' }, r.line.slopePerRun, r.slope),
    },
    {
      header: 'p (Mann-Kendall)',
      numeric: true,
      cell: (r) => figure({ source: r.source, metric: 'p' }, r.line.test?.p, pValue(r.line.test?.p)),
    },
    { header: 'verdict', cell: (r) => verdictHtml(r.source, r.line) },
  ];
  const span = trends.lastN === null ? 'all finished runs' : `the last ${trends.lastN} finished runs`;
  return `<section class="panel" id="trends">
<h2>Trends over time</h2>
<p class="lead">Over ${escapeHtml(span)} in start order (${escapeHtml(utcMinute(trends.from))} to ${escapeHtml(utcMinute(trends.to))}). A verdict needs the Mann-Kendall test at p &lt; 0.05 and a slope interval that excludes 0; otherwise "no significant trend".</p>
<div class="grid-2">
<figure><figcaption>Run success rate — ${verdictHtml('trend:success', trends.successRate)}</figcaption>${successChart}</figure>
<figure><figcaption>Cost per run (priced runs) — ${verdictHtml('trend:cost', trends.costPerRun)}</figcaption>${costChart}</figure>
</div>
<div class="legend"><span><span class="key dot"></span>one run</span><span><span class="key fit"></span>least-squares line (the analysis' slope)</span><span><span class="key third"></span>mean of the first and of the last third</span></div>
${htmlTable(columns, rows, { attributes: { 'data-table': 'trends' } })}
</section>`;
}
