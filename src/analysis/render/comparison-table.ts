import type { Comparison, ConfigGroup } from '../compare.js';
import { MIN_ISSUES, MIN_RUNS } from '../group-stats.js';
import type { VersusBaseline } from '../versus-baseline.js';
import { deff, durationColumn, num, pctInterval, pp, ppInterval, pValue, usd, usdInterval } from './format.js';
import type { TextTable } from './table.js';

const TEST_NAMES: Record<NonNullable<VersusBaseline['test']>, string> = {
  'cluster-t': 'cluster t',
  'mcnemar-exact': 'McNemar (exact)',
  'fisher-exact': 'Fisher (exact)',
};
export const testName = (v: VersusBaseline | null | undefined): string => (v?.test ? TEST_NAMES[v.test] : '–');

/** One row per group: every rate with its interval beside it, the design effect, the test, and the insufficient-sample flag. */
export function comparisonTable(comparison: Comparison): TextTable {
  const issueDuration = durationColumn(comparison.groups.map((g) => g.medianIssueDurationMs));
  return {
    headers: [
      '#',
      comparison.by.join(', '),
      'runs',
      'issues',
      'issue success [95% CI]',
      'deff',
      'vs baseline [95% CI]',
      'test',
      'p (Holm)',
      'run success [95% CI]',
      '$ / successful issue [95% CI]',
      '$ / run',
      'median issue',
      'first-time-right',
      'complexity',
      'note',
    ],
    right: new Set([0, 2, 3, 5, 8, 11, 12, 14]),
    rows: comparison.groups.map((g) => [
      String(g.rank),
      g.label,
      String(g.runs),
      String(g.issues),
      pctInterval(g.issueSuccessRate),
      deff(g.issueSuccessRate),
      g.isBaseline ? 'baseline' : ppInterval(g.versusBaseline?.difference),
      g.isBaseline ? '' : testName(g.versusBaseline),
      g.isBaseline ? '' : pValue(g.versusBaseline?.holmP),
      pctInterval(g.runSuccessRate),
      usdInterval(g.costPerSuccessfulIssue),
      usd(g.costPerRun?.estimate),
      issueDuration(g.medianIssueDurationMs),
      pctInterval(g.firstTimeRightRate),
      num(g.meanComplexity),
      [
        g.insufficientSample ? `insufficient sample: ${g.insufficientSample}` : '',
        g.unpricedRuns.length ? `${g.unpricedRuns.length} run(s) left out of cost figures (unpriced records)` : '',
        g.pricedRuns === 0 && g.unpricedRuns.length < g.runs ? 'no priced token records: no cost figure' : '',
      ]
        .filter(Boolean)
        .join('; '),
    ]),
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What it would take to tell a difference that was not found, in plain words. */
function powerNote(g: ConfigGroup, baseline: ConfigGroup | undefined, v: VersusBaseline): string {
  const you = `you have ${g.runs} and ${baseline?.runs ?? '?'}`;
  const size = `${pp(v.runsNeededFor)} pp`;
  if (v.runsNeeded === null) return `telling a ${size} difference is out of reach (more than 100,000 runs per configuration)`;
  return `to tell a ${size} difference you need ${v.runsNeededIsLowerBound ? 'at least' : 'about'} ${plural(v.runsNeeded, 'run')} per configuration; ${you}`;
}

/** The verdict on one group against the baseline: a difference, none, or none possible, and what it would take. */
function verdictNote(
  g: ConfigGroup,
  v: VersusBaseline & { holmP: number },
  comparison: Comparison,
  baseline: ConfigGroup | undefined,
): string {
  const against = `${g.label} vs the baseline ${comparison.baseline}`;
  if (v.holmP < 0.05) {
    return `${g.label} differs from the baseline ${comparison.baseline}: ${ppInterval(v.difference)} in issue success (${testName(v)}, p = ${pValue(v.holmP)}, Holm-adjusted).`;
  }
  if (!v.canReachSignificance && v.test === 'cluster-t') {
    return `${against}: with ${g.runs} runs against ${baseline?.runs ?? '?'}, no real difference could be detected reliably (it would have to exceed ${pp(v.detectable ?? 1)} pp); ${powerNote(g, baseline, v)}.`;
  }
  if (!v.canReachSignificance) return `${against}: with this design no outcome could be significant at 5%; ${powerNote(g, baseline, v)}.`;
  const detects = v.detectable !== null ? `; this data detects differences of ${pp(v.detectable)} pp or more` : '';
  return `${against}: ${ppInterval(v.difference)}, not significant (p = ${pValue(v.holmP)})${detects}; ${powerNote(g, baseline, v)}.`;
}

/** Plain sentences under a comparison: what the data can and cannot tell, and what it would take. */
export function comparisonNotes(comparison: Comparison): string[] {
  if (comparison.groups.length === 0) return ['No finished runs.'];
  const notes: string[] = [];
  const baseline = comparison.groups.find((g) => g.isBaseline);
  if (comparison.groups.every((g) => g.insufficientSample !== null)) {
    notes.push(
      `No group has enough data (${MIN_ISSUES} issues and ${MIN_RUNS} runs each): these numbers cannot tell the configurations apart.`,
    );
  }
  for (const g of comparison.groups) {
    const v = g.versusBaseline;
    if (!v || v.holmP === null || !v.difference) continue;
    const against = `${g.label} vs the baseline ${comparison.baseline}`;
    notes.push(verdictNote(g, { ...v, holmP: v.holmP }, comparison, baseline));
    if (v.caveat) notes.push(`${against}: ${v.caveat}.`);
    if (v.issuePaired) {
      notes.push(
        `${against} on the ${plural(v.issuePaired.sharedIssues, 'issue')} both attempted: ${pp(v.issuePaired.estimate, true)} pp (issue-paired; shown beside the test, not as it).`,
      );
    }
  }
  if (comparison.groups.some((g) => (g.issueSuccessRate?.designEffect ?? 1) > 1)) {
    notes.push(
      "deff (design effect): how much run-to-run variation widens a group's interval over treating its issues as independent (1 = no more than chance).",
    );
  }
  return notes;
}
