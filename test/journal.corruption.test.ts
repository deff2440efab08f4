import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeLine, MetricsCollector, verifyRun } from '../src/index.js';
import { readLines, recordSampleRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const RUN = 'sample-run';

/** Byte offset where 1-based line `n` starts. */
function offsetOfLine(lines: string[], n: number): number {
  return lines.slice(0, n - 1).reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 0);
}

async function journalWithLines(): Promise<{ dir: string; journal: string; lines: string[] }> {
  const dir = tempDir();
  const journal = await recordSampleRun(dir, RUN);
  return { dir, journal, lines: readLines(journal) };
}

const write = (journal: string, lines: string[]): void => fs.writeFileSync(journal, lines.map((l) => `${l}\n`).join(''));

describe('corruption before the tail is loud, with line number and byte offset', () => {
  it('a flipped byte in the middle: hash mismatch at that line, and a later line that verifies', async () => {
    const { dir, journal, lines } = await journalWithLines();
    const bytes = fs.readFileSync(journal);
    const at = offsetOfLine(lines, 4) + 30;
    bytes[at] = bytes[at]! ^ 0x01;
    fs.writeFileSync(journal, bytes);
    const v = verifyRun(dir, RUN);
    expect(v.verdict).toBe('corrupt');
    expect(v.corruption).toMatchObject({ line: 4, offset: offsetOfLine(lines, 4) });
    expect(v.corruption?.problem).toMatch(/hash mismatch|bad JSON/);
    expect(v.corruption?.verifiedAfter).toMatchObject({ line: 5, seq: 5 });
    expect(v.events).toBe(3);
  });

  it('a deleted line: a seq gap at the line after it', async () => {
    const { dir, journal, lines } = await journalWithLines();
    write(journal, [...lines.slice(0, 3), ...lines.slice(4)]);
    const v = verifyRun(dir, RUN);
    expect(v.verdict).toBe('corrupt');
    expect(v.corruption).toMatchObject({ line: 4, offset: offsetOfLine(lines, 4), problem: 'seq gap: expected 4, found 5' });
  });

  it('a duplicated line in the middle: reported at the copy', async () => {
    const { dir, journal, lines } = await journalWithLines();
    write(journal, [...lines.slice(0, 4), lines[3]!, ...lines.slice(4)]);
    const v = verifyRun(dir, RUN);
    expect(v.verdict).toBe('corrupt');
    expect(v.corruption).toMatchObject({ line: 5, offset: offsetOfLine(lines, 5), problem: 'duplicate: seq 4 again after seq 4' });
    expect(v.corruption?.verifiedAfter?.seq).toBe(5);
  });

  it('two swapped lines: a seq gap at the first of them', async () => {
    const { dir, journal, lines } = await journalWithLines();
    write(journal, [...lines.slice(0, 2), lines[3]!, lines[2]!, ...lines.slice(4)]);
    expect(verifyRun(dir, RUN).corruption).toMatchObject({ line: 3, problem: 'seq gap: expected 3, found 4' });
  });

  it('an edited line whose hash was recomputed: the chain breaks at the next line', async () => {
    const { dir, journal, lines } = await journalWithLines();
    const edited = JSON.parse(lines[4]!);
    edited.data = { ...edited.data, success: false };
    const { text } = encodeLine({
      v: edited.v,
      seq: edited.seq,
      ts: edited.ts,
      runId: edited.runId,
      type: edited.type,
      data: edited.data,
      prev: edited.prev,
    });
    const changed = [...lines.slice(0, 4), text.trimEnd(), ...lines.slice(5)];
    write(journal, changed);
    const v = verifyRun(dir, RUN);
    expect(v.verdict).toBe('corrupt');
    expect(v.corruption).toMatchObject({
      line: 6,
      offset: offsetOfLine(changed, 6),
      problem: 'broken chain: prev does not match the hash of seq 5',
    });
  });

  it('an unknown event type with a valid hash and chain is corruption even as the last line', async () => {
    const { dir, journal, lines } = await journalWithLines();
    const last = JSON.parse(lines.at(-1)!);
    const { text } = encodeLine({
      v: 1,
      seq: last.seq + 1,
      ts: last.ts,
      runId: RUN,
      type: 'MoonLanded' as never,
      data: {} as never,
      prev: last.hash,
    });
    fs.appendFileSync(journal, text);
    const v = verifyRun(dir, RUN);
    expect(v.verdict).toBe('corrupt');
    expect(v.corruption).toMatchObject({ line: lines.length + 1, problem: 'unknown event type "MoonLanded"' });
  });

  it('event data that fails its schema is named with the field', async () => {
    const { dir, journal, lines } = await journalWithLines();
    const last = JSON.parse(lines.at(-1)!);
    const { text } = encodeLine({
      v: 1,
      seq: last.seq + 1,
      ts: last.ts,
      runId: RUN,
      type: 'ErrorRecorded',
      data: { kind: 'x', message: 'm', recoverable: 'yes' } as never,
      prev: last.hash,
    });
    fs.appendFileSync(journal, text);
    expect(verifyRun(dir, RUN).corruption?.problem).toMatch(/ErrorRecorded: recoverable = "yes"/);
  });

  it('resume refuses a corrupt journal and leaves it byte-identical', async () => {
    const { dir, journal, lines } = await journalWithLines();
    const finished = lines.slice(0, -1); // drop RunFinished so the run could be resumed
    write(journal, [...finished.slice(0, 3), ...finished.slice(4)]);
    const before = fs.readFileSync(journal);
    await expect(
      MetricsCollector.resume({ dir, runId: RUN, handleSignals: false, prices: null, liveUpdates: false }),
    ).rejects.toMatchObject({
      code: 'JOURNAL_CORRUPT',
      line: 4,
      offset: offsetOfLine(lines, 4),
    });
    expect(fs.readFileSync(journal).equals(before)).toBe(true);
  });
});
