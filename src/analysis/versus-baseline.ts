import type { AnalysisRun } from '../../projections/analysis-input.js';
import { runVarianceOf } from './runs-to-tell.js';
import { clusterTDifference, type ClusterTDifference } from './stats/cluster-t.js';
import { fisherExactTwoSided } from './stats/fisher.js';
import { mcnemarExactP } from './stats/mcnemar.js';
import { newcombeDifference } from './stats/newcombe.js';
import { newcombePairedDifference } from './stats/newcombe-paired.js';
import { ALPHA, detectableDifference, runsNeededPerGroup } from './stats/power.js';
import type { Interval } from './stats/wilson.js';
import { pairIssues, type IssuePairing } from './paired-issues.js';

/** Which test compared a group with the baseline (docs/DESIGN.md §9 says when each is used). */
export type DifferenceTest = 'cluster-t' | 'mcnemar-exact' | 'fisher-exact';

/** "Runs needed" plans for the observed difference, and never for less than this: 5 percentage points. */
export const PLANNING_DIFFERENCE = 0.05;

export interface VersusBaseline {
  /** This group's issue success rate minus the baseline's, with its 95% interval (from the test's own method). */
  readonly difference: Interval | null;
  readonly test: DifferenceTest | null;
  /** Two-sided p of the test; null when no test can be made (a group without issues). */
  readonly p: number | null;
  /** p adjusted by Holm's method over all groups compared with the baseline. */
  readonly holmP: number | null;
  /** Satterthwaite's degrees of freedom (cluster-t only). */
  readonly df: number | null;
  /** Issue ids finished in both groups. */
  readonly sharedIssues: number;
  /** Both groups ≥ 2 runs and shared issues: the issue-paired difference, shown beside the test, never as it. */
  readonly issuePaired: { readonly estimate: number; readonly sharedIssues: number } | null;
  /** Not significant: the smallest difference this data detects with 80% power at 5% (cluster-t only). */
  readonly detectable: number | null;
  /** Not significant: runs per group to detect `runsNeededFor` with 80% power; null when out of reach. */
  readonly runsNeeded: number | null;
  /** The difference runsNeeded plans for: the observed one, or 5 pp when that is smaller (a 0.2 pp difference is not worth planning for). */
  readonly runsNeededFor: number;
  /** A group has one run, so runsNeeded assumes no run-to-run variation there: the true need is higher. */
  readonly runsNeededIsLowerBound: boolean;
  /** Whether any outcome of this design could be significant at 5% (exact tests), or be detected reliably (cluster-t). */
  readonly canReachSignificance: boolean;
  /** What the reader must know about the method, e.g. that one run cannot show run-to-run variation. */
  readonly caveat: string | null;
}

const successes = (runs: readonly AnalysisRun[]): number[] => runs.map((r) => r.completedIssues);
const issues = (runs: readonly AnalysisRun[]): number[] => runs.map((r) => r.issues);
const runsWithIssues = (runs: readonly AnalysisRun[]): number => runs.filter((r) => r.issues > 0).length;

type Comparison = Omit<VersusBaseline, 'holmP'>;
type Power = Pick<VersusBaseline, 'runsNeeded' | 'runsNeededFor' | 'runsNeededIsLowerBound'>;

/** What it would take: nothing when the difference is significant; else the runs per group to detect it (at least 5 pp). */
function power(p: number, difference: number, group: readonly AnalysisRun[], baseline: readonly AnalysisRun[]): Power {
  const runsNeededIsLowerBound = runsWithIssues(group) < 2 || runsWithIssues(baseline) < 2;
  if (p < ALPHA) return { runsNeeded: null, runsNeededFor: Math.abs(difference), runsNeededIsLowerBound };
  const runsNeededFor = Math.max(PLANNING_DIFFERENCE, Math.abs(difference));
  const va = runVarianceOf(group);
  const vb = runVarianceOf(baseline);
  const runsNeeded = va === null || vb === null ? null : runsNeededPerGroup(runsNeededFor, va, vb);
  return { runsNeeded, runsNeededFor, runsNeededIsLowerBound };
}

/**
 * One group against the baseline, with the test the design allows (before Holm's adjustment):
 *   both ≥ 2 runs                    → cluster t on run-level variation (Satterthwaite);
 *   a group with 1 run, shared issues → exact McNemar on each shared issue's first attempt, Newcombe's paired interval;
 *   a group with 1 run, none shared   → Fisher's exact test on pooled issues.
 * The one-run tests assume issues are independent, which one run cannot check: the caveat says so.
 */
export function versusBaseline(group: readonly AnalysisRun[], baseline: readonly AnalysisRun[]): Comparison {
  const pairing = pairIssues(group, baseline);
  const clustered = clusterTDifference(
    { successes: successes(group), issues: issues(group) },
    { successes: successes(baseline), issues: issues(baseline) },
  );
  if (clustered) return clusterComparison(clustered, pairing, group, baseline);
  if (sumIssues(group) === 0 || sumIssues(baseline) === 0) return untestable(pairing.shared);
  return pairing.shared > 0 ? mcnemarComparison(pairing, group, baseline) : fisherComparison(group, baseline);
}

const sumIssues = (runs: readonly AnalysisRun[]): number => runs.reduce((s, r) => s + r.issues, 0);
const sumCompleted = (runs: readonly AnalysisRun[]): number => runs.reduce((s, r) => s + r.completedIssues, 0);

function clusterComparison(
  clustered: ClusterTDifference,
  pairing: IssuePairing,
  group: readonly AnalysisRun[],
  baseline: readonly AnalysisRun[],
): Comparison {
  const detectable = detectableDifference(clustered.standardError, clustered.df);
  return {
    difference: { estimate: clustered.estimate, low: clustered.low, high: clustered.high },
    test: 'cluster-t',
    p: clustered.p,
    df: clustered.df,
    sharedIssues: pairing.shared,
    issuePaired: pairing.meanDifference === null ? null : { estimate: pairing.meanDifference, sharedIssues: pairing.shared },
    detectable: clustered.p < ALPHA ? null : detectable,
    ...power(clustered.p, clustered.estimate, group, baseline),
    canReachSignificance: detectable <= 1,
    caveat: null,
  };
}

/** Which side has a single run, for the caveat. */
function oneRunOf(group: readonly AnalysisRun[], baseline: readonly AnalysisRun[]): string {
  if (runsWithIssues(group) < 2 && runsWithIssues(baseline) < 2) return 'one run each';
  return runsWithIssues(group) < 2 ? 'one run in this group' : 'one run in the baseline';
}

function mcnemarComparison(pairing: IssuePairing, group: readonly AnalysisRun[], baseline: readonly AnalysisRun[]): Comparison {
  const t = pairing.firstAttempts;
  const p = mcnemarExactP(t.b, t.c);
  const difference = newcombePairedDifference(t.a, t.b, t.c, t.d);
  return {
    difference,
    test: 'mcnemar-exact',
    p,
    df: null,
    sharedIssues: pairing.shared,
    issuePaired: null,
    detectable: null,
    ...power(p, difference?.estimate ?? 0, group, baseline),
    // The most extreme outcome: every shared issue discordant the same way, p = 2·½^shared.
    canReachSignificance: 2 * 0.5 ** pairing.shared < ALPHA,
    caveat: `paired on ${pairing.shared} shared issue${pairing.shared === 1 ? '' : 's'}; ${oneRunOf(group, baseline)}: run-to-run variation cannot be checked`,
  };
}

function fisherComparison(group: readonly AnalysisRun[], baseline: readonly AnalysisRun[]): Comparison {
  const [nGroup, nBase, yGroup, yBase] = [sumIssues(group), sumIssues(baseline), sumCompleted(group), sumCompleted(baseline)];
  const p = fisherExactTwoSided(yGroup, nGroup - yGroup, yBase, nBase - yBase);
  const difference = newcombeDifference(yGroup, nGroup, yBase, nBase);
  return {
    difference,
    test: 'fisher-exact',
    p,
    df: null,
    sharedIssues: 0,
    issuePaired: null,
    detectable: null,
    ...power(p, difference?.estimate ?? 0, group, baseline),
    // The most extreme outcome: every issue of one group completed, none of the other.
    canReachSignificance: fisherExactTwoSided(nGroup, 0, 0, nBase) < ALPHA,
    caveat: `${oneRunOf(group, baseline)}: assumes issues are independent, which run-to-run variation usually breaks; no shared issues to pair`,
  };
}

function untestable(sharedIssues: number): Comparison {
  return {
    difference: null,
    test: null,
    p: null,
    df: null,
    sharedIssues,
    issuePaired: null,
    detectable: null,
    runsNeeded: null,
    runsNeededFor: PLANNING_DIFFERENCE,
    runsNeededIsLowerBound: true,
    canReachSignificance: false,
    caveat: 'a group has no issues',
  };
}
