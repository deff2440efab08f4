/** Where a run's replay stopped, and what its derived files were made from. */
export interface RunIndexEntry {
  readonly runId: string;
  /** RunStarted's time: the tables are sorted by it, then by run id. */
  readonly startedAt: string | null;
  /** The last event's time: how old a finished run is, for cleanup. */
  readonly lastEventAt: string | null;
  readonly checkpoint: { readonly offset: number; readonly seq: number; readonly hash: string; readonly lastLineStart: number };
  /** Journal size and mtime when replayed: if either changed, there is something new to read. */
  readonly journalBytes: number;
  readonly journalMtimeMs: number;
  /** The run had no RunFinished: its status depends on whether its writer is alive. */
  readonly unfinished: boolean;
  readonly writerAlive: boolean;
  /** The writer's own lock stale time, from the journal: what "alive" means for this run. */
  readonly lockStaleMs: number;
  /** Where the journal's torn tail starts, if it has one. */
  readonly tornTail: { readonly offset: number; readonly bytes: number } | null;
  /** Why the run has no derived files: corrupt journal, or no RunStarted yet. */
  readonly refused: { readonly line: number; readonly offset: number; readonly problem: string } | null;
  readonly empty: boolean;
  /** Rows this run contributes to each table (by file name): what a replay that changed nothing reports. */
  readonly tableRows: Readonly<Record<string, number>>;
  /** Bytes of this run's part of each assembled file (tables and analyzer inputs): where it lies in them. */
  readonly tableBytes: Readonly<Record<string, number>>;
}
