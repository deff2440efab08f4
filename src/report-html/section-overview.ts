import type { RunReadModels, RunStatus } from '../../projections/run-projection.js';
import type { Comparison } from '../analysis/compare.js';
import { pct, pctInterval, usd, usdInterval } from '../analysis/render/format.js';
import type { AnalysisReport } from '../analysis/report.js';
import { escapeHtml } from './escape.js';
import { figure, int, intervalFigure } from './figure-markup.js';
import { compareSource } from './section-comparisons.js';
import { verdictHtml } from './section-trends.js';
import { sampleWarning } from './warnings.js';

/** The four numbers to read first: the best configuration, the runs, the success trend, the cheapest per success. */
export function summaryCards(analysis: AnalysisReport, runs: readonly RunReadModels[]): string {
  const { best, trends, costEfficiency } = analysis;
  const count = (s: RunStatus): number => runs.filter((r) => r.run.status === s).length;
  const b = best.best;
  const bestCard = b
    ? `<div class="big" data-best="${escapeHtml(b.label)}">${escapeHtml(b.label)}</div>
<div class="small">score ${figure({ source: 'best', group: b.label, metric: 'score' }, b.score, b.score.toFixed(1))} of 100 · success ${intervalFigure({ source: 'best', group: b.label, metric: 'issue-success' }, b.group.issueSuccessRate, pctInterval)}</div>
<div class="small">${intervalFigure({ source: 'best', group: b.label, metric: 'cost-per-success' }, b.group.costPerSuccessfulIssue, usdInterval)} per successful issue</div>`
    : best.verdict === 'no-clear-winner'
      ? `<div class="big" data-verdict="no-clear-winner">no clear winner</div>
<div class="small">contenders: ${escapeHtml(best.contenders.join('; '))}</div>
<div class="small">${best.runsToSeparate === null ? 'out of reach at 5 pp' : `about ${int(best.runsToSeparate)} runs each would separate them`}</div>`
      : `<div class="big" data-verdict="not-enough-data">none yet</div><div class="small" data-best-note>${escapeHtml(best.note ?? '')}</div>`;
  const cheapest = costEfficiency.groups.find((g) => g.label === costEfficiency.mostEfficient[0]);
  const statusLine = (['completed', 'failed', 'interrupted', 'crashed'] as const)
    .filter((s) => count(s) > 0)
    .map((s) => (s === 'crashed' ? `<span class="bad">${int(count(s))} ${s}</span>` : `${int(count(s))} ${s}`))
    .join(' · ');
  return `<div class="cards">
<div class="card best"><div class="label">Best configuration (${escapeHtml(best.by.join(', '))})</div>${bestCard}</div>
<div class="card"><div class="label">Runs analysed</div><div class="big">${figure({ source: 'summary', metric: 'runs-analysed' }, analysis.runs.analysed, int(analysis.runs.analysed))}</div>
<div class="small">${statusLine || 'none'}</div>
<div class="small">${figure({ source: 'summary', metric: 'runs-running' }, analysis.runs.running, int(analysis.runs.running))} still running (left out)</div></div>
<div class="card"><div class="label">Success trend</div><div class="big">${verdictHtml('trend:success', trends.successRate)}</div>
<div class="small">first third ${figure({ source: 'trend:success', metric: 'first-third-mean' }, trends.successRate.firstThirdMean?.estimate, pct(trends.successRate.firstThirdMean?.estimate))} → last third ${figure({ source: 'trend:success', metric: 'last-third-mean' }, trends.successRate.lastThirdMean?.estimate, pct(trends.successRate.lastThirdMean?.estimate))}</div>
<div class="small">over ${int(trends.runs)} runs</div></div>
<div class="card"><div class="label">Cheapest per successful issue (${escapeHtml(costEfficiency.by.join(', '))})</div>${
    cheapest
      ? `<div class="big">${escapeHtml(cheapest.label)}</div><div class="small">${figure({ source: 'cost', group: cheapest.label, metric: 'cost-per-success' }, cheapest.costPerSuccessfulIssue?.estimate, usd(cheapest.costPerSuccessfulIssue?.estimate))} per successful issue</div><div class="small">over ${int(cheapest.successfulIssues)} successful issues</div>`
      : '<div class="big">–</div><div class="small">no priced successful issue</div>'
  }</div>
</div>`;
}

/** What to keep in mind before reading the numbers: small samples, crashed runs, unpriced runs. */
export function cautionsCallout(analysis: AnalysisReport, runs: readonly RunReadModels[]): string {
  const items: string[] = [];
  const flagged = (source: string, title: string, groups: ReadonlyArray<{ label: string; insufficientSample: string | null }>): void => {
    const bad = groups.filter((g) => g.insufficientSample !== null);
    if (bad.length === 0) return;
    items.push(
      `<strong>${escapeHtml(title)}:</strong> ${bad.map((g) => `${escapeHtml(g.label)} ${sampleWarning(source, g.label, g.insufficientSample!)}`).join('; ')}`,
    );
  };
  flagged('best', `Configurations (${analysis.best.by.join(', ')})`, analysis.best.ranking);
  analysis.comparisons.forEach((c: Comparison) => flagged(compareSource(c), `By ${c.by.join(', ')}`, c.groups));
  if (!analysis.best.best && analysis.best.note) items.push(escapeHtml(analysis.best.note));
  const crashed = runs.filter((r) => r.run.status === 'crashed');
  if (crashed.length > 0) {
    items.push(
      `<strong>${int(crashed.length)} crashed run${crashed.length === 1 ? '' : 's'}</strong> (no <code>RunFinished</code>, writer gone): ${crashed
        .slice(0, 10)
        .map((r) => `<span class="id">${escapeHtml(r.run.runId)}</span>`)
        .join(
          ', ',
        )}${crashed.length > 10 ? ` and ${int(crashed.length - 10)} more` : ''}. Their finished issues count; their open issues count as not completed.`,
    );
  }
  const unpriced = analysis.costEfficiency.unpricedRuns;
  if (unpriced.length > 0) {
    const models = [...new Set(unpriced.flatMap((r) => r.models))].sort();
    items.push(
      `<strong>${int(unpriced.length)} unpriced run${unpriced.length === 1 ? '' : 's'}</strong> left out of every cost figure (no price for ${escapeHtml(models.join(', '))}), never counted as $0.`,
    );
  }
  if (analysis.runs.running > 0)
    items.push(
      `${int(analysis.runs.running)} run${analysis.runs.running === 1 ? ' is' : 's are'} still running and left out of the analysis.`,
    );
  if (items.length === 0) return '';
  return `<div class="callout warn" id="cautions"><h2>Read with care</h2><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul></div>`;
}
