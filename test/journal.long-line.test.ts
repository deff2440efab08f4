import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkJournalEvent } from '../events/registry.js';
import { scanJournal } from '../src/index.js';
import { MAX_LINE_BYTES } from '../src/journal/line.js';
import { readLines, recordSampleRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * docs/DESIGN.md §3.6: no event makes a line longer than MAX_LINE_BYTES, so the reader takes a longer
 * line for garbage at once and does not keep its bytes (a long unterminated tail was read in
 * quadratic time and memory). The speed itself is measured by the bench (`verify-garbage-tail`).
 */
describe('scanJournal: lines longer than any event', () => {
  const scan = (journal: string, chunkBytes?: number) =>
    scanJournal(journal, { runId: 'sample-run', checkEvent: checkJournalEvent, ...(chunkBytes ? { chunkBytes } : {}) });

  it('an unterminated tail longer than the longest line is a torn tail, named as too long, at the right offset', async () => {
    const journal = await recordSampleRun(tempDir());
    const goodEnd = fs.statSync(journal).size;
    fs.appendFileSync(journal, Buffer.alloc(3 * MAX_LINE_BYTES + 123, 'x'));
    for (const chunkBytes of [undefined, 4096, 1000]) {
      const result = scan(journal, chunkBytes);
      expect(result.entries).toBe(readLines(journal).length - 1);
      expect(result.tail).toEqual({
        kind: 'torn',
        offset: goodEnd,
        bytes: 3 * MAX_LINE_BYTES + 123,
        damage: {
          line: result.entries + 1,
          offset: goodEnd,
          problem: `unterminated line longer than ${MAX_LINE_BYTES} bytes (no event is that long)`,
        },
      });
    }
  });

  it('a too-long line followed by lines of the run is still corruption, proved by the later line', async () => {
    const journal = await recordSampleRun(tempDir());
    const lines = readLines(journal);
    const second = lines[0]!.length + 1;
    const long = Buffer.alloc(MAX_LINE_BYTES + 1, 'y').toString();
    fs.writeFileSync(journal, [lines[0], long, ...lines.slice(2)].map((l) => `${l}\n`).join(''));
    for (const chunkBytes of [undefined, 65536, 777]) {
      const result = scan(journal, chunkBytes);
      expect(result.entries).toBe(1);
      expect(result.tail).toMatchObject({
        kind: 'corrupt',
        damage: { line: 2, offset: second, problem: `line longer than ${MAX_LINE_BYTES} bytes (no event is that long)` },
        verifiedAfter: { line: 3, offset: second + long.length + 1, seq: 3 },
      });
    }
  });

  it('a line of exactly the longest length is judged as usual, and lines across chunk edges read the same at any chunk size', async () => {
    const journal = await recordSampleRun(tempDir());
    const clean = scan(journal);
    for (const chunkBytes of [1, 7, 100, 333]) expect(scan(journal, chunkBytes)).toEqual(clean);
    fs.appendFileSync(journal, `${'z'.repeat(MAX_LINE_BYTES)}\n`);
    for (const chunkBytes of [undefined, 4096]) {
      const { tail } = scan(journal, chunkBytes);
      expect(tail.kind).toBe('torn');
      expect(tail.kind === 'torn' && tail.damage.problem).not.toContain('longer than');
    }
  });
});
