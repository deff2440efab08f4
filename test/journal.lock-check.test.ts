import fs from 'node:fs';
import lockfile from 'proper-lockfile';
import { describe, expect, it } from 'vitest';
import { runPaths } from '../src/journal/paths.js';
import { isRunLocked } from '../src/journal/run-lock.js';
import { tempDir } from './helpers/temp-dir.js';

describe('isRunLocked', () => {
  it("says what proper-lockfile's checkSync says, for no lock and for locks of every age around the stale time", () => {
    const paths = runPaths(tempDir(), 'run-1');
    fs.mkdirSync(paths.runDir, { recursive: true });
    const check = (staleMs: number): boolean =>
      lockfile.checkSync(paths.runDir, { lockfilePath: paths.lock, realpath: false, stale: Math.max(staleMs, 2000) });
    const seen = new Set<boolean>();
    expect(isRunLocked(paths, 10_000)).toBe(false);
    expect(check(10_000)).toBe(false);
    fs.mkdirSync(paths.lock);
    // Ages at least 100 ms from any boundary: the two checks read the clock a moment apart.
    for (const staleMs of [0, 1000, 2000, 10_000]) {
      for (const ageMs of [-1000, 0, 1500, 1900, 2500, 9000, 9900, 10_500, 60_000]) {
        const mtime = (Date.now() - ageMs) / 1000;
        fs.utimesSync(paths.lock, mtime, mtime);
        const ours = isRunLocked(paths, staleMs);
        expect(ours, `stale ${staleMs} ms, lock ${ageMs} ms old`).toBe(check(staleMs));
        seen.add(ours);
      }
    }
    expect([...seen].sort()).toEqual([false, true]);
  });
});
