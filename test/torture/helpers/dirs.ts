import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

/**
 * A fresh temporary folder, removed after the whole file (not after each test, as
 * test/helpers/temp-dir.ts does: the torture files run tests concurrently). Set
 * RUNLEDGER_TORTURE_KEEP=1 to keep them for a post-mortem.
 */
export function tortureDir(prefix = 'runledger-torture-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterAll(() => {
  if (process.env.RUNLEDGER_TORTURE_KEEP === '1') {
    if (made.length > 0) process.stdout.write(`[torture] kept ${made.join(' ')}\n`);
    return;
  }
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
