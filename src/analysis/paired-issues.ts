import type { IssueId } from '../../events/fields.js';
import type { AnalysisRun } from '../../projections/analysis-input.js';

/** An issue's attempts within one group of runs: how many finished, how many completed. */
interface IssueAttempts {
  attempts: number;
  successes: number;
  /** Whether its first finished attempt (runs in start order) completed. */
  readonly firstSucceeded: boolean;
}

/** The issue ids themselves are the keys: a Map keeps 3 and "3" apart, as the issues projection does. */
function attemptsByIssue(runs: readonly AnalysisRun[]): Map<IssueId, IssueAttempts> {
  const ordered = [...runs].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.runId < b.runId ? -1 : 1));
  const byIssue = new Map<IssueId, IssueAttempts>();
  for (const run of ordered) {
    const { ids, outcomes } = run.finishedIssues;
    for (let i = 0; i < ids.length; i += 1) {
      const success = outcomes.charCodeAt(i) === 99; // "c": completed
      const key = ids[i]!;
      const seen = byIssue.get(key);
      if (seen) {
        seen.attempts += 1;
        seen.successes += success ? 1 : 0;
      } else byIssue.set(key, { attempts: 1, successes: success ? 1 : 0, firstSucceeded: success });
    }
  }
  return byIssue;
}

/** The 2×2 table of paired outcomes on shared issues (a: both completed, b: only A, c: only B, d: neither). */
export interface PairedTable {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly shared: number;
}

export interface IssuePairing {
  /** Issue ids finished in both groups. */
  readonly shared: number;
  /** Each shared issue's first finished attempt in each group, as a McNemar table. */
  readonly firstAttempts: PairedTable;
  /** Mean over shared issues of (A's success rate on it − B's): the issue-paired difference. */
  readonly meanDifference: number | null;
}

/**
 * Pairs two groups of runs by issue id: the same issue attempted under both configurations. Issue
 * difficulty varies far more than configurations do, so a comparison on the same issues is much
 * sharper than one on pooled rates — but only run-to-run variation says whether it would hold on
 * another day, which is why pairing is the test only when a group has a single run.
 */
export function pairIssues(groupA: readonly AnalysisRun[], groupB: readonly AnalysisRun[]): IssuePairing {
  const a = attemptsByIssue(groupA);
  const b = attemptsByIssue(groupB);
  const table = { a: 0, b: 0, c: 0, d: 0 };
  let shared = 0;
  let differences = 0;
  for (const [key, inA] of a) {
    const inB = b.get(key);
    if (!inB) continue;
    shared += 1;
    differences += inA.successes / inA.attempts - inB.successes / inB.attempts;
    if (inA.firstSucceeded && inB.firstSucceeded) table.a += 1;
    else if (inA.firstSucceeded) table.b += 1;
    else if (inB.firstSucceeded) table.c += 1;
    else table.d += 1;
  }
  return { shared, firstAttempts: { ...table, shared }, meanDifference: shared === 0 ? null : differences / shared };
}
