import { saveCentralState, type CentralState } from './central-state.js';
import type { HeldLock } from './lock-flag.js';
import type { MirrorFiles } from './mirrored-journals.js';

/** Ends a durable step: what was written is fdatasync'd, and only then does the state say it is there. */
export async function durableStep(
  logsDir: string,
  files: MirrorFiles,
  state: CentralState,
  streamSeq: number,
  lock: HeldLock,
): Promise<void> {
  await files.sync();
  lock.assertHeld();
  state.streamSeq = streamSeq;
  saveCentralState(logsDir, state);
}
