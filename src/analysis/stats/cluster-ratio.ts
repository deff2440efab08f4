/**
 * A ratio over runs: Σ numerator ÷ Σ denominator (successes ÷ issues, cost ÷ successful issues),
 * with the variance of that ratio estimated from how much the runs differ from each other — the
 * linearised (Taylor) variance of a ratio estimator with runs as clusters (W. G. Cochran,
 * "Sampling Techniques", 3rd ed. 1977, §6.11; the CR1 small-sample factor K/(K−1)):
 *
 *   R = Σ num_r / Σ den_r,   V = K/(K−1) · Σ_r (num_r − R·den_r)² / (Σ_r den_r)².
 *
 * Issues of one run share a day, a repository state and an API's mood, so they are not independent
 * coin flips: V is what the estimate would vary by if the runs were made again. K = 1 has no V.
 * Runs whose denominator is 0 carry no information on the ratio and are left out (also from K).
 */
export interface ClusterRatio {
  readonly estimate: number;
  /** V above; null with a single run. */
  readonly variance: number | null;
  /** K: the runs given. */
  readonly runs: number;
  readonly numerator: number;
  readonly denominator: number;
}

/** null when the denominators sum to 0 (no issue, or no successful issue). */
export function clusterRatio(numerators: ArrayLike<number>, denominators: ArrayLike<number>): ClusterRatio | null {
  const runs = denominators.length;
  let num = 0;
  let den = 0;
  for (let r = 0; r < runs; r += 1) {
    num += numerators[r]!;
    den += denominators[r]!;
  }
  if (den <= 0) return null;
  const estimate = num / den;
  if (runs === 1) return { estimate, variance: null, runs, numerator: num, denominator: den };
  let squares = 0;
  for (let r = 0; r < runs; r += 1) {
    const residual = numerators[r]! - estimate * denominators[r]!;
    squares += residual * residual;
  }
  return { estimate, variance: ((runs / (runs - 1)) * squares) / (den * den), runs, numerator: num, denominator: den };
}

/** A success rate over runs: clusterRatio of successes over issues, runs without issues left out (they say nothing of the rate). */
export function clusterProportion(successes: ArrayLike<number>, issues: ArrayLike<number>): ClusterRatio | null {
  const y: number[] = [];
  const n: number[] = [];
  for (let r = 0; r < issues.length; r += 1) {
    if (issues[r]! <= 0) continue;
    y.push(successes[r]!);
    n.push(issues[r]!);
  }
  return clusterRatio(y, n);
}
