import type { LiveUpdateAnswer, LiveUpdateRequest } from './live-messages.js';

/**
 * What a collector's live updates run (docs/DESIGN.md §7.4). The package entry makes it the
 * collector's default; `runledger serve` gives it to its runs. The update is made on the process's
 * live-update thread, at the lowest CPU priority (live-thread.ts), so that the supervisor's own
 * appends never wait behind it; from TypeScript sources (no compiled thread next to this module, as
 * the tests run) it is made on this thread (live-update-here.ts). Replay's modules load on the first
 * call, not when the collector is imported.
 */
export async function replayLiveUpdate(logsDir: string, request?: LiveUpdateRequest): Promise<LiveUpdateAnswer> {
  const { updateOnLiveThread } = await import('./live-thread.js');
  const answered = await updateOnLiveThread(logsDir, request);
  if (answered !== null) return answered;
  const { replayLiveUpdateHere } = await import('./live-update-here.js');
  return replayLiveUpdateHere(logsDir, request);
}
