import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { LiveThreadReply, LiveThreadRequest } from './live-messages.js';
import { replayLiveUpdateHere } from './live-update-here.js';

/** The nice value of the live-update thread: the lowest priority Linux gives a thread. */
export const LIVE_THREAD_NICE = 19;

/**
 * Lowers this thread's priority, not the process's: on Linux a thread's nice value is its own, and
 * /proc/thread-self names its id. Elsewhere (one nice value a process) nothing is changed, since that
 * would slow the supervisor too. Best effort: without it the updates still run, off the main thread.
 */
function lowerThisThreadsPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(path.basename(fs.readlinkSync('/proc/thread-self')));
    if (Number.isSafeInteger(tid) && tid > 0) os.setPriority(tid, LIVE_THREAD_NICE);
  } catch {
    // no /proc, or a sandbox that refuses setpriority
  }
}

lowerThisThreadsPriority();
/**
 * The thread a process's live updates run on (live-thread.ts), at the lowest CPU priority: the
 * supervisors' own appends, on their main threads, come first (docs/DESIGN.md §7.4). Each request is
 * answered with its result or its failure; requests for several logs folders run side by side, as
 * they would on the main thread (one folder's updates come one at a time from its scheduler).
 */
parentPort?.on('message', (message: LiveThreadRequest) => void answer(message));

async function answer(message: LiveThreadRequest): Promise<void> {
  let reply: LiveThreadReply;
  try {
    reply = { id: message.id, answer: await replayLiveUpdateHere(message.logsDir, message.request) };
  } catch (error) {
    const { name, message: text, code } = error as Error & { code?: unknown };
    reply = { id: message.id, failed: { name, message: text, ...(typeof code === 'string' ? { code } : {}) } };
  }
  parentPort!.postMessage(reply);
}
