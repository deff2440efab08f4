import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AsyncMetricsCollector, verifyRun, type JournalEntry } from '../src/index.js';
import { CONFIG, readLines } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/** Multi-byte text: 2-, 3- and 4-byte UTF-8 characters, so byte offsets differ from string lengths. */
const wide = (n: number): string => `é€😀-${n}-`.repeat(1 + (n % 40));

describe('the writer encodes every batch into one reused buffer', () => {
  it('batches of many sizes (larger than the buffer, then small again), multi-byte text: the journal holds exactly the lines acknowledged, and verifies', async () => {
    const dir = tempDir();
    const c = await AsyncMetricsCollector.start({
      dir,
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    });
    const seen: JournalEntry[] = [];
    c.events$.subscribe((entry) => seen.push(entry));
    await c.startIssue(1, { title: wide(7) });
    // 1, 200, 3, 400 and 1 concurrent calls: batches from one line to hundreds of kilobytes.
    for (const writers of [1, 200, 3, 400, 1]) {
      await Promise.all(
        Array.from({ length: writers }, (_, i) => c.recordError({ kind: 'tool', message: wide(writers + i), recoverable: true })),
      );
    }
    await c.finalizeRun();

    const lines = readLines(c.journalPath);
    expect(lines).toHaveLength(1 + 1 + 605 + 1);
    const written = lines.map((line) => JSON.parse(line) as JournalEntry);
    expect(written.map((e) => e.seq)).toEqual(written.map((_, i) => i + 1));
    expect(
      written
        .filter((e) => e.type === 'ErrorRecorded')
        .map((e) => (e.data as { message: string }).message)
        .sort(),
    ).toEqual([1, 200, 3, 400, 1].flatMap((writers) => Array.from({ length: writers }, (_, i) => wide(writers + i))).sort());
    // Every acknowledged event is in the file as emitted, byte for byte where the file ends.
    expect(seen.map((e) => e.hash)).toEqual(written.slice(1).map((e) => e.hash));
    expect(fs.statSync(c.journalPath).size).toBe(lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0));
    expect(verifyRun(dir, c.runId)).toMatchObject({ verdict: 'intact', events: written.length });
  });
});
