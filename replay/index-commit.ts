import { appendIndexLog } from './index-log.js';
import { saveRunIndex, type RunIndexEntry } from './run-index.js';
import type { ReplayPaths } from './replay-paths.js';

/** What a replay knows of the index it loaded, to save what it changed. */
export interface IndexChanges {
  /** index.json's generation (null: there was no index of this version). */
  readonly generation: string | null;
  readonly indexBytes: number;
  readonly logBytes: number;
  /** The entries this replay made new, in the order it made them. */
  readonly updated: readonly RunIndexEntry[];
  /** Runs left the index (their journals are gone): the log cannot say so. */
  readonly removed: boolean;
}

/**
 * The pending log is folded into index.json once it holds a quarter of index.json's bytes (and at
 * least 1 MiB): each fold costs O(the index), and comes after O(the index) bytes of appends, so the
 * index costs O(1) per update, and loading it at most a quarter more than index.json alone.
 */
export const shouldFold = (indexBytes: number, logBytes: number): boolean => logBytes > Math.max(1 << 20, indexBytes / 4);

/**
 * Saves the index a replay changed (docs/DESIGN.md §6.2): the updated entries appended to the pending
 * log (O(the change)), or index.json written whole with a new generation when there is no index yet,
 * a run left it, `changes` is not known (cleanup) or the log has grown large. Returns the generation
 * and log size the assembly record names.
 */
export async function commitIndex(
  paths: ReplayPaths,
  index: ReadonlyMap<string, RunIndexEntry>,
  changes: IndexChanges | undefined,
): Promise<{ readonly generation: string; readonly logBytes: number }> {
  if (changes && changes.generation !== null && !changes.removed) {
    const estimate = changes.updated.length * 1024;
    if (!shouldFold(changes.indexBytes, changes.logBytes + estimate))
      return { generation: changes.generation, logBytes: await appendIndexLog(paths, changes.generation, changes.updated) };
  }
  return { generation: saveRunIndex(paths, index), logBytes: 0 };
}
