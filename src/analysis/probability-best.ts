import { DEFAULT_BOOTSTRAP_RESAMPLES, DEFAULT_BOOTSTRAP_SEED, type BootstrapOptions } from './stats/bootstrap.js';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import { mulberry32 } from './stats/random.js';

/**
 * The chance that each group has the highest issue success rate, from a bootstrap that resamples
 * runs within each group (seeded: the same seed gives the same figures): in each replicate every
 * group's runs are drawn with replacement and its pooled rate recomputed; a tie for first shares
 * the win. With few runs a group's resamples vary less than new runs would, so read these as a
 * ranking of how settled the order is, not as calibrated probabilities; the verdict comes from the
 * tests (best.ts).
 */
export function probabilityBest(groups: readonly (readonly AnalysisRun[])[], options: BootstrapOptions = {}): number[] {
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const random = mulberry32(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
  const wins = new Array<number>(groups.length).fill(0);
  const rates = new Float64Array(groups.length);
  const columns = groups.map((runs) => ({
    y: Float64Array.from(runs, (r) => r.completedIssues),
    n: Float64Array.from(runs, (r) => r.issues),
  }));
  for (let replicate = 0; replicate < resamples; replicate += 1) {
    let top = -Infinity;
    for (let g = 0; g < columns.length; g += 1) {
      const { y, n } = columns[g]!;
      let successes = 0;
      let issues = 0;
      for (let i = 0; i < y.length; i += 1) {
        const drawn = Math.floor(random() * y.length);
        successes += y[drawn]!;
        issues += n[drawn]!;
      }
      rates[g] = issues === 0 ? -1 : successes / issues;
      if (rates[g]! > top) top = rates[g]!;
    }
    let tied = 0;
    for (let g = 0; g < columns.length; g += 1) if (rates[g] === top) tied += 1;
    for (let g = 0; g < columns.length; g += 1) if (rates[g] === top) wins[g]! += 1 / tied;
  }
  return wins.map((w) => (resamples === 0 ? 0 : w / resamples));
}
