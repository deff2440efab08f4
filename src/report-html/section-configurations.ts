import { SCORE_WEIGHTS, type BestConfigurationReport, type ScoredGroup } from '../analysis/best.js';
import type { Comparison, ConfigGroup } from '../analysis/compare.js';
import type { CostEfficiencyReport } from '../analysis/cost-efficiency.js';
import { MIN_ISSUES, MIN_RUNS } from '../analysis/group-stats.js';
import type { InfluenceReport } from '../analysis/influence.js';
import { comparisonNotes, testName } from '../analysis/render/comparison-table.js';
import { deff, duration, num, pct, pctInterval, ppInterval, pValue, usd, usdInterval } from '../analysis/render/format.js';
import { bestVerdictLines, influenceNotes, strongestEffect } from '../analysis/render/sections.js';
import { intervalChart } from './chart-intervals.js';
import { scatterChart, type ScatterPoint } from './chart-scatter.js';
import { escapeHtml } from './escape.js';
import { figure, int, intervalFigure } from './figure-markup.js';
import { htmlTable, type Column } from './html-table.js';
import { badge, sampleWarning } from './warnings.js';

export const compareSource = (c: Comparison): string => `compare:${c.by.join('+')}`;
const keysText = (keys: readonly string[]): string => keys.join(', ');

/** Issue success per configuration (every key that varies): interval bars, then the ranking with the score's parts. */
export function configurationsSection(best: BestConfigurationReport): string {
  const source = 'best';
  const chart =
    best.ranking.length === 0
      ? `<p class="empty">${escapeHtml(best.note ?? 'No finished runs to compare.')}</p>`
      : intervalChart(
          'success-by-configuration',
          `Issue success rate per configuration (${keysText(best.by)}), 95% intervals over runs`,
          best.ranking.map((g) => ({
            label: g.label,
            interval: g.group.issueSuccessRate,
            text: pctInterval(g.group.issueSuccessRate),
            ref: { source, group: g.label, metric: 'issue-success' },
            insufficientSample: g.insufficientSample,
            highlight: best.best?.label === g.label,
          })),
        );
  const isBest = (g: ScoredGroup): boolean => best.best?.label === g.label;
  const columns: Column<ScoredGroup>[] = [
    { header: '#', numeric: true, className: 'rank', cell: (g) => String(best.ranking.indexOf(g) + 1) },
    {
      header: keysText(best.by),
      className: 'group',
      cell: (g) => `${escapeHtml(g.label)}${isBest(g) ? ` ${badge('completed', 'best')}` : ''}${g.onParetoFront ? ` ${badge('front', 'Pareto front')}` : ''}${groupNote(source, g.label, g.group)}`,
    },
    {
      header: 'score',
      numeric: true,
      title: '0-100: success + cost + speed points',
      cell: (g) =>
        `${figure({ source, group: g.label, metric: 'score' }, g.score, g.score.toFixed(1))}<span class="ci parts">${figure({ source, group: g.label, metric: 'score-success' }, g.parts.success, g.parts.success.toFixed(1))} + ${figure({ source, group: g.label, metric: 'score-cost' }, g.parts.cost, g.parts.cost.toFixed(1))} + ${figure({ source, group: g.label, metric: 'score-speed' }, g.parts.speed, g.parts.speed.toFixed(1))}</span>`,
    },
    { header: 'runs', numeric: true, cell: (g) => figure({ source, group: g.label, metric: 'runs' }, g.group.runs, int(g.group.runs)) },
    { header: 'issues', numeric: true, cell: (g) => figure({ source, group: g.label, metric: 'issues' }, g.group.issues, int(g.group.issues)) },
    { header: 'issue success [95% CI]', numeric: true, cell: (g) => intervalFigure({ source, group: g.label, metric: 'issue-success' }, g.group.issueSuccessRate, pctInterval) },
    { header: 'deff', numeric: true, title: 'design effect: how much run-to-run variation widens the interval', cell: (g) => figure({ source, group: g.label, metric: 'design-effect' }, g.group.issueSuccessRate?.designEffect, deff(g.group.issueSuccessRate)) },
    { header: 'P(best)', numeric: true, title: 'how often this group has the highest success rate when runs are resampled', cell: (g) => (g.probabilityBest === null ? '–' : figure({ source, group: g.label, metric: 'probability-best' }, g.probabilityBest, g.probabilityBest.toFixed(2))) },
    { header: 'contender', cell: (g) => (g.label === best.leader?.label ? 'leader' : g.contender ? 'yes' : g.insufficientSample ? '' : 'no') },
    { header: 'first‑time‑right [95% CI]', numeric: true, cell: (g) => intervalFigure({ source, group: g.label, metric: 'first-time-right' }, g.group.firstTimeRightRate, pctInterval) },
    { header: '$ / successful issue [95% CI]', numeric: true, cell: (g) => intervalFigure({ source, group: g.label, metric: 'cost-per-success' }, g.group.costPerSuccessfulIssue, usdInterval) },
    { header: '$ / run [95% CI]', numeric: true, cell: (g) => intervalFigure({ source, group: g.label, metric: 'cost-per-run' }, g.group.costPerRun, usdInterval) },
    { header: 'median issue', numeric: true, title: 'median duration of a finished issue', cell: (g) => figure({ source, group: g.label, metric: 'median-issue-duration' }, g.group.medianIssueDurationMs, duration(g.group.medianIssueDurationMs)) },
  ];
  const w = SCORE_WEIGHTS;
  const notes = [
    ...bestVerdictLines(best).map(escapeHtml),
    `Score = ${w.success} × lower end of the success interval + ${w.cost} × cheapest cost ÷ this cost + ${w.speed} × fastest median issue duration ÷ this duration (cheapest and fastest among the groups with enough data; each part at most its weight). Groups with too little data rank last and are not judged.`,
  ];
  return `<section class="panel" id="configurations">
<h2>Success rate per configuration</h2>
<p class="lead">Issue success rate (completed ÷ started issues) for every combination of ${escapeHtml(keysText(best.by))}, with 95% intervals that treat the run as the unit. The dot is the estimate, the bar its interval. ⚠ marks a group with fewer than ${MIN_ISSUES} issues or ${MIN_RUNS} runs: shown, never judged.</p>
<figure>${chart}</figure>
${htmlTable(columns, best.ranking, { rowAttrs: (g) => ({ class: best.best?.label === g.label ? 'row-best' : g.insufficientSample ? 'row-muted' : undefined, 'data-group': g.label }), attributes: { 'data-table': 'ranking' } })}
<ul class="notes">${notes.map((n) => `<li>${n}</li>`).join('')}</ul>
</section>`;
}

/** The group's warnings, under its name: an insufficient sample, unpriced runs left out of its costs. */
function groupNote(source: string, label: string, g: ConfigGroup): string {
  const parts: string[] = [];
  if (g.insufficientSample) parts.push(sampleWarning(source, label, g.insufficientSample));
  if (g.unpricedRuns.length > 0) parts.push(`<span class="warning">${g.unpricedRuns.length} unpriced run${g.unpricedRuns.length === 1 ? '' : 's'} left out of costs</span>`);
  return parts.length === 0 ? '' : `<div class="notes-inline">${parts.join(' ')}</div>`;
}

/** Cost per successful issue against success rate, the Pareto front marked, with the front listed beside it. */
export function costVersusSuccessSection(best: BestConfigurationReport): string {
  const plotted = best.ranking.filter((g) => g.group.costPerSuccessfulIssue !== null && g.group.issueSuccessRate !== null);
  const missing = best.ranking.filter((g) => !plotted.includes(g));
  const points: ScatterPoint[] = plotted.map((g) => ({
    label: g.label,
    cost: g.group.costPerSuccessfulIssue!.estimate,
    success: g.group.issueSuccessRate!.estimate,
    onParetoFront: g.onParetoFront,
    rank: best.ranking.indexOf(g) + 1,
    insufficientSample: g.insufficientSample,
    successRef: { source: 'best', group: g.label, metric: 'issue-success' },
  }));
  const chart = points.length === 0 ? '<p class="empty">No configuration has a priced successful issue: nothing to plot.</p>' : scatterChart('cost-vs-success', 'Cost per successful issue against issue success rate, Pareto front marked', points);
  const front = best.ranking.filter((g) => g.onParetoFront);
  return `<section class="panel" id="pareto">
<h2>Cost per successful issue vs success rate</h2>
<p class="lead">Each dot is a configuration: up is more successful, left is cheaper. Ringed dots are on the Pareto front: no other configuration is at least as good on success, cost <em>and median duration</em> and better on one (so a fast configuration can be on the front even where this chart shows it dominated).</p>
<div class="grid-scatter">
<figure>${chart}
<div class="legend"><span><span class="key front"></span>on the Pareto front</span><span><span class="key ring"></span>dominated</span><span>⚠ insufficient sample</span><span>a number: the configuration's # in the ranking above, where its name does not fit</span></div></figure>
<div class="side">
<h3>Pareto front</h3>
${front.length === 0 ? '<p>None.</p>' : `<ol>${front.map((g) => `<li data-pareto="${escapeHtml(g.label)}">${escapeHtml(g.label)} <span class="small">(${usd(g.group.costPerSuccessfulIssue?.estimate)}, ${pct(g.group.issueSuccessRate?.estimate)}, ${duration(g.group.medianIssueDurationMs)} per issue)</span></li>`).join('')}</ol>`}
${missing.length === 0 ? '' : `<h3>Not plotted</h3><p>No priced successful issue, so no cost per successful issue: ${missing.map((g) => escapeHtml(g.label)).join('; ')}.</p>`}
<p>Costs are Σ cost ÷ Σ completed issues over fully priced runs; a run with unpriced tokens is left out, never counted as $0.</p>
</div>
</div>
</section>`;
}

/** One comparison (the v2 metrics system's questions "which model / temperature / retries"): interval bars, the table, and what the data can tell. */
export function comparisonBlock(c: Comparison): string {
  const source = compareSource(c);
  const by = keysText(c.by);
  const chart = intervalChart(
    `success-by-${c.by.join('-')}`,
    `Issue success rate by ${by}, 95% intervals over runs`,
    c.groups.map((g) => ({
      label: g.label,
      interval: g.issueSuccessRate,
      text: pctInterval(g.issueSuccessRate),
      ref: { source, group: g.label, metric: 'issue-success' },
      insufficientSample: g.insufficientSample,
      highlight: false,
    })),
  );
  const columns: Column<ConfigGroup>[] = [
    { header: '#', numeric: true, className: 'rank', cell: (g) => String(g.rank) },
    { header: by, className: 'group', cell: (g) => `${escapeHtml(g.label)}${g.isBaseline ? ` ${badge('baseline', 'baseline')}` : ''}${groupNote(source, g.label, g)}` },
    { header: 'runs', numeric: true, cell: (g) => figure({ source, group: g.label, metric: 'runs' }, g.runs, int(g.runs)) },
    { header: 'issues', numeric: true, cell: (g) => figure({ source, group: g.label, metric: 'issues' }, g.issues, int(g.issues)) },
    { header: 'issue success [95% CI]', numeric: true, cell: (g) => intervalFigure({ source, group: g.label, metric: 'issue-success' }, g.issueSuccessRate, pctInterval) },
    { header: 'deff', numeric: true, title: 'design effect: how much run-to-run variation widens the interval', cell: (g) => figure({ source, group: g.label, metric: 'design-effect' }, g.issueSuccessRate?.designEffect, deff(g.issueSuccessRate)) },
    { header: 'vs baseline [95% CI]', numeric: true, cell: (g) => (g.isBaseline ? '–' : intervalFigure({ source, group: g.label, metric: 'vs-baseline' }, g.versusBaseline?.difference, ppInterval)) },
    { header: 'test', cell: (g) => (g.isBaseline ? '–' : escapeHtml(testName(g.versusBaseline))) },
    { header: 'p (Holm)', numeric: true, cell: (g) => (g.isBaseline ? '–' : figure({ source, group: g.label, metric: 'holm-p' }, g.versusBaseline?.holmP, pValue(g.versusBaseline?.holmP))) },
    { header: 'run success [95% CI]', numeric: true, cell: (g) => intervalFigure({ source, group: g.label, metric: 'run-success' }, g.runSuccessRate, pctInterval) },
    { header: 'first‑time‑right [95% CI]', numeric: true, cell: (g) => intervalFigure({ source, group: g.label, metric: 'first-time-right' }, g.firstTimeRightRate, pctInterval) },
    { header: '$ / successful issue [95% CI]', numeric: true, cell: (g) => intervalFigure({ source, group: g.label, metric: 'cost-per-success' }, g.costPerSuccessfulIssue, usdInterval) },
    { header: '$ / run', numeric: true, cell: (g) => figure({ source, group: g.label, metric: 'cost-per-run' }, g.costPerRun?.estimate, usd(g.costPerRun?.estimate)) },
    { header: 'median issue', numeric: true, title: 'median duration of a finished issue', cell: (g) => figure({ source, group: g.label, metric: 'median-issue-duration' }, g.medianIssueDurationMs, duration(g.medianIssueDurationMs)) },
    { header: 'complexity', numeric: true, title: 'mean complexity score (0-100) of finished issues', cell: (g) => figure({ source, group: g.label, metric: 'complexity' }, g.meanComplexity, num(g.meanComplexity)) },
  ];
  return `<div class="comparison" data-comparison="${escapeHtml(c.by.join('+'))}">
<h3>By ${escapeHtml(by)} <span class="small">(baseline: ${escapeHtml(c.baseline ?? '–')})</span></h3>
<figure>${chart}</figure>
${htmlTable(columns, c.groups, { rowAttrs: (g) => ({ class: g.insufficientSample ? 'row-muted' : undefined, 'data-group': g.label }), attributes: { 'data-table': source } })}
<ul class="notes">${comparisonNotes(c).map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>
</div>`;
}

export function comparisonsSection(comparisons: readonly Comparison[]): string {
  return `<section class="panel" id="comparisons">
<h2>Comparisons</h2>
<p class="lead">Each key on its own, against the group with the most issues (the baseline), with runs as the unit: a cluster t test on run-to-run variation when both groups have two runs or more, an exact test on shared issues (McNemar) or pooled issues (Fisher) when one has a single run; Holm-adjusted across groups. Where no difference is found, the notes say how many runs it would take.</p>
${comparisons.map(comparisonBlock).join('\n')}
</section>`;
}

/** Which keys matter, and the cost efficiency table. */
export function influenceAndCostSection(influence: InfluenceReport, cost: CostEfficiencyReport): string {
  type Key = InfluenceReport['keys'][number];
  const src = (k: Key): string => `influence:${k.keys.join('+')}`;
  const influenceColumns: Column<Key>[] = [
    { header: 'key', className: 'group', cell: (k) => `${escapeHtml(k.keys.join(' + '))}${k.confounded ? ` ${badge('interrupted', 'confounded')}` : ''}` },
    { header: 'levels', numeric: true, cell: (k) => String(k.levels.length) },
    {
      header: 'largest effect on success vs reference [95% CI]',
      numeric: true,
      cell: (k) => {
        const e = strongestEffect(k);
        return e ? `${intervalFigure({ source: src(k), metric: 'success-effect' }, e, ppInterval)}<span class="ci">${escapeHtml(e.level)} vs ${escapeHtml(k.reference ?? '–')}</span>` : '–';
      },
    },
    { header: 'p (F, Holm)', numeric: true, cell: (k) => (k.test ? figure({ source: src(k), metric: 'holm-p' }, k.test.holmP, pValue(k.test.holmP)) : '–') },
    { header: 'verdict', cell: (k) => (k.test === null ? 'not testable' : k.significant ? 'matters' : 'no evidence') },
    {
      header: '$ / successful issue: dearest − cheapest [95% CI]',
      numeric: true,
      cell: (k) =>
        k.costEffect
          ? `${k.costEffect.difference ? intervalFigure({ source: src(k), metric: 'cost-effect' }, k.costEffect.difference, usdInterval) : escapeHtml(usd(k.costEffect.estimate))}<span class="ci">${escapeHtml(k.costEffect.dearest)} vs ${escapeHtml(k.costEffect.cheapest)}</span>`
          : '–',
    },
  ];
  type CostGroup = CostEfficiencyReport['groups'][number];
  const costColumns: Column<CostGroup>[] = [
    { header: keysText(cost.by), className: 'group', cell: (g) => `${escapeHtml(g.label)}${g.insufficientSample ? `<div class="notes-inline">${sampleWarning('cost', g.label, g.insufficientSample)}</div>` : ''}` },
    { header: '$ / successful issue [95% CI]', numeric: true, cell: (g) => intervalFigure({ source: 'cost', group: g.label, metric: 'cost-per-success' }, g.costPerSuccessfulIssue, usdInterval) },
    { header: 'successful issues', numeric: true, cell: (g) => figure({ source: 'cost', group: g.label, metric: 'successful-issues' }, g.successfulIssues, int(g.successfulIssues)) },
    { header: 'priced runs', numeric: true, cell: (g) => figure({ source: 'cost', group: g.label, metric: 'priced-runs' }, g.pricedRuns, int(g.pricedRuns)) },
    { header: 'unpriced runs', numeric: true, cell: (g) => String(g.unpricedRuns.length) },
  ];
  const notesOfInfluence = influenceNotes(influence).map(escapeHtml);
  const unpriced =
    cost.unpricedRuns.length === 0
      ? 'Every run is priced.'
      : `${cost.unpricedRuns.length} run${cost.unpricedRuns.length === 1 ? ' has' : 's have'} token records without a price and ${cost.unpricedRuns.length === 1 ? 'is' : 'are'} left out of every cost figure (never counted as $0): ${cost.unpricedRuns
          .map((r) => `<span class="id">${escapeHtml(r.runId)}</span> (${escapeHtml(r.models.join(', '))})`)
          .join('; ')}.`;
  return `<section class="panel" id="influence">
<h2>Which parameters matter</h2>
<p class="lead">Every key that varies, estimated together so that each effect holds the other keys fixed: each level's effect on issue success against the most common level (run-clustered interval), an F test per key with Holm's adjustment across keys, and the dearest level's cost per successful issue minus the cheapest's (t over runs).</p>
${htmlTable(influenceColumns, influence.keys, { empty: 'No configuration key varies between the runs.', attributes: { 'data-table': 'influence' } })}
${notesOfInfluence.length ? `<ul class="notes">${notesOfInfluence.map((n) => `<li>${n}</li>`).join('')}</ul>` : ''}
<h3>Cost efficiency by ${escapeHtml(keysText(cost.by))}</h3>
${htmlTable(costColumns, cost.groups, { attributes: { 'data-table': 'cost' } })}
<ul class="notes"><li>Most efficient: ${escapeHtml(cost.mostEfficient.join(', ') || '–')}. Least efficient: ${escapeHtml(cost.leastEfficient.join(', ') || '–')}.</li><li>${unpriced}</li></ul>
</section>`;
}
