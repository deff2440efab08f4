import type { LiveUpdateAnswer, LiveUpdateRequest } from './live-messages.js';

/**
 * A live update on the calling thread (the live-update thread's work, or the update itself where there is none):
 * - `{ runIds }`: only those runs: their JSON files, fragments and states brought up to date, their
 *   index entries appended as pending, and the tables marked stale;
 * - `{ tablesLaggingMs }`: the tables assembled if they have been stale that long (else nothing);
 * - no request: a whole replay, which assembles the tables.
 * The answer says since when the tables are stale (null: current), so that the collector comes back
 * for them within its `liveTablesEveryMs`.
 */
export async function replayLiveUpdateHere(logsDir: string, request?: LiveUpdateRequest): Promise<LiveUpdateAnswer> {
  if (request) {
    const { updateLiveRuns, assembleDueTables } = await import('./live-runs.js');
    return 'runIds' in request ? updateLiveRuns(logsDir, request.runIds) : assembleDueTables(logsDir, request.tablesLaggingMs);
  }
  const { replay } = await import('./replay.js');
  await replay({ dir: logsDir });
  return { tablesStaleSince: null };
}
