import type { Arm } from './arms.js';

/** Top-two Thompson sampling's chance of measuring the leader rather than the challenger (Russo 2016 recommends ½). */
export const TOP_TWO_BETA = 0.5;

/**
 * The share of the next runs each arm gets under top-two Thompson sampling (D. Russo, "Simple
 * Bayesian algorithms for best arm identification", COLT 2016 / Operations Research 2020): a
 * posterior draw names a leader I; with probability β the run goes to I, else draws are repeated
 * until one names another arm J, the challenger, and the run goes to J. In expectation an arm's
 * share is
 *   ψ_g = β·p_g + (1 − β)·Σ_{I ≠ g} p_I · p_g / (1 − p_I),
 * p the probabilities of being best. Computed in that closed form from the same draws rather than by
 * drawing per run, so a batch's allocation does not depend on the luck of a few draws. A leader with
 * p_I = 1 in every draw has no challenger by redrawing; the runner-up of each draw stands in then.
 * Arms that are clearly behind have p ≈ 0 and get no runs.
 */
export function topTwoShares(probabilityBest: readonly number[], runnerUp: readonly number[]): number[] {
  const shares = probabilityBest.map((p) => TOP_TWO_BETA * p);
  probabilityBest.forEach((pLeader, leader) => {
    if (pLeader === 0) return;
    const rest = 1 - pLeader;
    probabilityBest.forEach((p, g) => {
      if (g === leader) return;
      shares[g]! += (1 - TOP_TWO_BETA) * pLeader * (rest > 1e-12 ? p / rest : runnerUp[g]!);
    });
  });
  const total = shares.reduce((s, x) => s + x, 0);
  return shares.map((s) => (total > 0 ? s / total : 0));
}

/** The share of draws in which each arm is second best: the challenger when the leader wins every draw. */
export function runnerUpOf(draws: Float64Array, arms: number): number[] {
  const count = draws.length / arms;
  const seconds = new Array<number>(arms).fill(0);
  if (arms < 2) return seconds;
  for (let d = 0; d < count; d += 1) {
    let first = -1;
    let second = -1;
    for (let a = 0; a < arms; a += 1) {
      const v = draws[d * arms + a]!;
      if (first < 0 || v > draws[d * arms + first]!) {
        second = first;
        first = a;
      } else if (second < 0 || v > draws[d * arms + second]!) second = a;
    }
    seconds[second]! += 1;
  }
  return seconds.map((s) => s / count);
}

/**
 * `runs` whole runs in proportion to the shares, by largest remainder (Hamilton's method): each arm
 * gets ⌊runs·share⌋, the rest go to the largest remainders, ties to the larger share, then the first.
 */
export function wholeRuns(shares: readonly number[], runs: number): number[] {
  const exact = shares.map((s) => s * runs);
  const given = exact.map(Math.floor);
  let left = runs - given.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => i).sort((a, b) => exact[b]! - given[b]! - (exact[a]! - given[a]!) || shares[b]! - shares[a]! || a - b);
  for (const i of order) {
    if (left <= 0) break;
    given[i]! += 1;
    left -= 1;
  }
  return given;
}

/** What the runs of a budgeted allocation cost: the expected total and the one-sided 95% upper bound used to fit the budget. */
export interface BudgetPlan {
  readonly runs: number[];
  readonly expectedUsd: number;
  readonly upperUsd: number;
}

/** One-sided 95% normal quantile. */
const Z_95_ONE_SIDED = 1.6448536269514722;

/** The most runs a budget is turned into: planning beyond it is not a plan. */
export const MAX_SUGGESTED_RUNS = 10_000;

/**
 * The most runs, added one at a time in the order the shares give (the n-th run goes to the arm
 * furthest below its share of n, so no arm ever loses a run as n grows), whose total cost stays within the budget at
 * its one-sided 95% upper bound: Σ n_g·c̄_g + 1.645·√(Σ n_g·s_g² + n_g²·s_g²/K_g), c̄_g and s_g the
 * mean and sd of the arm's priced runs' costs and K_g their number: the new runs vary as the old
 * did, and the mean they vary around is itself uncertain. An arm with one priced run takes the
 * pooled coefficient of variation of the others for s_g. Arms without cost figures get share 0.
 */
export function budgetRuns(shares: readonly number[], arms: readonly Arm[], budgetUsd: number): BudgetPlan {
  const cv = pooledCostCv(arms);
  const sd = arms.map((a) => (a.cost === null ? 0 : (a.cost.sdPerRunUsd ?? a.cost.meanPerRunUsd * cv)));
  const given = new Array<number>(arms.length).fill(0);
  let expected = 0;
  let variance = 0;
  const costed = shares.map((s, i) => (arms[i]!.cost === null ? 0 : s));
  const total = costed.reduce((s, x) => s + x, 0);
  if (total === 0) return { runs: given, expectedUsd: 0, upperUsd: 0 };
  const normalised = costed.map((s) => s / total);
  for (let n = 1; n <= MAX_SUGGESTED_RUNS; n += 1) {
    const arm = mostBehind(normalised, given, n);
    const cost = arms[arm]!.cost!;
    const k = given[arm]! + 1;
    const tryExpected = expected + cost.meanPerRunUsd;
    const s2 = sd[arm]! * sd[arm]!;
    const tryVariance = variance - contribution(k - 1, s2, cost.pricedRuns) + contribution(k, s2, cost.pricedRuns);
    if (tryExpected + Z_95_ONE_SIDED * Math.sqrt(tryVariance) > budgetUsd) break;
    given[arm] = k;
    expected = tryExpected;
    variance = tryVariance;
  }
  return { runs: given, expectedUsd: expected, upperUsd: expected + Z_95_ONE_SIDED * Math.sqrt(variance) };
}

/** The arm with the largest n·share − runs given, ties to the first: the next run under the shares. */
function mostBehind(shares: readonly number[], given: readonly number[], n: number): number {
  let arm = -1;
  for (let i = 0; i < shares.length; i += 1) {
    if (shares[i]! <= 0) continue;
    if (arm < 0 || n * shares[i]! - given[i]! > n * shares[arm]! - given[arm]!) arm = i;
  }
  return arm;
}

const contribution = (n: number, s2: number, k: number): number => n * s2 + (n * n * s2) / k;

function pooledCostCv(arms: readonly Arm[]): number {
  const cvs = arms.flatMap((a) =>
    a.cost?.sdPerRunUsd != null && a.cost.meanPerRunUsd > 0 ? [a.cost.sdPerRunUsd / a.cost.meanPerRunUsd] : [],
  );
  return cvs.length === 0 ? 0 : cvs.reduce((s, x) => s + x, 0) / cvs.length;
}
