import { betaDraw, binomialDraw } from '../stats/random-draws.js';
import type { Arm } from './arms.js';
import { objectiveDraws, probabilityBestOf, type Objective, type Randomness, type RateShape } from './objective.js';
import type { RunCounts } from './overdispersion.js';
import { rateShape } from './posterior.js';

/** P(best) at which the question counts as answered. */
export const ANSWERED_PROBABILITY = 0.95;

export interface AfterRuns {
  /** Per arm: the share of simulated futures in which, after the planned runs, it is best with probability ≥ 0.95. */
  readonly settledFor: number[];
  /** The share of futures in which some arm is: the chance that the planned runs answer the question. */
  readonly settled: number;
}

/**
 * What the planned runs may change, by simulation: each future draws every arm's true rate p from
 * its posterior, then each planned run's rate θ ~ Beta(p(1 − ρ)/ρ, (1 − p)(1 − ρ)/ρ) (the
 * beta-binomial's run effect; θ = p when ρ = 0) and its successes ~ Binomial(issues per run, θ);
 * the posteriors are updated with those runs and P(best) recomputed from `draws` fresh draws.
 * The plain expectation of the updated P(best) would only repeat today's (a posterior probability is
 * a martingale), so what is kept is how often each arm ends up best with probability ≥ 0.95.
 * Costs are not simulated: their uncertainty stays as it is now.
 */
export function simulateAfter(
  arms: readonly Arm[],
  rates: readonly RateShape[],
  rho: number,
  plan: readonly number[],
  objective: Objective,
  sizes: { readonly futures: number; readonly draws: number },
  random: Randomness,
): AfterRuns {
  const settledFor = new Array<number>(arms.length).fill(0);
  let settled = 0;
  for (let f = 0; f < sizes.futures; f += 1) {
    const updated = arms.map((arm, a): RateShape => {
      if (plan[a] === 0) return rates[a]!;
      const p = betaDraw(rates[a]!.alpha, rates[a]!.beta, random.uniform, random.normal);
      const added: RunCounts[] = [];
      for (let r = 0; r < plan[a]!; r += 1) {
        const theta = rho > 0 ? betaDraw((p * (1 - rho)) / rho, ((1 - p) * (1 - rho)) / rho, random.uniform, random.normal) : p;
        added.push({ successes: binomialDraw(arm.issuesPerRun, theta, random.uniform), issues: arm.issuesPerRun });
      }
      return rateShape([...arm.counts, ...added], rho);
    });
    const chances = probabilityBestOf(objectiveDraws(arms, updated, objective, sizes.draws, random), arms.length);
    const top = chances.findIndex((c) => c >= ANSWERED_PROBABILITY);
    if (top >= 0) {
      settledFor[top]! += 1;
      settled += 1;
    }
  }
  return { settledFor: settledFor.map((s) => s / sizes.futures), settled: settled / sizes.futures };
}
