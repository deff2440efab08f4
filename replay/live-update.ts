/**
 * What a collector's live updates run (docs/DESIGN.md §7.4), with replay's modules loaded on the first
 * call, so that importing the collector does not load them. The package entry makes it the collector's
 * default; `runledger serve` gives it to its runs.
 *
 * With `runIds`, only those runs: their JSON files, fragments and states are brought up to date, their
 * index entries appended as pending, and the tables marked stale; the answer says since when they are,
 * so that the collector assembles them within its `liveTablesEveryMs`. Without, a whole replay, which
 * assembles the tables (and clears the marker).
 */
export async function replayLiveUpdate(
  logsDir: string,
  request?: { readonly runIds: readonly string[] },
): Promise<{ readonly tablesStaleSince: number | null }> {
  if (request) {
    const { updateLiveRuns } = await import('./live-runs.js');
    return updateLiveRuns(logsDir, request.runIds);
  }
  const { replay } = await import('./replay.js');
  await replay({ dir: logsDir });
  return { tablesStaleSince: null };
}
