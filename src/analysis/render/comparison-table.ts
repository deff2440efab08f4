import type { Comparison } from '../compare.js';
import { duration, num, pctInterval, ppInterval, pValue, usd, usdInterval } from './format.js';
import type { TextTable } from './table.js';

/** One row per group: every rate with its interval beside it, and the insufficient-sample flag. */
export function comparisonTable(comparison: Comparison): TextTable {
  return {
    headers: ['#', comparison.by.join(', '), 'runs', 'issues', 'issue success [95% CI]', 'vs baseline', 'p (Holm)', 'run success [95% CI]', '$ / successful issue [95% CI]', '$ / run', 'median duration', 'first-time-right', 'complexity', 'note'],
    right: new Set([0, 2, 3, 6, 9, 10, 12]),
    rows: comparison.groups.map((g) => [
      String(g.rank),
      g.label,
      String(g.runs),
      String(g.issues),
      pctInterval(g.issueSuccessRate),
      g.isBaseline ? 'baseline' : ppInterval(g.versusBaseline?.difference),
      g.isBaseline ? '' : pValue(g.versusBaseline?.holmP),
      pctInterval(g.runSuccessRate),
      usdInterval(g.costPerSuccessfulIssue),
      usd(g.costPerRun?.estimate),
      duration(g.medianDurationMs),
      pctInterval(g.firstTimeRightRate),
      num(g.meanComplexity),
      [g.insufficientSample ? `insufficient sample: ${g.insufficientSample}` : '', g.unpricedRuns.length ? `${g.unpricedRuns.length} unpriced run(s) left out of costs` : '']
        .filter(Boolean)
        .join('; '),
    ]),
  };
}

/** Plain sentences under a comparison: what the data can and cannot tell. */
export function comparisonNotes(comparison: Comparison): string[] {
  const notes: string[] = [];
  const sufficient = comparison.groups.filter((g) => g.insufficientSample === null);
  const top = comparison.groups[0];
  if (!top) return ['No finished runs.'];
  if (sufficient.length === 0) notes.push('No group has enough data (10 issues and 3 runs each): these numbers cannot tell the configurations apart.');
  for (const g of comparison.groups) {
    const v = g.versusBaseline;
    if (!v || v.holmP === null || !v.difference) continue;
    if (v.holmP < 0.05) notes.push(`${g.label} differs from the baseline ${comparison.baseline}: ${ppInterval(v.difference)} in issue success (p = ${pValue(v.holmP)}, Holm-adjusted).`);
  }
  if (notes.length === 0 && comparison.groups.length > 1) {
    notes.push(`No group's issue success differs from the baseline ${comparison.baseline} at the 5% level after Holm's adjustment: the differences seen may be noise.`);
  }
  return notes;
}
