import type { HistorySpec } from './history-runs.js';
import { LIVE_WORKLOAD, type LiveWorkload } from './live-figures.js';

/** How much work one benchmark run does. Quick keeps the same structure with shorter, fewer rounds and smaller histories. */
export interface BenchPlan {
  readonly mode: 'full' | 'quick';
  /** Interleaved rounds per figure; the figure is the median over them. */
  readonly rounds: number;
  /** Wall time of one timed leg (one baseline or one collector measurement). */
  readonly legMs: number;
  /** Untimed leg run once per kind before the rounds, so the JIT and the page cache settle. */
  readonly warmupMs: number;
  readonly concurrentWriters: number;
  /** The history replay, compare and incremental replay are measured on (the issue's 10,000 runs, 1M events). */
  readonly history: HistorySpec;
  /** The larger history for the memory figure (10,000 runs, 10M events): replay memory must not grow with it. */
  readonly bigHistory: HistorySpec;
  /** Interleaved rounds of the start-up figures (each leg one process, against `node -e 0`). */
  readonly startupRounds: number;
  /** Interleaved rounds of the figures on the history (each leg reads the whole history). */
  readonly historyRounds: number;
  /** How much the incremental replay figure appends before each incremental replay: 1% of the history's events. */
  readonly appendFraction: number;
  /** The live workload (bench/live-figures.ts) and the history sizes it runs on (100 events a run, cached under .bench-tmp/live-cache). */
  readonly live: { readonly workload: LiveWorkload; readonly runs: readonly number[] };
  readonly resultsFile: string;
}

export function planFromArgs(args: readonly string[]): BenchPlan {
  const unknown = args.filter((arg) => arg !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')} (only --quick is accepted)`);
  return args.includes('--quick')
    ? {
        mode: 'quick',
        rounds: 7,
        legMs: 200,
        warmupMs: 200,
        concurrentWriters: 64,
        history: { runs: 200, events: 20_000, seed: 1 },
        // Five times the events per run of the small one (the full run has ten): quick stays under a minute.
        bigHistory: { runs: 200, events: 100_000, seed: 2 },
        startupRounds: 11,
        historyRounds: 3,
        appendFraction: 0.01,
        live: { workload: { supervisors: 8, issues: 4, everyMs: 500 }, runs: [200] },
        resultsFile: 'results.quick.json',
      }
    : {
        mode: 'full',
        rounds: 25,
        legMs: 300,
        warmupMs: 500,
        concurrentWriters: 64,
        history: { runs: 10_000, events: 1_000_000, seed: 1 },
        bigHistory: { runs: 10_000, events: 10_000_000, seed: 2 },
        startupRounds: 25,
        historyRounds: 5,
        appendFraction: 0.01,
        // 100,000 runs (10M events): generated and replayed once (about 12 minutes here), then cached under .bench-tmp/live-cache.
        // One leg each way here (the live workload's figures at three sizes); `npm run bench:live` runs two rounds by default.
        live: { workload: { ...LIVE_WORKLOAD, rounds: 1 }, runs: [1000, 10_000, 100_000] },
        resultsFile: 'results.json',
      };
}
