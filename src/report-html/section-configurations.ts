import { SCORE_WEIGHTS, type BestConfigurationReport, type ScoredGroup } from '../analysis/best.js';
import { MIN_ISSUES, MIN_RUNS } from '../analysis/group-stats.js';
import { deff, duration, durationColumn, pct, pctInterval, usd, usdInterval } from '../analysis/render/format.js';
import { bestVerdictLines } from '../analysis/render/sections.js';
import { intervalChart } from './chart-intervals.js';
import { scatterChart, type ScatterPoint } from './chart-scatter.js';
import { escapeHtml } from './escape.js';
import { figure, int, intervalFigure } from './figure-markup.js';
import { groupNote, keysText } from './group-note.js';
import { htmlTable, type Column } from './html-table.js';
import { badge } from './warnings.js';

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
  const columns = rankingColumns(best, source);
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

function rankingColumns(best: BestConfigurationReport, source: string): Column<ScoredGroup>[] {
  const isBest = (g: ScoredGroup): boolean => best.best?.label === g.label;
  const issueDuration = durationColumn(best.ranking.map((g) => g.group.medianIssueDurationMs));
  return [
    { header: '#', numeric: true, className: 'rank', cell: (g) => String(best.ranking.indexOf(g) + 1) },
    {
      header: keysText(best.by),
      className: 'group',
      cell: (g) =>
        `${escapeHtml(g.label)}${isBest(g) ? ` ${badge('completed', 'best')}` : ''}${g.onParetoFront ? ` ${badge('front', 'Pareto front')}` : ''}${groupNote(source, g.label, g.group)}`,
    },
    {
      header: 'score',
      numeric: true,
      title: '0-100: success + cost + speed points',
      cell: (g) =>
        `${figure({ source, group: g.label, metric: 'score' }, g.score, g.score.toFixed(1))}<span class="ci parts">${figure({ source, group: g.label, metric: 'score-success' }, g.parts.success, g.parts.success.toFixed(1))} + ${figure({ source, group: g.label, metric: 'score-cost' }, g.parts.cost, g.parts.cost.toFixed(1))} + ${figure({ source, group: g.label, metric: 'score-speed' }, g.parts.speed, g.parts.speed.toFixed(1))}</span>`,
    },
    { header: 'runs', numeric: true, cell: (g) => figure({ source, group: g.label, metric: 'runs' }, g.group.runs, int(g.group.runs)) },
    {
      header: 'issues',
      numeric: true,
      cell: (g) => figure({ source, group: g.label, metric: 'issues' }, g.group.issues, int(g.group.issues)),
    },
    {
      header: 'issue success [95% CI]',
      numeric: true,
      cell: (g) => intervalFigure({ source, group: g.label, metric: 'issue-success' }, g.group.issueSuccessRate, pctInterval),
    },
    {
      header: 'deff',
      numeric: true,
      title: 'design effect: how much run-to-run variation widens the interval',
      cell: (g) =>
        figure({ source, group: g.label, metric: 'design-effect' }, g.group.issueSuccessRate?.designEffect, deff(g.group.issueSuccessRate)),
    },
    {
      header: 'P(best)',
      numeric: true,
      title: 'how often this group has the highest success rate when runs are resampled',
      cell: (g) =>
        g.probabilityBest === null
          ? '–'
          : figure({ source, group: g.label, metric: 'probability-best' }, g.probabilityBest, g.probabilityBest.toFixed(2)),
    },
    {
      header: 'contender',
      cell: (g) => (g.label === best.leader?.label ? 'leader' : g.contender ? 'yes' : g.insufficientSample ? '' : 'no'),
    },
    {
      header: 'first‑time‑right [95% CI]',
      numeric: true,
      cell: (g) => intervalFigure({ source, group: g.label, metric: 'first-time-right' }, g.group.firstTimeRightRate, pctInterval),
    },
    {
      header: '$ / successful issue [95% CI]',
      numeric: true,
      cell: (g) => intervalFigure({ source, group: g.label, metric: 'cost-per-success' }, g.group.costPerSuccessfulIssue, usdInterval),
    },
    {
      header: '$ / run [95% CI]',
      numeric: true,
      cell: (g) => intervalFigure({ source, group: g.label, metric: 'cost-per-run' }, g.group.costPerRun, usdInterval),
    },
    {
      header: 'median issue',
      numeric: true,
      title: 'median duration of a finished issue',
      cell: (g) =>
        figure(
          { source, group: g.label, metric: 'median-issue-duration' },
          g.group.medianIssueDurationMs,
          issueDuration(g.group.medianIssueDurationMs),
        ),
    },
  ];
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
  const chart =
    points.length === 0
      ? '<p class="empty">No configuration has a priced successful issue: nothing to plot.</p>'
      : scatterChart('cost-vs-success', 'Cost per successful issue against issue success rate, Pareto front marked', points);
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
