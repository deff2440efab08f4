import fs from 'node:fs';
import path from 'node:path';
import { DurableBatch } from '../src/durable/atomic-file.js';
import { runPaths } from '../src/journal/paths.js';
import { DerivedFilesLock } from './derived-lock.js';
import { appendIndexLog, readIndexLog } from './index-log.js';
import { replay } from './replay.js';
import { replayPaths, runRowsFile, runStateFile } from './replay-paths.js';
import { loadEventCheck, replayRun, unchangedRun } from './replay-run.js';
import { readIndexGeneration, type RunIndexEntry } from './run-index.js';
import { markTablesStale } from './tables-stale.js';

/**
 * A live update of some runs (docs/DESIGN.md §7.4): what costs O(the runs' own journals), never
 * O(the history). Under the derived-files lock, each run is replayed from its pending entry's
 * checkpoint (or from byte 0 when it has none since the last assembly: index.json is not parsed), its
 * JSON files, fragment and state written at once, its new entry appended to the index's pending log,
 * and the tables marked stale. Without an index of this version yet, a whole replay does it all.
 * Returns since when the tables are stale.
 */
export async function updateLiveRuns(logsDir: string, runIds: readonly string[]): Promise<{ readonly tablesStaleSince: number | null }> {
  const paths = replayPaths(logsDir);
  const lock = await DerivedFilesLock.acquire(paths, 60_000);
  let wholeReplay = false;
  try {
    const generation = readIndexGeneration(paths);
    if (generation === null) {
      wholeReplay = true;
    } else {
      const pending = readIndexLog(paths, generation);
      const batch = new DurableBatch();
      const updated: RunIndexEntry[] = [];
      try {
        for (const runId of new Set(runIds)) {
          lock.assertHeld();
          const stat = fs.lstatSync(runPaths(logsDir, runId).journal, { throwIfNoEntry: false });
          // A journal gone or not a regular file: the whole replay says why, and drops the run.
          if (!stat?.isFile()) {
            wholeReplay = true;
            break;
          }
          const previous = pending.get(runId);
          const files = replayFilesOf(paths, runId);
          const outcome =
            unchangedRun(paths, runId, previous, false, files, stat) ??
            replayRun(paths, runId, previous, false, batch, files, stat, await loadEventCheck());
          if (outcome.entry !== previous) updated.push(outcome.entry);
        }
        await batch.flush();
      } catch (error) {
        batch.abort();
        throw error;
      }
      // The entries after the files they describe; the marker after the entries.
      appendIndexLog(paths, generation, updated);
      if (!wholeReplay) return { tablesStaleSince: markTablesStale(paths, Date.now()) };
    }
  } finally {
    lock.release();
  }
  await replay({ dir: logsDir });
  return { tablesStaleSince: null };
}

/** Which of the run's replay files exist, as replayRun asks a listing of logs/.replay/runs (one listing of a large folder is what a live update avoids). */
function replayFilesOf(paths: ReturnType<typeof replayPaths>, runId: string): Set<string> {
  return new Set(
    [runRowsFile(paths, runId), runStateFile(paths, runId)].filter((file) => fs.existsSync(file)).map((file) => path.basename(file)),
  );
}
