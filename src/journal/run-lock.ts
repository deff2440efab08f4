import fs from 'node:fs';
import { assertRunFolderNotLinked } from './safe-open.js';
import lockfile from 'proper-lockfile';
import { LockCompromisedError, RunLockedError } from '../errors.js';
import { privateLockFs } from '../durable/file-ops.js';
import type { RunPaths } from './paths.js';
import { removeStaleLock } from './stale-lock-removal.js';

export interface RunLockOptions {
  /** A lock not refreshed for this long belongs to a dead writer and is taken over (min 2000 ms). */
  readonly staleMs?: number;
  /** How long to keep trying while another writer holds the lock. */
  readonly waitMs?: number;
}

export const DEFAULT_STALE_MS = 10_000;

/**
 * One writer per run: a proper-lockfile lock folder `writer.lock` inside the run folder.
 *
 * proper-lockfile refreshes the lock's mtime from a timer and reports a takeover from that timer,
 * by default by throwing inside it. Here that report becomes state that `assertHeld()` turns into
 * an error for the caller. Because a synchronous append loop can starve the timer, `assertHeld()`
 * also checks the lock folder itself before each write: the folder must exist and carry the mtime
 * that our own refreshes set (tracked through the `fs` that proper-lockfile is given).
 */
export class RunLock {
  private compromised: Error | null = null;
  /** The lock folder's mtime as our last refresh set it, in microseconds: unique to this holder. */
  private ownMicros: number | null = null;
  private pendingMicros: number | null = null;
  private released = false;
  /** The stale time while `acquire` runs (proper-lockfile may remove a stale lock then); null after. */
  private acquiringStaleMs: number | null = null;

  private constructor(
    readonly runId: string,
    private readonly paths: RunPaths,
  ) {}

  static async acquire(runId: string, paths: RunPaths, options: RunLockOptions = {}): Promise<RunLock> {
    assertRunFolderNotLinked(runId, paths.runDir); // a lock folder is never made through a link
    const lock = new RunLock(runId, paths);
    const staleMs = Math.max(options.staleMs ?? DEFAULT_STALE_MS, 2000);
    const waitMs = options.waitMs ?? 0;
    const retries = waitMs > 0 ? { retries: Math.ceil(waitMs / 250), minTimeout: 250, maxTimeout: 250, factor: 1 } : 0;
    lock.acquiringStaleMs = staleMs;
    try {
      await lockfile.lock(paths.runDir, {
        lockfilePath: paths.lock,
        realpath: false,
        stale: staleMs,
        retries,
        fs: lock.trackingFs(),
        onCompromised: (err: Error) => {
          lock.compromised = err;
        },
      });
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      if (err.code === 'ELOCKED') throw new RunLockedError(runId, describeLockAge(paths.lock, staleMs), { cause: error });
      // Two processes that both found the lock stale both remove it (proper-lockfile's takeover is
      // not atomic); the one whose new lock folder the other removed fails here on a vanished folder.
      if (err.code === 'ENOENT' && err.path === paths.lock) {
        throw new RunLockedError(runId, 'another process took its lock over at the same moment as this one', { cause: error });
      }
      throw error;
    } finally {
      lock.acquiringStaleMs = null;
    }
    // proper-lockfile's precision probe went through our utimes (the fs object is new, so nothing
    // was cached): ownMicros is what we wrote. Never read it back with stat: a racer may be there.
    if (lock.ownMicros === null) throw new Error("runledger: the lock was taken without the mtime probe; cannot tell it from a racer's");
    lock.assertHeld();
    return lock;
  }

  /**
   * Throws LockCompromisedError unless this process still holds the lock. Cheap: one stat. The lock
   * folder must exist and carry the mtime, to the microsecond, that our own last refresh wrote.
   */
  assertHeld(): void {
    if (this.released) throw new LockCompromisedError(this.runId, 'the lock was already released');
    if (this.compromised) throw new LockCompromisedError(this.runId, this.compromised.message, { cause: this.compromised });
    let micros: number;
    try {
      micros = Number(fs.statSync(this.paths.lock, { bigint: true }).mtimeNs / 1000n);
    } catch (error) {
      this.compromised = error as Error;
      throw new LockCompromisedError(this.runId, `the lock folder ${this.paths.lock} is gone`, { cause: error });
    }
    if (!isSameMicros(micros, this.ownMicros) && !isSameMicros(micros, this.pendingMicros)) {
      this.compromised = new Error('another process took the lock over');
      throw new LockCompromisedError(this.runId, `another process took over ${this.paths.lock}`);
    }
  }

  /** Whether another process holds the lock now (the check of assertHeld, as a boolean; never throws). */
  wasTakenOver(): boolean {
    if (this.released) return this.compromised !== null;
    try {
      this.assertHeld();
      return false;
    } catch {
      return true;
    }
  }

  get isCompromised(): boolean {
    return this.compromised !== null;
  }

  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    // A compromised lock is not ours any more: proper-lockfile must forget it (stop its timer, drop
    // it from the locks its exit hook removes) without removing the folder, which the new owner holds.
    const fsForUnlock = this.compromised ? this.trackingFs() : fs;
    try {
      lockfile.unlockSync(this.paths.runDir, { lockfilePath: this.paths.lock, realpath: false, fs: fsForUnlock });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOTACQUIRED') throw error;
    }
  }

  /**
   * The fs handed to proper-lockfile. Its utimes gives every mtime we write random microseconds,
   * so that our lock can be told from a racer's: proper-lockfile's stale takeover is racy (two
   * takers can both remove the stale folder, the second removing the first one's new lock), and
   * its own mtimes (whole milliseconds; the probe always "next second + 5 ms") would be equal for
   * two racers. The first call is the probe, whose result proper-lockfile reads back with stat: its
   * millisecond is random too. Later calls keep the millisecond, which proper-lockfile compares.
   */
  private trackingFs(): typeof fs {
    let probed = false;
    const utimes = (file: fs.PathLike, atime: fs.TimeLike, mtime: fs.TimeLike, callback: fs.NoParamCallback): void => {
      if (!(mtime instanceof Date)) return fs.utimes(file, atime, mtime, callback);
      let ms = mtime.getTime();
      if (!probed) {
        // proper-lockfile's probe asks for "next second + 5 ms": up to a second in the future, which
        // would keep the lock of a writer killed before its first refresh fresh for that much longer.
        // Now plus a few random milliseconds (never a whole second, which would read as 's' precision).
        ms = Date.now() + 1 + Math.floor(Math.random() * 250);
        if (ms % 1000 === 0) ms += 1;
      }
      probed = true;
      // Below 500 µs: Node's Stats rounds mtimeMs to a whole millisecond for stat.mtime, and
      // proper-lockfile compares that millisecond with the one it asked for.
      const micros = ms * 1000 + Math.floor(Math.random() * 500);
      this.pendingMicros = micros;
      fs.utimes(file, atime, micros / 1e6, (err) => {
        if (!err) this.ownMicros = micros;
        this.pendingMicros = null;
        callback(err);
      });
    };
    // proper-lockfile removes the folders of the locks it lists at process exit (and on unlock)
    // through this fs: once the lock is compromised the folder belongs to another writer.
    const rmdir = (file: fs.PathLike, callback: fs.NoParamCallback): void => {
      if (this.compromised) return process.nextTick(callback, null);
      if (this.acquiringStaleMs !== null) {
        // While acquiring, proper-lockfile removes a lock it found stale a moment (and several turns
        // of the event loop) ago: removed under a mutex instead, never if it is fresh by now.
        let outcome: ReturnType<typeof removeStaleLock>;
        try {
          outcome = removeStaleLock(String(file), this.acquiringStaleMs);
        } catch (error) {
          return process.nextTick(callback, error);
        }
        if (outcome === 'fresh' || outcome === 'busy') {
          const detail = outcome === 'fresh' ? 'was just taken by another process' : 'is being taken over by another process';
          return process.nextTick(callback, Object.assign(new Error(`lock ${String(file)} ${detail}`), { code: 'ELOCKED' }));
        }
        return process.nextTick(callback, null);
      }
      fs.rmdir(file, callback);
    };
    const rmdirSync = (file: fs.PathLike): void => {
      if (!this.compromised) fs.rmdirSync(file);
    };
    return { ...privateLockFs(), utimes, rmdir, rmdirSync } as typeof fs;
  }
}

/** Microsecond mtimes survive the float-seconds round trip of utimes to within one microsecond. */
function isSameMicros(a: number, b: number | null): boolean {
  return b !== null && Math.abs(a - b) <= 1;
}

/** How long ago the lock was refreshed and when it counts as stale, for messages. */
export function describeLockAge(lockPath: string, staleMs: number): string {
  try {
    // proper-lockfile may set a new lock's mtime up to 1 s ahead (it rounds up to probe the file
    // system's precision), so a fresh lock can look younger than now.
    const ageMs = Math.max(0, Date.now() - fs.statSync(lockPath).mtime.getTime());
    return `its lock ${lockPath} was refreshed ${(ageMs / 1000).toFixed(1)} s ago; it counts as stale after ${(staleMs / 1000).toFixed(1)} s without refresh`;
  } catch {
    return `lock ${lockPath}`;
  }
}

/** True when a live writer holds the run's lock (it exists and was refreshed within staleMs). */
export function isRunLocked(paths: RunPaths, staleMs: number = DEFAULT_STALE_MS): boolean {
  // proper-lockfile's checkSync, without building its fs adapter on every call (90 µs a check;
  // replay asks this of every unfinished run): the lock folder exists, and its mtime, in whole
  // milliseconds as checkSync reads it, is no older than the stale time (at least 2 s, its minimum).
  const stat = fs.statSync(paths.lock, { throwIfNoEntry: false });
  if (stat === undefined) return false;
  return Math.trunc(stat.mtimeMs) >= Date.now() - Math.max(staleMs || 0, 2000);
}
