import type { AnalysisRun } from '../../projections/analysis-input.js';
import type { RunReadModels } from '../../projections/run-projection.js';
import { analysedRunsPhrase, MIN_ISSUES, MIN_RUNS } from '../analysis/index.js';
import type { AnalysisReport } from '../analysis/report.js';
import { escapeHtml } from './escape.js';
import { int } from './figure-markup.js';
import { page } from './layout.js';
import { activitySection } from './section-activity.js';
import { comparisonsSection } from './section-comparisons.js';
import { configurationsSection, costVersusSuccessSection } from './section-configurations.js';
import { influenceAndCostSection } from './section-influence-cost.js';
import { cautionsCallout, summaryCards } from './section-overview.js';
import { runsSection, utcMinute } from './section-runs.js';
import { trendsSection } from './section-trends.js';

export interface HtmlReportInput {
  readonly analysis: AnalysisReport;
  /** Every run's read models (loadRunReadModels): the runs, tools, pipelines and errors tables. */
  readonly runs: readonly RunReadModels[];
  readonly title?: string;
  /** Where the data came from (the logs folder), shown in the header. */
  readonly generatedFrom: string;
  /**
   * The analyzer's runs re-priced with today's table (`--prices-as current`), when the analysis was
   * made from them: costs then show as priced now, with the recorded figure and both sources beside them.
   */
  readonly pricedNow?: readonly AnalysisRun[];
}

/** The re-priced runs by id, and one line naming the table that priced them now; null with costs as recorded. */
function repricing(input: HtmlReportInput): { byRun: ReadonlyMap<string, AnalysisRun>; source: string } | null {
  const repriced = (input.pricedNow ?? []).filter((r) => r.repriced !== undefined);
  if (repriced.length === 0) return null;
  const table = repriced[0]!.repriced!.table;
  const override = table.overrideFile
    ? ` and the override file ${table.overrideFile} (sha256 ${table.overrideSha256?.slice(0, 12) ?? '–'}…)`
    : '';
  return {
    byRun: new Map(repriced.map((r) => [r.runId, r])),
    source: `${table.package} ${table.version}${override}`,
  };
}

const sortedUnique = (values: readonly string[]): string[] => [...new Set(values.filter((v) => v !== ''))].sort();

/**
 * The analysis and the run tables as one self-contained HTML page: inline CSS, charts drawn as
 * inline SVG here, no script, nothing fetched. Pure: no clock, no I/O; the same input gives the
 * same bytes. Every string from the data is escaped; every number shown from the analysis carries
 * its exact value in data attributes (data-source, data-group, data-metric, data-value).
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { analysis, runs } = input;
  const priced = repricing(input);
  const title = input.title ?? 'runledger report';
  // The data's own latest moment stands in for "generated at": the report has no clock.
  const latest = runs.reduce<string | null>((max, r) => {
    const t = r.run.endedAt ?? r.run.startedAt;
    return max === null || t > max ? t : max;
  }, null);
  const settings = analysis.settings;
  const subtitle =
    `${escapeHtml(analysedRunsPhrase(analysis.runs))} from ${escapeHtml(utcMinute(analysis.runs.from))} to ${escapeHtml(utcMinute(analysis.runs.to))}` +
    (analysis.runs.running > 0 ? ` · ${int(analysis.runs.running)} still running, left out` : '');
  const meta = [
    `from <code>${escapeHtml(input.generatedFrom)}</code>`,
    `data up to ${escapeHtml(utcMinute(latest))}`,
    `95% intervals · bootstrap ${int(settings.resamples)} resamples, seed ${escapeHtml(String(settings.seed))}`,
    ...(priced
      ? [
          `<span data-prices-as="current">costs priced now with ${escapeHtml(priced.source)} (--prices-as current); the runs table shows each run's recorded cost beside it</span>`,
        ]
      : []),
  ].join('<br>');
  const versions = sortedUnique(runs.map((r) => r.run.runledgerVersion));
  const priceTables = sortedUnique(runs.map((r) => r.run.priceTableVersion));
  const body = [
    summaryCards(analysis, runs),
    cautionsCallout(analysis, runs),
    configurationsSection(analysis.best),
    costVersusSuccessSection(analysis.best),
    comparisonsSection(analysis.comparisons),
    influenceAndCostSection(analysis.influence, analysis.costEfficiency),
    trendsSection(analysis.trends, runs, priced?.byRun ?? null),
    runsSection(runs, analysis.best.by, priced?.byRun ?? null),
    activitySection(runs),
  ].join('\n');
  const footer = [
    "<p>Issue success and first-time-right rates: Wilson score intervals over pooled issues. Run success, costs and slopes: percentile bootstrap over runs. Differences: Newcombe's hybrid score interval, Fisher's exact test, Holm-adjusted. Trends: Mann-Kendall test.",
    ` A group with fewer than ${MIN_ISSUES} issues or ${MIN_RUNS} runs is flagged and never ranked first.</p>`,
    `<p>Journals written by runledger ${escapeHtml(versions.join(', ') || '–')}; ${
      priced
        ? `costs priced now with ${escapeHtml(priced.source)}, not as recorded (the journals keep @pydantic/genai-prices ${escapeHtml(priceTables.join(', ') || '–')}, shown as "recorded" in the runs table)`
        : `prices from @pydantic/genai-prices ${escapeHtml(priceTables.join(', ') || '–')} as recorded in each run`
    }. This page is one file: it loads nothing.</p>`,
  ].join('');
  return page({
    title,
    subtitle,
    meta,
    nav: [
      { id: 'configurations', label: 'Configurations' },
      { id: 'pareto', label: 'Cost vs success' },
      { id: 'comparisons', label: 'Comparisons' },
      { id: 'influence', label: 'Parameters & cost' },
      { id: 'trends', label: 'Trends' },
      { id: 'runs', label: 'Runs' },
      { id: 'activity', label: 'Tools' },
      { id: 'pipelines', label: 'Pipelines' },
      { id: 'errors', label: 'Errors' },
    ],
    body,
    footer,
  });
}
