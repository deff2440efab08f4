import type { DerivedFilesLock } from '../../replay/derived-lock.js';
import { DerivedFilesLockError } from '../errors.js';

/** The lock as the mirror uses it: only asked whether it is still held. */
export type HeldLock = Pick<DerivedFilesLock, 'assertHeld'>;

/** How often the worker's view of the lock is refreshed (proper-lockfile itself notices a loss only every few seconds). */
const POLL_MS = 50;

/**
 * The main thread's lock on the derived files, seen from a worker: a shared flag that a timer
 * here sets once `assertHeld` fails (the lock and its refresh timer live on this thread).
 */
export function shareLock(lock: HeldLock): { readonly flag: SharedArrayBuffer; stop(): void } {
  const flag = new SharedArrayBuffer(4);
  const lost = new Int32Array(flag);
  const timer = setInterval(() => {
    try {
      lock.assertHeld();
    } catch {
      Atomics.store(lost, 0, 1);
    }
  }, POLL_MS);
  timer.unref();
  return { flag, stop: () => clearInterval(timer) };
}

/** The worker's side of `shareLock`. */
export function sharedLockView(flag: SharedArrayBuffer, lockPath: string): HeldLock {
  const lost = new Int32Array(flag);
  return {
    assertHeld(): void {
      if (Atomics.load(lost, 0) !== 0)
        throw new DerivedFilesLockError(
          `The lock on derived files (${lockPath}) was lost during central replay. Run "runledger replay --from" again.`,
        );
    },
  };
}
