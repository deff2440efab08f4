import type { RunReplayOutcome } from './replay-run.js';

export interface RunReplayReport {
  readonly runId: string;
  readonly outcome: RunReplayOutcome['kind'];
  /** Events read by this replay (only the new ones when it continued from a checkpoint). */
  readonly newEvents: number;
  readonly fromScratch: boolean;
  readonly tornTail: { readonly offset: number; readonly bytes: number } | null;
  /** Corruption that made replay refuse the run. */
  readonly refused: { readonly line: number; readonly offset: number; readonly problem: string } | null;
}

export interface ReplayReport {
  readonly dir: string;
  /** False when a run was refused for corruption. */
  readonly ok: boolean;
  readonly runs: readonly RunReplayReport[];
  readonly tables: ReadonlyArray<{ readonly file: string; readonly rows: number }>;
  /** Live updates had left the tables behind the runs since then (ISO 8601); this replay brought them up to date. */
  readonly tablesLaggedSince?: string;
}
