import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TABLE_FILES } from '../projections/tables/tables.js';
import { ASSEMBLED_FILES } from '../replay/assembled-files.js';
import { decodeEntry, decodeEntryLine, encodeEntry, encodeEntryLine } from '../replay/run-index-codec.js';
import { loadRunIndex, saveRunIndex, type RunIndexEntry } from '../replay/run-index.js';
import { replayPaths } from '../replay/replay-paths.js';
import { tempDir } from './helpers/temp-dir.js';

const count = fc.nat({ max: 2 ** 40 });
const counts = (files: readonly string[]) =>
  fc.oneof(
    fc.constant({}),
    fc.tuple(...files.map(() => fc.nat({ max: 10 ** 9 }))).map((ns) => Object.fromEntries(files.map((file, i) => [file, ns[i]!]))),
  );
const time = fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
const entry: fc.Arbitrary<RunIndexEntry> = fc.record({
  runId: fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/),
  startedAt: time,
  lastEventAt: time,
  checkpoint: fc.record({ offset: count, seq: count, hash: fc.stringMatching(/^[0-9a-f]{64}$/), lastLineStart: count }),
  journalBytes: count,
  journalMtimeMs: fc.double({ min: 0, max: 4e12, noNaN: true }),
  unfinished: fc.boolean(),
  writerAlive: fc.boolean(),
  lockStaleMs: count,
  tornTail: fc.option(fc.record({ offset: count, bytes: count })),
  refused: fc.option(fc.record({ line: count, offset: count, problem: fc.string() })),
  empty: fc.boolean(),
  tableRows: counts(TABLE_FILES),
  tableBytes: counts(ASSEMBLED_FILES),
});

describe('replay index codec', () => {
  it('gives back every entry exactly, through JSON', () => {
    fc.assert(
      fc.property(entry, (e) => {
        expect(decodeEntry(JSON.parse(JSON.stringify(encodeEntry(e))))).toEqual(e);
      }),
      { numRuns: 500 },
    );
  });

  it('an index written and loaded again holds the same entries; one malformed entry makes the whole index be ignored (rebuilt), never half used', () => {
    const entries = fc.sample(entry, 50).map((e, i) => ({ ...e, runId: `run_${i}` }));
    const paths = replayPaths(tempDir());
    fs.mkdirSync(paths.stateDir, { recursive: true });
    saveRunIndex(paths, new Map(entries.map((e) => [e.runId, e])));
    expect(loadRunIndex(paths)).toEqual(new Map(entries.map((e) => [e.runId, e])));

    const text = fs.readFileSync(paths.index, 'utf8');
    const lines = text.split('\n');
    expect(lines.length).toBe(entries.length + 3); // head, one line a run, "]}", and the final newline
    const at = lines.findIndex((line) => line.startsWith('["run_6",'));
    lines[at] = lines[at]!.replace(/^\["run_6",/, '["run_6",1,'); // one field too many
    fs.writeFileSync(paths.index, lines.join('\n'));
    expect(() => JSON.parse(lines.join('\n'))).not.toThrow();
    expect(loadRunIndex(paths).size).toBe(0);
  });

  it('refuses arrays this version did not write', () => {
    const e = fc.sample(entry, 1)[0]!;
    const encoded = encodeEntry(e) as unknown[];
    expect(decodeEntry(encoded.slice(0, 11))).toBeNull();
    expect(decodeEntry({ runId: e.runId })).toBeNull();
    expect(decodeEntry(encoded.map((v, i) => (i === 10 ? [1, 2] : v)))).toBeNull();
    expect(decodeEntry(encoded.map((v, i) => (i === 4 ? -1 : v)))).toBeNull();
  });

  it('an entry read from a line is written back as that very line; a changed copy of it is encoded anew', () => {
    const e = fc.sample(entry, 1)[0]!;
    const line = JSON.stringify(encodeEntry(e));
    const decoded = decodeEntryLine(line)!;
    expect(decoded).toEqual(e);
    expect(encodeEntryLine(decoded)).toBe(line);
    const changed = { ...decoded, journalBytes: decoded.journalBytes + 1 };
    expect(decodeEntry(JSON.parse(encodeEntryLine(changed)))).toEqual(changed);
    expect(decodeEntryLine('["not')).toBeNull();
    expect(decodeEntryLine('[1,2]')).toBeNull();
  });

  it('a save after a load rewrites the unchanged entries byte for byte and the changed ones with their new values', () => {
    const entries = fc.sample(entry, 20).map((e, i) => ({ ...e, runId: `run_${i}` }));
    const paths = replayPaths(tempDir());
    fs.mkdirSync(paths.stateDir, { recursive: true });
    saveRunIndex(paths, new Map(entries.map((e) => [e.runId, e])));
    const runsPart = (text: string): string[] => text.split('\n').slice(1, -2);
    const before = runsPart(fs.readFileSync(paths.index, 'utf8'));

    const loaded = loadRunIndex(paths);
    const run3 = loaded.get('run_3')!;
    loaded.set('run_3', { ...run3, checkpoint: { ...run3.checkpoint, offset: run3.checkpoint.offset + 7 } });
    saveRunIndex(paths, loaded);
    const after = runsPart(fs.readFileSync(paths.index, 'utf8'));
    expect(after.filter((line, i) => line !== before[i])).toEqual([expect.stringMatching(/^\["run_3",/)]);
    expect(loadRunIndex(paths)).toEqual(loaded);
  });

  it('the SHA-256 covers the runs part as written: a change JSON would not see (a space, 1.0 for 1) makes the index be ignored', () => {
    const entries = fc.sample(entry, 5).map((e, i) => ({ ...e, runId: `run_${i}`, lockStaleMs: 10_000 }));
    const paths = replayPaths(tempDir());
    fs.mkdirSync(paths.stateDir, { recursive: true });
    saveRunIndex(paths, new Map(entries.map((e) => [e.runId, e])));
    const text = fs.readFileSync(paths.index, 'utf8');
    expect(loadRunIndex(paths).size).toBe(5);
    for (const edited of [text.replace('["run_2",', '["run_2", '), text.replace(/("run_4",.*?),10000,/, '$1,10000.0,')]) {
      expect(edited).not.toBe(text);
      fs.writeFileSync(paths.index, edited);
      expect(loadRunIndex(paths).size).toBe(0);
    }
    // Cut short, or its last line gone: not laid out as saved, so not JSON or not verified; never half used.
    for (const torn of [text.slice(0, -5), text.slice(0, text.lastIndexOf('\n]}'))]) {
      fs.writeFileSync(paths.index, torn);
      expect(loadRunIndex(paths).size).toBe(0);
    }
  });
});
