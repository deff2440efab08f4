import type { CostEfficiencyReport } from '../analysis/cost-efficiency.js';
import type { InfluenceReport } from '../analysis/influence.js';
import { ppInterval, pValue, usd, usdInterval } from '../analysis/render/format.js';
import { influenceNotes, strongestEffect } from '../analysis/render/sections.js';
import { escapeHtml } from './escape.js';
import { figure, int, intervalFigure } from './figure-markup.js';
import { keysText } from './group-note.js';
import { htmlTable, type Column } from './html-table.js';
import { badge, sampleWarning } from './warnings.js';

/** Which keys matter, and the cost efficiency table. */
export function influenceAndCostSection(influence: InfluenceReport, cost: CostEfficiencyReport): string {
  type Key = InfluenceReport['keys'][number];
  const src = (k: Key): string => `influence:${k.keys.join('+')}`;
  const influenceColumns: Column<Key>[] = [
    {
      header: 'key',
      className: 'group',
      cell: (k) => `${escapeHtml(k.keys.join(' + '))}${k.confounded ? ` ${badge('interrupted', 'confounded')}` : ''}`,
    },
    { header: 'levels', numeric: true, cell: (k) => String(k.levels.length) },
    {
      header: 'largest effect on success vs reference [95% CI]',
      numeric: true,
      cell: (k) => {
        const e = strongestEffect(k);
        return e
          ? `${intervalFigure({ source: src(k), metric: 'success-effect' }, e, ppInterval)}<span class="ci">${escapeHtml(e.level)} vs ${escapeHtml(k.reference ?? '–')}</span>`
          : '–';
      },
    },
    {
      header: 'p (F, Holm)',
      numeric: true,
      cell: (k) => (k.test ? figure({ source: src(k), metric: 'holm-p' }, k.test.holmP, pValue(k.test.holmP)) : '–'),
    },
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
    {
      header: keysText(cost.by),
      className: 'group',
      cell: (g) =>
        `${escapeHtml(g.label)}${g.insufficientSample ? `<div class="notes-inline">${sampleWarning('cost', g.label, g.insufficientSample)}</div>` : ''}`,
    },
    {
      header: '$ / successful issue [95% CI]',
      numeric: true,
      cell: (g) => intervalFigure({ source: 'cost', group: g.label, metric: 'cost-per-success' }, g.costPerSuccessfulIssue, usdInterval),
    },
    {
      header: 'successful issues',
      numeric: true,
      cell: (g) => figure({ source: 'cost', group: g.label, metric: 'successful-issues' }, g.successfulIssues, int(g.successfulIssues)),
    },
    {
      header: 'priced runs',
      numeric: true,
      cell: (g) => figure({ source: 'cost', group: g.label, metric: 'priced-runs' }, g.pricedRuns, int(g.pricedRuns)),
    },
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
