import type { Comparison, ConfigGroup } from '../analysis/compare.js';
import { comparisonNotes, testName } from '../analysis/render/comparison-table.js';
import { deff, durationColumn, num, pctInterval, ppInterval, pValue, usd, usdInterval } from '../analysis/render/format.js';
import type { DurationFormat } from '../analysis/render/format.js';
import { intervalChart } from './chart-intervals.js';
import { escapeHtml } from './escape.js';
import { figure, int, intervalFigure } from './figure-markup.js';
import { groupNote, keysText } from './group-note.js';
import { htmlTable, type Column } from './html-table.js';
import { badge } from './warnings.js';

export const compareSource = (c: Comparison): string => `compare:${c.by.join('+')}`;

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
  const columns = comparisonColumns(source, by, durationColumn(c.groups.map((g) => g.medianIssueDurationMs)));
  return `<div class="comparison" data-comparison="${escapeHtml(c.by.join('+'))}">
<h3>By ${escapeHtml(by)} <span class="small">(baseline: ${escapeHtml(c.baseline ?? '–')})</span></h3>
<figure>${chart}</figure>
${htmlTable(columns, c.groups, { rowAttrs: (g) => ({ class: g.insufficientSample ? 'row-muted' : undefined, 'data-group': g.label }), attributes: { 'data-table': source } })}
<ul class="notes">${comparisonNotes(c)
    .map((n) => `<li>${escapeHtml(n)}</li>`)
    .join('')}</ul>
</div>`;
}

function comparisonColumns(source: string, by: string, issueDuration: DurationFormat): Column<ConfigGroup>[] {
  return [
    { header: '#', numeric: true, className: 'rank', cell: (g) => String(g.rank) },
    {
      header: by,
      className: 'group',
      cell: (g) => `${escapeHtml(g.label)}${g.isBaseline ? ` ${badge('baseline', 'baseline')}` : ''}${groupNote(source, g.label, g)}`,
    },
    { header: 'runs', numeric: true, cell: (g) => figure({ source, group: g.label, metric: 'runs' }, g.runs, int(g.runs)) },
    { header: 'issues', numeric: true, cell: (g) => figure({ source, group: g.label, metric: 'issues' }, g.issues, int(g.issues)) },
    {
      header: 'issue success [95% CI]',
      numeric: true,
      cell: (g) => intervalFigure({ source, group: g.label, metric: 'issue-success' }, g.issueSuccessRate, pctInterval),
    },
    {
      header: 'deff',
      numeric: true,
      title: 'design effect: how much run-to-run variation widens the interval',
      cell: (g) => figure({ source, group: g.label, metric: 'design-effect' }, g.issueSuccessRate?.designEffect, deff(g.issueSuccessRate)),
    },
    {
      header: 'vs baseline [95% CI]',
      numeric: true,
      cell: (g) =>
        g.isBaseline ? '–' : intervalFigure({ source, group: g.label, metric: 'vs-baseline' }, g.versusBaseline?.difference, ppInterval),
    },
    { header: 'test', cell: (g) => (g.isBaseline ? '–' : escapeHtml(testName(g.versusBaseline))) },
    {
      header: 'p (Holm)',
      numeric: true,
      cell: (g) =>
        g.isBaseline ? '–' : figure({ source, group: g.label, metric: 'holm-p' }, g.versusBaseline?.holmP, pValue(g.versusBaseline?.holmP)),
    },
    {
      header: 'run success [95% CI]',
      numeric: true,
      cell: (g) => intervalFigure({ source, group: g.label, metric: 'run-success' }, g.runSuccessRate, pctInterval),
    },
    {
      header: 'first‑time‑right [95% CI]',
      numeric: true,
      cell: (g) => intervalFigure({ source, group: g.label, metric: 'first-time-right' }, g.firstTimeRightRate, pctInterval),
    },
    {
      header: '$ / successful issue [95% CI]',
      numeric: true,
      cell: (g) => intervalFigure({ source, group: g.label, metric: 'cost-per-success' }, g.costPerSuccessfulIssue, usdInterval),
    },
    {
      header: '$ / run',
      numeric: true,
      cell: (g) => figure({ source, group: g.label, metric: 'cost-per-run' }, g.costPerRun?.estimate, usd(g.costPerRun?.estimate)),
    },
    {
      header: 'median issue',
      numeric: true,
      title: 'median duration of a finished issue',
      cell: (g) =>
        figure(
          { source, group: g.label, metric: 'median-issue-duration' },
          g.medianIssueDurationMs,
          issueDuration(g.medianIssueDurationMs),
        ),
    },
    {
      header: 'complexity',
      numeric: true,
      title: 'mean complexity score (0-100) of finished issues',
      cell: (g) => figure({ source, group: g.label, metric: 'complexity' }, g.meanComplexity, num(g.meanComplexity)),
    },
  ];
}

export function comparisonsSection(comparisons: readonly Comparison[]): string {
  return `<section class="panel" id="comparisons">
<h2>Comparisons</h2>
<p class="lead">Each key on its own, against the group with the most issues (the baseline), with runs as the unit: a cluster t test on run-to-run variation when both groups have two runs or more, an exact test on shared issues (McNemar) or pooled issues (Fisher) when one has a single run; Holm-adjusted across groups. Where no difference is found, the notes say how many runs it would take.</p>
${comparisons.map(comparisonBlock).join('\n')}
</section>`;
}
