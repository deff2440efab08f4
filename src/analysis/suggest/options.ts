import type { JsonValue } from '../../../events/config.js';
import { firstUnknownKey } from '../../../events/known-keys.js';
import { AnalysisInputError } from '../../errors.js';
import { DEFAULT_BOOTSTRAP_SEED } from '../stats/bootstrap.js';
import { MAX_SUGGESTED_RUNS } from './allocation.js';
import { OBJECTIVES, type Objective } from './objective.js';

export interface SuggestOptions {
  /** Config keys that make a configuration; default every key that varies (as `best`). */
  readonly by?: readonly string[];
  /** How many runs to allocate (1 to 10,000); default one per configuration. Not with budgetUsd. */
  readonly runs?: number;
  /** Allocate the runs whose cost fits this many USD (at the one-sided 95% upper bound). Not with runs. */
  readonly budgetUsd?: number;
  /** What "best" means; default "success". */
  readonly objective?: Objective;
  /** Configurations never run, one object of `by` key → value each, judged from the prior alone. */
  readonly include?: readonly Readonly<Record<string, JsonValue>>[];
  /** PRNG seed of the posterior draws and the simulated futures; default DEFAULT_BOOTSTRAP_SEED (1). */
  readonly seed?: number;
  /** Posterior draws for P(best) and the allocation (100 to 100,000; default 4000). */
  readonly draws?: number;
  /** Simulated futures for the probability after the runs (1 to 10,000; default 200). */
  readonly futures?: number;
}

export const DEFAULT_DRAWS = 4000;
export const DEFAULT_FUTURES = 200;
/** Posterior draws per simulated future. */
export const FUTURE_DRAWS = 1000;

const KEYS = ['by', 'runs', 'budgetUsd', 'objective', 'include', 'seed', 'draws', 'futures'];

export interface CheckedSuggestOptions {
  readonly runs: number | null;
  readonly budgetUsd: number | null;
  readonly objective: Objective;
  readonly seed: number;
  readonly draws: number;
  readonly futures: number;
}

/** Refuses unknown keys and values out of range before any run is read, saying which value and what is allowed. */
export function checkSuggestOptions(options: SuggestOptions): CheckedSuggestOptions {
  const unknown = firstUnknownKey(options, KEYS);
  if (unknown) throw new AnalysisInputError(`suggestRuns: option ${JSON.stringify(unknown.key)} is ${unknown.message}`);
  checkNumbers(options);
  if (options.objective !== undefined && !OBJECTIVES.includes(options.objective))
    throw new AnalysisInputError(`objective ${JSON.stringify(options.objective)} is not one of ${OBJECTIVES.join(', ')}`);
  if (options.by !== undefined && options.by.length === 0)
    throw new AnalysisInputError('by names no config key: give at least one, e.g. llm.model, or leave it out for every key that varies');
  return {
    runs: options.runs ?? null,
    budgetUsd: options.budgetUsd ?? null,
    objective: options.objective ?? 'success',
    seed: options.seed ?? DEFAULT_BOOTSTRAP_SEED,
    draws: options.draws ?? DEFAULT_DRAWS,
    futures: options.futures ?? DEFAULT_FUTURES,
  };
}

function checkNumbers(options: SuggestOptions): void {
  const whole = (name: string, value: number | undefined, min: number, max: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max))
      throw new AnalysisInputError(`${name} ${value} is not a whole number from ${min} to ${max}`);
  };
  whole('runs', options.runs, 1, MAX_SUGGESTED_RUNS);
  whole('draws', options.draws, 100, 100_000);
  whole('futures', options.futures, 1, 10_000);
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed))
    throw new AnalysisInputError(`seed ${options.seed} is not a whole number`);
  if (options.runs !== undefined && options.budgetUsd !== undefined)
    throw new AnalysisInputError('give either runs or a budget, not both: runs fixes the number, the budget lets the costs decide it');
  if (options.budgetUsd !== undefined && !(Number.isFinite(options.budgetUsd) && options.budgetUsd > 0))
    throw new AnalysisInputError(`budget ${options.budgetUsd} is not a positive amount of USD`);
}

/** Each included configuration names every `by` key and no other, with a JSON value. */
export function checkIncluded(include: readonly Readonly<Record<string, JsonValue>>[], by: readonly string[]): void {
  for (const values of include) {
    const keys = Object.keys(values);
    const extra = keys.filter((k) => !by.includes(k));
    if (extra.length > 0)
      throw new AnalysisInputError(
        `include ${JSON.stringify(values)}: ${extra.join(', ')} is not one of the keys that make a configuration (${by.join(', ')}); add it to by`,
      );
    const missing = by.filter((k) => !keys.includes(k));
    if (missing.length > 0)
      throw new AnalysisInputError(
        `include ${JSON.stringify(values)} gives no value for ${missing.join(', ')}: a configuration needs every key of by (${by.join(', ')}); give by with fewer keys to compare on fewer`,
      );
  }
}
