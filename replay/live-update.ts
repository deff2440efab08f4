/**
 * What a collector's live updates run (docs/DESIGN.md §7.4), with replay's modules loaded on the first
 * call, so that importing the collector does not load them. The package entry makes it the collector's
 * default; `runledger serve` gives it to its runs.
 *
 * - `{ runIds }`: only those runs: their JSON files, fragments and states brought up to date, their
 *   index entries appended as pending, and the tables marked stale;
 * - `{ tablesLaggingMs }`: the tables assembled if they have been stale that long (else nothing);
 * - no request: a whole replay, which assembles the tables.
 * The answer says since when the tables are stale (null: current), so that the collector comes back
 * for them within its `liveTablesEveryMs`.
 */
export async function replayLiveUpdate(
  logsDir: string,
  request?: { readonly runIds: readonly string[] } | { readonly tablesLaggingMs: number },
): Promise<{ readonly tablesStaleSince: number | null; readonly newEvents?: number }> {
  if (request) {
    const { updateLiveRuns, assembleDueTables } = await import('./live-runs.js');
    return 'runIds' in request ? updateLiveRuns(logsDir, request.runIds) : assembleDueTables(logsDir, request.tablesLaggingMs);
  }
  const { replay } = await import('./replay.js');
  await replay({ dir: logsDir });
  return { tablesStaleSince: null };
}
