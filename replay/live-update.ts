/**
 * What a collector's live updates run: replay of the logs folder, with replay's modules loaded on the
 * first call, so that importing the collector does not load them. The package entry makes it the
 * collector's default; `runledger serve` gives it to its runs.
 */
export async function replayLiveUpdate(logsDir: string): Promise<void> {
  const { replay } = await import('./replay.js');
  await replay({ dir: logsDir });
}
