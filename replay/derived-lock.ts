import fs from 'node:fs';
import lockfile from 'proper-lockfile';
import { DerivedFilesLockError } from '../src/errors.js';
import { privateLockFs, PRIVATE_DIR_MODE } from '../src/durable/file-ops.js';
import type { ReplayPaths } from './replay-paths.js';

/**
 * Serialises the writers of derived files (replay, the collectors' live updates, cleanup) across
 * processes. A lost lock is reported through `assertHeld`, never thrown from proper-lockfile's timer.
 */
export class DerivedFilesLock {
  private lost: Error | null = null;

  private constructor(private readonly paths: ReplayPaths) {}

  static async acquire(paths: ReplayPaths, waitMs: number): Promise<DerivedFilesLock> {
    const lock = new DerivedFilesLock(paths);
    fs.mkdirSync(paths.stateDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    try {
      await lockfile.lock(paths.stateDir, {
        lockfilePath: paths.lock,
        realpath: false,
        fs: privateLockFs(),
        stale: 10_000,
        retries: { retries: Math.ceil(waitMs / 100), minTimeout: 50, maxTimeout: 200, factor: 1.2 },
        onCompromised: (error: Error) => {
          lock.lost = error;
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new DerivedFilesLockError(
          `Another process is writing the derived files under ${paths.logsDir} (lock ${paths.lock}); try again when it is done.`,
        );
      }
      throw error;
    }
    return lock;
  }

  assertHeld(): void {
    if (this.lost)
      throw new DerivedFilesLockError(
        `The lock on derived files (${this.paths.lock}) was lost: ${this.lost.message}. Run "runledger replay" again.`,
      );
  }

  release(): void {
    try {
      lockfile.unlockSync(this.paths.stateDir, { lockfilePath: this.paths.lock, realpath: false });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOTACQUIRED' && !this.lost) throw error;
    }
  }
}
