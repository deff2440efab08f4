import { mulberry32 } from '../src/entries/analysis.js';
import type { SimulatedRun } from './simulated-run.js';

/** A generated history: how many runs, about how many events in all, and its seed. */
export interface HistorySpec {
  readonly runs: number;
  readonly events: number;
  readonly seed: number;
}

/** The demo's grid: 3 models × 3 temperatures × 2 retry settings. */
const MODELS = ['gpt-4o', 'deepseek-chat', 'gpt-4o-mini'] as const;
const PROVIDERS: Readonly<Record<(typeof MODELS)[number], string>> = {
  'gpt-4o': 'openai',
  'deepseek-chat': 'deepseek',
  'gpt-4o-mini': 'openai',
};
const TEMPERATURES = [0, 0.4, 0.8] as const;
const RETRIES = [1, 3] as const;
/** Runs spread over 90 simulated days, as a team's history. */
const HISTORY_START = Date.parse('2026-08-01T08:00:00Z');
const HISTORY_SPAN_MS = 90 * 86_400_000;

export const runIdOf = (index: number): string => `bench_${String(index).padStart(6, '0')}`;

/** Everything about run `index` of a history but where it goes, derived from the seed alone. */
export function runOf(spec: HistorySpec, index: number): Omit<SimulatedRun, 'dir' | 'priceBook'> {
  const random = mulberry32((spec.seed * 1_000_003 + index) >>> 0);
  const model = MODELS[index % MODELS.length]!;
  const temperature = TEMPERATURES[Math.floor(index / MODELS.length) % TEMPERATURES.length]!;
  const maxRetries = RETRIES[Math.floor(index / (MODELS.length * TEMPERATURES.length)) % RETRIES.length]!;
  const roll = random();
  // 92% completed, 1% failed, 3% interrupted (a signal), 4% crashed (no RunFinished).
  const ending = roll < 0.04 ? 'crashed' : roll < 0.07 ? 'interrupted' : roll < 0.08 ? 'failed' : 'completed';
  const mean = spec.events / spec.runs;
  return {
    runId: runIdOf(index),
    config: { llm: { provider: PROVIDERS[model], model, temperature }, maxRetries },
    seed: (spec.seed * 7919 + index) >>> 0,
    startAt: HISTORY_START + Math.floor((index / spec.runs) * HISTORY_SPAN_MS),
    targetEvents: Math.max(12, Math.round(mean * (0.5 + random()))),
    ending,
  };
}

/** The crashed runs of a history: the ones a later session can resume and append to. */
export function crashedRunIndexes(spec: HistorySpec): number[] {
  const found: number[] = [];
  for (let i = 0; i < spec.runs; i += 1) if (runOf(spec, i).ending === 'crashed') found.push(i);
  return found;
}
