import type { JsonValue } from '../../../events/config.js';
import type { AnalysisRun } from '../../../projections/analysis-input.js';
import { AnalysisInputError } from '../../errors.js';
import { bestConfiguration, varyingKeys, type BestConfigurationReport, type BestVerdict } from '../best.js';
import { analysedRuns, groupRuns } from '../compare.js';
import { formatValue, valueIdentity } from '../config-keys.js';
import { mulberry32 } from '../stats/random.js';
import { normalDraws } from '../stats/random-draws.js';
import { ANSWERED_PROBABILITY, simulateAfter } from './after.js';
import { budgetRuns, runnerUpOf, TOP_TWO_BETA, topTwoShares, wholeRuns } from './allocation.js';
import { costOf, countsOf, meanIssuesPerRun, medianIssueDuration, type Arm } from './arms.js';
import { meansOf, objectiveDraws, probabilityBehind, probabilityBestOf, type Objective } from './objective.js';
import { checkIncluded, checkSuggestOptions, FUTURE_DRAWS, type SuggestOptions } from './options.js';
import { pooledOverdispersion } from './overdispersion.js';
import { PRIOR, ratePosterior, type RatePosterior } from './posterior.js';
import { reasonOf, type ReasonInput } from './reasons.js';

/** One configuration's share of the next runs. */
export interface SuggestedRuns {
  readonly label: string;
  readonly values: Readonly<Record<string, JsonValue>>;
  /** Runs to make now. */
  readonly runs: number;
  /** Posterior probability that it is best by the objective, now. */
  readonly probabilityBest: number;
  /** Chance that after the suggested runs it is best with probability ≥ 0.95 (simulated futures; see after.ts). */
  readonly probabilityBestAfter: number;
  /** Never run: judged from the prior alone (`include`). */
  readonly included: boolean;
  readonly runsSoFar: number;
  readonly issuesPerRun: number;
  /** The success rate's posterior: Beta(alpha, beta), its mean and 95% interval, the design effect its runs were counted with. */
  readonly successRate: RatePosterior;
  /** The objective's posterior mean: a rate, USD per successful issue, or score points. */
  readonly objectiveMean: number;
  /** Mean cost of its fully priced runs; null when it has none. */
  readonly costPerRunUsd: number | null;
  readonly why: string;
}

export interface SuggestReport {
  readonly by: readonly string[];
  readonly objective: Objective;
  /** The runs asked for, or null with a budget. */
  readonly requestedRuns: number | null;
  readonly budgetUsd: number | null;
  /** One configuration is best with probability ≥ 0.95 (and, for success and score, `best` says clear for it): nothing is suggested. */
  readonly answered: boolean;
  /** `best`'s verdict on the same runs. */
  readonly bestVerdict: BestVerdict;
  /** Runs first, then by probability of being best. */
  readonly allocation: readonly SuggestedRuns[];
  readonly totalRuns: number;
  /** Chance that the suggested runs answer the question (some configuration best with probability ≥ 0.95 after them). */
  readonly answeredAfter: number;
  /** With a budget: what the suggested runs are expected to cost, and the one-sided 95% upper bound kept within the budget. */
  readonly cost: { readonly expectedUsd: number; readonly upperUsd: number } | null;
  /** Configurations left out of the comparison, with why. */
  readonly leftOut: readonly { readonly label: string; readonly reason: string }[];
  readonly model: {
    readonly prior: { readonly alpha: number; readonly beta: number };
    /** ρ̂, the intra-run correlation pooled over configurations, and the degrees of freedom it rests on. */
    readonly rho: number;
    readonly rhoDf: number;
    readonly topTwoBeta: number;
    readonly draws: number;
    readonly futures: number;
    readonly seed: number;
  };
  readonly note: string | null;
}

/**
 * Which runs to make next: each configuration's success rate gets a beta posterior in which its
 * runs count at their effective size (overdispersion pooled over configurations, posterior.ts),
 * P(best) comes from joint posterior draws of the objective, and the next runs are allocated by
 * top-two Thompson sampling (allocation.ts), so configurations that are clearly behind get none.
 * When one configuration is already best with probability ≥ 0.95 (and `best` agrees), nothing is
 * suggested. Seeded: the same runs, options and seed give the same suggestion.
 */
export function suggestRuns(allRuns: readonly AnalysisRun[], options: SuggestOptions = {}): SuggestReport {
  const checked = checkSuggestOptions(options);
  const runs = analysedRuns(allRuns);
  const by = options.by ? [...options.by] : varyingKeys(runs);
  const include = options.include ?? [];
  checkIncluded(include, by);
  const { objective, seed } = checked;
  const { arms, leftOut } = armsOf(runs, by, include, objective);
  const overdispersion = pooledOverdispersion(arms.map((a) => a.counts));
  const model = {
    prior: { alpha: PRIOR.alpha, beta: PRIOR.beta },
    rho: overdispersion.rho,
    rhoDf: overdispersion.df,
    topTwoBeta: TOP_TWO_BETA,
    draws: checked.draws,
    futures: checked.futures,
    seed,
  };
  // best's verdict comes from its tests, not from its bootstrap (which only makes its P(best)): one resample keeps it cheap.
  const best = bestConfiguration(allRuns, { by, seed, resamples: 1 });
  const frame = { by, objective, requestedRuns: checked.runs, budgetUsd: checked.budgetUsd, bestVerdict: best.verdict, leftOut, model };
  if (arms.length === 0) {
    const nothing = { answered: false, allocation: [], totalRuns: 0, answeredAfter: 0, cost: null };
    return { ...frame, ...nothing, note: 'no finished runs to learn from and no configuration included: record runs first' };
  }

  const uniform = mulberry32(seed);
  const random = { uniform, normal: normalDraws(uniform) };
  const posteriors = arms.map((a) => ratePosterior(a.counts, overdispersion.rho));
  const draws = objectiveDraws(arms, posteriors, objective, checked.draws, random);
  const chances = probabilityBestOf(draws, arms.length);
  const means = meansOf(draws, arms.length);
  const leader = chances.reduce((top, p, i) => (p > chances[top]! || (p === chances[top]! && means[i]! > means[top]!) ? i : top), 0);
  const answered = isAnswered(arms[leader]!, chances[leader]!, objective, best);

  const shares = topTwoShares(chances, runnerUpOf(draws, arms.length));
  const budget = answered || checked.budgetUsd === null ? null : budgetRuns(shares, arms, checked.budgetUsd);
  const plan = answered ? arms.map(() => 0) : (budget?.runs ?? wholeRuns(shares, checked.runs ?? arms.length));
  const after = plan.some((n) => n > 0)
    ? simulateAfter(arms, posteriors, overdispersion.rho, plan, objective, { futures: checked.futures, draws: FUTURE_DRAWS }, random)
    : { settledFor: chances.map((p) => (p >= ANSWERED_PROBABILITY ? 1 : 0)), settled: answered ? 1 : 0 };

  const display = (mean: number): number => (objective === 'cost-per-success' ? -mean : mean);
  const inputs: ReasonInput[] = arms.map((arm, i) => ({
    label: arm.label,
    runs: plan[i]!,
    probabilityBest: chances[i]!,
    included: arm.included,
    budgetless: checked.budgetUsd !== null && !answered && arm.cost === null,
    gap: means[leader]! - means[i]!,
    probabilityBehind: i === leader ? 0 : probabilityBehind(draws, arms.length, i, leader),
  }));
  const closest = inputs.filter((_, i) => i !== leader).sort((a, b) => b.probabilityBest - a.probabilityBest || a.gap - b.gap)[0] ?? null;
  const allocation = arms
    .map((arm, i): SuggestedRuns => ({
      label: arm.label,
      values: arm.values,
      runs: plan[i]!,
      probabilityBest: chances[i]!,
      probabilityBestAfter: after.settledFor[i]!,
      included: arm.included,
      runsSoFar: arm.counts.length,
      issuesPerRun: arm.issuesPerRun,
      successRate: posteriors[i]!,
      objectiveMean: display(means[i]!),
      costPerRunUsd: arm.cost?.meanPerRunUsd ?? null,
      why: reasonOf(inputs[i]!, inputs[leader]!, closest, objective, answered),
    }))
    .sort((a, b) => b.runs - a.runs || b.probabilityBest - a.probabilityBest || (a.label < b.label ? -1 : 1));
  const totalRuns = plan.reduce((s, n) => s + n, 0);
  return {
    ...frame,
    answered,
    allocation,
    totalRuns,
    answeredAfter: after.settled,
    cost: budget ? { expectedUsd: budget.expectedUsd, upperUsd: budget.upperUsd } : null,
    note: noteOf(answered, totalRuns, checked.budgetUsd, arms),
  };
}

/** The leader is best with probability ≥ 0.95 and, for success and score, `best` calls the same configuration the clear winner. */
function isAnswered(leader: Arm, probability: number, objective: Objective, best: BestConfigurationReport): boolean {
  if (probability < ANSWERED_PROBABILITY || leader.included) return false;
  if (objective === 'cost-per-success') return true;
  return best.verdict === 'clear' && best.best?.group.identity === leader.identity;
}

function noteOf(answered: boolean, totalRuns: number, budgetUsd: number | null, arms: readonly Arm[]): string | null {
  if (answered) return null;
  if (budgetUsd !== null && arms.every((a) => a.cost === null))
    return 'no configuration has cost figures (no fully priced run), so none can be budgeted: give a number of runs instead';
  if (totalRuns === 0 && budgetUsd !== null) return `no run fits a budget of $${budgetUsd} at the 95% upper bound of its cost`;
  return null;
}

/** The configurations run (grouped by `by`) and those included, minus those the objective cannot judge. */
function armsOf(
  runs: readonly AnalysisRun[],
  by: readonly string[],
  include: readonly Readonly<Record<string, JsonValue>>[],
  objective: Objective,
): { arms: Arm[]; leftOut: { label: string; reason: string }[] } {
  const ran = groupRuns(runs, by).map((g): Arm => ({
    label: g.label,
    identity: g.identity,
    values: g.values,
    counts: countsOf(g.runs),
    included: false,
    cost: costOf(g.runs),
    medianIssueDurationMs: medianIssueDuration(g.runs),
    issuesPerRun: meanIssuesPerRun(g.runs),
  }));
  const known = new Set(ran.map((a) => a.identity));
  const added = include.map((values): Arm => {
    const ordered = by.map((k) => values[k]!);
    const identity = ordered.map(valueIdentity).join('\u0000');
    const label = ordered.map(formatValue).join(', ');
    if (known.has(identity))
      throw new AnalysisInputError(`include ${label}: that configuration has runs already; include names configurations never run`);
    known.add(identity);
    const arm = { label, identity, values: Object.fromEntries(by.map((k, i) => [k, ordered[i]!])), counts: [], included: true };
    return { ...arm, cost: null, medianIssueDurationMs: null, issuesPerRun: meanIssuesPerRun(runs) };
  });
  if (objective === 'cost-per-success' && added.length > 0)
    throw new AnalysisInputError(
      `include ${added[0]!.label}: a configuration never run has no cost figures, so it cannot be judged by cost per successful issue; use --objective success`,
    );
  const arms = [...ran, ...added];
  if (objective !== 'cost-per-success') return { arms, leftOut: [] };
  const costed = arms.filter((a) => a.cost !== null && Number.isFinite(a.cost.perIssueUsd));
  const leftOut = arms.filter((a) => !costed.includes(a)).map((a) => ({ label: a.label, reason: 'no cost figures (no fully priced run)' }));
  return { arms: costed, leftOut };
}
