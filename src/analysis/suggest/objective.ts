import { SCORE_WEIGHTS } from '../best.js';
import { betaDraw } from '../stats/random-draws.js';
import type { Arm } from './arms.js';

/** What makes a configuration best: its success rate, its cost per successful issue, or `best`'s 0-100 score. */
export type Objective = 'success' | 'cost-per-success' | 'score';
export const OBJECTIVES: readonly Objective[] = ['success', 'cost-per-success', 'score'];

/** A Beta(alpha, beta) success rate per arm. */
export interface RateShape {
  readonly alpha: number;
  readonly beta: number;
}

/** Seeded uniform and normal sources. */
export interface Randomness {
  readonly uniform: () => number;
  readonly normal: () => number;
}

/**
 * `count` joint draws of every arm's objective, higher = better, in one array: draw d of arm g at
 * d·arms + g. Success: the rate drawn from its posterior. Cost per successful issue (negated, so
 * higher is better): a cost per issue drawn from N(Σcost/Σissues, its run-clustered variance),
 * divided by the rate drawn. Score: `best`'s formula with the rate drawn in place of the lower end
 * of its interval, the cost per successful issue drawn as above, and the median issue duration as
 * measured; an arm without cost (or duration) figures gets 0 for that part, as in `best`.
 */
export function objectiveDraws(
  arms: readonly Arm[],
  rates: readonly RateShape[],
  objective: Objective,
  count: number,
  random: Randomness,
): Float64Array {
  const g = arms.length;
  const out = new Float64Array(count * g);
  const perIssueSd = arms.map((arm) => costSpread(arm, arms));
  const rate = new Float64Array(g);
  const cps = new Float64Array(g);
  const fastest = Math.min(...arms.map((a) => a.medianIssueDurationMs ?? Number.POSITIVE_INFINITY));
  for (let d = 0; d < count; d += 1) {
    let cheapest = Number.POSITIVE_INFINITY;
    for (let a = 0; a < g; a += 1) {
      rate[a] = betaDraw(rates[a]!.alpha, rates[a]!.beta, random.uniform, random.normal);
      if (objective === 'success') continue;
      const cost = arms[a]!.cost;
      if (cost === null) {
        cps[a] = Number.POSITIVE_INFINITY;
        continue;
      }
      const perIssue = Math.max(cost.perIssueUsd * 1e-3, cost.perIssueUsd + perIssueSd[a]! * random.normal());
      cps[a] = rate[a]! > 0 ? perIssue / rate[a]! : Number.POSITIVE_INFINITY;
      if (cps[a]! < cheapest) cheapest = cps[a]!;
    }
    for (let a = 0; a < g; a += 1) {
      const at = d * g + a;
      if (objective === 'success') out[at] = rate[a]!;
      else if (objective === 'cost-per-success') out[at] = -cps[a]!;
      else {
        const duration = arms[a]!.medianIssueDurationMs;
        const costPart = Number.isFinite(cps[a]!) ? SCORE_WEIGHTS.cost * Math.min(1, cps[a] === 0 ? 1 : cheapest / cps[a]!) : 0;
        const speedPart = duration === null ? 0 : SCORE_WEIGHTS.speed * Math.min(1, duration === 0 ? 1 : fastest / duration);
        out[at] = SCORE_WEIGHTS.success * rate[a]! + costPart + speedPart;
      }
    }
  }
  return out;
}

/**
 * The sd of an arm's cost per issue: from its own runs when it has two priced runs or more; else
 * its estimate times the pooled relative sd of the arms that have one; 0 when no arm has.
 */
function costSpread(arm: Arm, arms: readonly Arm[]): number {
  if (arm.cost === null) return 0;
  if (arm.cost.perIssueVariance !== null) return Math.sqrt(arm.cost.perIssueVariance);
  const relative = arms
    .map((a) => a.cost)
    .filter((c): c is NonNullable<typeof c> => c !== null && c.perIssueVariance !== null && c.perIssueUsd > 0)
    .map((c) => c.perIssueVariance! / (c.perIssueUsd * c.perIssueUsd));
  if (relative.length === 0) return 0;
  return arm.cost.perIssueUsd * Math.sqrt(relative.reduce((s, v) => s + v, 0) / relative.length);
}

/** The share of draws in which each arm is best (ties share the draw). */
export function probabilityBestOf(draws: Float64Array, arms: number): number[] {
  const count = draws.length / arms;
  const wins = new Array<number>(arms).fill(0);
  for (let d = 0; d < count; d += 1) {
    let top = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < arms; a += 1) top = Math.max(top, draws[d * arms + a]!);
    let tied = 0;
    for (let a = 0; a < arms; a += 1) if (draws[d * arms + a] === top) tied += 1;
    for (let a = 0; a < arms; a += 1) if (draws[d * arms + a] === top) wins[a]! += 1 / tied;
  }
  return wins.map((w) => w / count);
}

/** Per arm the mean of its draws (in the objective's higher-is-better units). */
export function meansOf(draws: Float64Array, arms: number): number[] {
  const count = draws.length / arms;
  const sums = new Array<number>(arms).fill(0);
  for (let d = 0; d < count; d += 1) for (let a = 0; a < arms; a += 1) sums[a]! += draws[d * arms + a]!;
  return sums.map((s) => s / count);
}

/** P(arm's draw < the leader's draw): how sure it is that the arm is behind. */
export function probabilityBehind(draws: Float64Array, arms: number, arm: number, leader: number): number {
  const count = draws.length / arms;
  let behind = 0;
  for (let d = 0; d < count; d += 1) if (draws[d * arms + arm]! < draws[d * arms + leader]!) behind += 1;
  return behind / count;
}
