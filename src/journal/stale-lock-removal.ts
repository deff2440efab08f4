import fs from 'node:fs';
import { PRIVATE_DIR_MODE } from '../durable/file-ops.js';

export type StaleLockRemoval = 'removed' | 'gone' | 'fresh' | 'busy';

/**
 * Removes a lock folder that was found stale, such that no process ever removes a fresh one.
 * proper-lockfile's own removal (a stat, then an rmdir several turns of the event loop later) lets
 * two takers both remove "the stale lock": the second one removes the first one's new lock, and
 * both believe they hold the run. Here the check and the removal happen under a mutex folder next
 * to the lock (mkdir is atomic), so a lock folder found stale under the mutex is still the stale one
 * when it is removed: only a removal could have replaced it, and removals need the mutex.
 *
 * 'busy': another process is removing it right now. 'fresh': it was retaken meanwhile. 'gone':
 * already removed. A process killed while holding the mutex (it holds it for two system calls)
 * leaves it behind; a mutex older than the stale time is removed in turn.
 */
export function removeStaleLock(lockPath: string, staleMs: number): StaleLockRemoval {
  const mutex = `${lockPath}.removing`;
  if (!takeMutex(mutex, staleMs)) return 'busy';
  try {
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(lockPath).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      throw error;
    }
    if (mtimeMs >= Date.now() - staleMs) return 'fresh';
    fs.rmdirSync(lockPath);
    return 'removed';
  } finally {
    rmdirIfThere(mutex);
  }
}

function takeMutex(mutex: string, staleMs: number): boolean {
  if (mkdirIfAbsent(mutex)) return true;
  try {
    if (fs.statSync(mutex).mtimeMs >= Date.now() - staleMs) return false;
    fs.rmdirSync(mutex);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return mkdirIfAbsent(mutex);
}

function mkdirIfAbsent(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function rmdirIfThere(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
