import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLines, recordSampleRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const PYTHON_READER = 'examples/verify_journal.py';

describe('the journal format can be read and verified without runledger (docs/DESIGN.md §3)', () => {
  it('the standard-library Python reader verifies every event of a real journal', async () => {
    const journal = await recordSampleRun(tempDir());
    const out = execFileSync('python3', [PYTHON_READER, journal], { encoding: 'utf8' });
    const count = readLines(journal).length;
    expect(out).toContain(`ok: ${count} events, chain intact`);
    expect(out.split('\n').filter((l) => /^\s+\d+ {2}/.test(l))).toHaveLength(count);
  });

  it('the Python reader sees a torn tail as torn and an edit as corruption, like runledger', async () => {
    const journal = await recordSampleRun(tempDir());
    const original = fs.readFileSync(journal);
    fs.writeFileSync(journal, original.subarray(0, original.length - 20));
    const torn = spawnSync('python3', [PYTHON_READER, journal], { encoding: 'utf8' });
    expect(torn.status).toBe(0);
    expect(torn.stdout).toMatch(/torn tail at line \d+, byte \d+/);

    const edited = Buffer.from(original);
    const third = readLines(journal)
      .slice(0, 2)
      .reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    edited[third + 40] = edited[third + 40]! ^ 0x02;
    fs.writeFileSync(journal, edited);
    const corrupt = spawnSync('python3', [PYTHON_READER, journal], { encoding: 'utf8' });
    expect(corrupt.status).toBe(1);
    expect(corrupt.stdout).toContain(`CORRUPT at line 3, byte ${third}`);
  });
});
