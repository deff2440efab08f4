/** How much work one benchmark run does. Quick keeps the same structure with shorter, fewer rounds. */
export interface BenchPlan {
  readonly mode: 'full' | 'quick';
  /** Interleaved rounds per figure; the figure is the median over them. */
  readonly rounds: number;
  /** Wall time of one timed leg (one baseline or one collector measurement). */
  readonly legMs: number;
  /** Untimed leg run once per kind before the rounds, so the JIT and the page cache settle. */
  readonly warmupMs: number;
  readonly concurrentWriters: number;
  readonly resultsFile: string;
}

export function planFromArgs(args: readonly string[]): BenchPlan {
  const unknown = args.filter((arg) => arg !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')} (only --quick is accepted)`);
  return args.includes('--quick')
    ? { mode: 'quick', rounds: 7, legMs: 200, warmupMs: 200, concurrentWriters: 64, resultsFile: 'results.quick.json' }
    : { mode: 'full', rounds: 25, legMs: 300, warmupMs: 500, concurrentWriters: 64, resultsFile: 'results.json' };
}
