import type { AnalysisRun } from '../../projections/analysis-input.js';
import { clusterProportion } from './stats/cluster-ratio.js';
import { flooredVariance } from './stats/cluster-t.js';
import { runsNeededPerGroup } from './stats/power.js';

/** How much one run's success rate varies in this group: the floored variance of the group's rate times its runs. null without issues. */
export function runVarianceOf(runs: readonly AnalysisRun[]): number | null {
  const ratio = clusterProportion(
    runs.map((r) => r.completedIssues),
    runs.map((r) => r.issues),
  );
  return ratio ? flooredVariance(ratio) * ratio.runs : null;
}

const rateOf = (runs: readonly AnalysisRun[]): number => {
  const ratio = clusterProportion(
    runs.map((r) => r.completedIssues),
    runs.map((r) => r.issues),
  );
  return ratio?.estimate ?? 0;
};

/**
 * Runs per configuration to tell each group from the reference with 80% power at 5%: for each
 * group, the runs needed for the difference seen, or `atLeast` when that is smaller (differences
 * below it are not worth separating); the largest over the groups. null when one is out of reach.
 */
export function runsToTell(groups: readonly (readonly AnalysisRun[])[], reference: readonly AnalysisRun[], atLeast: number): number | null {
  const vr = runVarianceOf(reference);
  if (vr === null) return null;
  let most = 0;
  for (const runs of groups) {
    if (runs === reference) continue;
    const v = runVarianceOf(runs);
    if (v === null) return null;
    const needed = runsNeededPerGroup(Math.max(atLeast, Math.abs(rateOf(runs) - rateOf(reference))), v, vr);
    if (needed === null) return null;
    most = Math.max(most, needed);
  }
  return most === 0 ? null : most;
}
