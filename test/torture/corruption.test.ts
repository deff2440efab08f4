/* eslint-disable complexity -- each case checks every consumer (verify, the CLI, replay, resume) against
   the same damage: its callback is long by design. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replay } from '../../replay/index.js';
import { encodeLine, MetricsCollector, runPaths, verifyRun, type JournalEntry } from '../../src/index.js';
import { CLI, runNode, seededRandom, testSeed } from '../helpers/child.js';
import { tortureDir } from './helpers/dirs.js';
import { joinLines, lineStarts, reencodeForRun, runMetadata, splitLines, writeJournal } from './helpers/journals.js';
import { LONG, pick } from './helpers/mode.js';
import { quiet, recordCrashedRun } from './helpers/scenario.js';
import { torturePart } from './helpers/summary.js';

/**
 * Part 3 of the torture suite: damage before the tail is corruption, and corruption is loud
 * (docs/DESIGN.md rules 3 and 6). A flipped bit, a deleted, duplicated, swapped or edited line anywhere
 * before the last line: verify (library and CLI) reports it with the line number and byte offset
 * where it starts and exits 1; replay refuses that run (report ok false, runs[].refused) but still
 * processes the other runs of the folder; resume refuses it; and nothing is rewritten or dropped:
 * the corrupt journal stays byte-identical. Long mode tries every line position for every kind
 * and a random bit of every byte; short mode a sample.
 */

const seed = testSeed();
const random = seededRandom(seed);
const figures = {
  tried: 0,
  detected: 0,
  byKind: {} as Record<string, number>,
  bitFlipsSwept: 0,
  flipsReadAsTornTail: 0,
  replayRefusals: 0,
  resumeRefusals: 0,
  intactNeighboursReplayed: 0,
};
torturePart('corruption', () => ({ ...figures, byKind: { ...figures.byKind } }), seed);

type Kind =
  | 'flipped bit'
  | 'deleted line'
  | 'duplicated line'
  | 'duplicated line, copy further down'
  | 'swapped lines'
  | 'edited line'
  | 'edited line, hash recomputed';
const KINDS: Kind[] = [
  'flipped bit',
  'deleted line',
  'duplicated line',
  'duplicated line, copy further down',
  'swapped lines',
  'edited line',
  'edited line, hash recomputed',
];

interface Damaged {
  readonly bytes: Buffer;
  /** Where the reader must report the first bad line (1-based) and the byte offset it starts at. */
  readonly line: number;
  readonly offset: number;
  readonly what: string;
}

/** Changes the ts of a line by one millisecond (same length, still schema-valid); rehashes it if asked. */
function editLine(line: Buffer, rehash: boolean): Buffer {
  const e = JSON.parse(line.toString('utf8')) as JournalEntry;
  const ts = new Date(Date.parse(e.ts) + 1).toISOString();
  if (rehash) return Buffer.from(encodeLine({ ...e, ts }).text.trimEnd());
  return Buffer.from(line.toString('utf8').replace(`"ts":"${e.ts}"`, `"ts":"${ts}"`));
}

/** Damage of `kind` at 1-based line `at` (1 ≤ at < number of lines) and where it must be reported. */
function damage(journal: Buffer, kind: Kind, at: number): Damaged {
  const lines = splitLines(journal);
  const starts = lineStarts(journal);
  const i = at - 1;
  const withLines = (changed: Buffer[]): Buffer => joinLines(changed);
  switch (kind) {
    case 'flipped bit': {
      const bytes = Buffer.from(journal);
      const pos = starts[i]! + Math.floor(random() * lines[i]!.length); // within the line, not its newline
      const bit = 1 << Math.floor(random() * 8);
      bytes[pos] = bytes[pos]! ^ bit;
      return { bytes, line: at, offset: starts[i]!, what: `bit ${bit} of byte ${pos} (line ${at}) flipped` };
    }
    case 'deleted line':
      return { bytes: withLines(lines.filter((_, j) => j !== i)), line: at, offset: starts[i]!, what: `line ${at} deleted` };
    case 'duplicated line':
      return {
        bytes: withLines([...lines.slice(0, at), lines[i]!, ...lines.slice(at)]),
        line: at + 1,
        offset: starts[at]!,
        what: `line ${at} duplicated right after itself`,
      };
    case 'duplicated line, copy further down': {
      // The copy lands after line `after` (at ≤ after < n): the line it displaces reports it.
      const after = at + Math.floor(random() * (lines.length - at));
      return {
        bytes: withLines([...lines.slice(0, after), lines[i]!, ...lines.slice(after)]),
        line: after + 1,
        offset: starts[after]!,
        what: `a copy of line ${at} inserted after line ${after}`,
      };
    }
    case 'swapped lines':
      return {
        bytes: withLines([...lines.slice(0, i), lines[i + 1]!, lines[i]!, ...lines.slice(i + 2)]),
        line: at,
        offset: starts[i]!,
        what: `lines ${at} and ${at + 1} swapped`,
      };
    case 'edited line':
      return {
        bytes: withLines(lines.map((l, j) => (j === i ? editLine(l, false) : l))),
        line: at,
        offset: starts[i]!,
        what: `line ${at} edited`,
      };
    case 'edited line, hash recomputed': {
      // The edited line verifies on its own; the next line's prev no longer matches: reported there.
      const changed = lines.map((l, j) => (j === i ? editLine(l, true) : l));
      return {
        bytes: withLines(changed),
        line: at + 1,
        offset: lineStarts(withLines(changed))[at]!,
        what: `line ${at} edited and rehashed`,
      };
    }
  }
}

async function templateJournal(): Promise<Buffer> {
  return recordCrashedRun(tortureDir('runledger-torture-template-'), 'template', 'sync', pick(4, 6));
}

describe(`corruption anywhere before the tail is loud, with line and byte offset (${LONG ? 'long: every line position' : 'short: a sample of positions'}; seed ${seed})`, () => {
  it(
    `${KINDS.join(', ')}: verify, the CLI, replay and resume all refuse it, name line and offset, and leave the journal byte-identical; replay still processes the intact runs beside it`,
    async () => {
      const template = await templateJournal();
      const n = lineStarts(template).length;
      const dir = tortureDir();
      // Positions 1 .. n-1: damage in the last line has no verified line after it (a torn tail by design).
      const positions = LONG
        ? Array.from({ length: n - 1 }, (_, i) => i + 1)
        : [1, 2, Math.floor(n / 2), n - 2, n - 1].concat(Array.from({ length: 2 }, () => 1 + Math.floor(random() * (n - 1))));
      const cases: Array<Damaged & { runId: string; kind: Kind }> = [];
      for (const kind of KINDS) {
        for (const at of positions) {
          const runId = `c-${cases.length.toString().padStart(4, '0')}`;
          const d = damage(reencodeForRun(template, runId), kind, at);
          writeJournal(dir, runId, d.bytes);
          cases.push({ ...d, runId, kind });
        }
      }
      // Intact runs in the same folder, which replay must still bring up to date.
      const intact = ['intact-a', 'intact-b'];
      for (const runId of intact) writeJournal(dir, runId, reencodeForRun(template, runId));
      const journals = new Map(cases.map((c) => [c.runId, fs.readFileSync(runPaths(dir, c.runId).journal)]));

      // The library's verdict.
      for (const c of cases) {
        figures.tried += 1;
        figures.byKind[c.kind] = (figures.byKind[c.kind] ?? 0) + 1;
        const v = verifyRun(dir, c.runId);
        expect(v.verdict, `${c.what}: ${JSON.stringify(v)}`).toBe('corrupt');
        expect(v.corruption, c.what).toMatchObject({ line: c.line, offset: c.offset });
        expect(v.events, c.what).toBe(c.line - 1);
        figures.detected += 1;
      }

      // The CLI: exit 1, one CORRUPT line per damaged run naming line and byte offset; the intact ones ok.
      const text = await runNode([CLI, 'verify', '--dir', dir], { timeoutMs: 120_000 });
      expect(text.code, text.stderr).toBe(1);
      for (const c of cases) expect(text.stdout, c.what).toContain(`CORRUPT  ${c.runId}: line ${c.line} at byte ${c.offset}:`);
      for (const runId of intact) expect(text.stdout).toContain(`ok       ${runId}:`);
      const json = await runNode([CLI, 'verify', '--dir', dir, '--json'], { timeoutMs: 120_000 });
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as {
        ok: boolean;
        counts: { intact: number; tornTail: number; corrupt: number; refused: number };
        runs: Array<{ runId: string; corruption: { line: number; offset: number } | null }>;
      };
      expect(report.ok).toBe(false);
      expect(report.counts).toEqual({ intact: intact.length, tornTail: 0, corrupt: cases.length, refused: 0 });
      for (const c of cases)
        expect(report.runs.find((r) => r.runId === c.runId)?.corruption, c.what).toMatchObject({ line: c.line, offset: c.offset });

      // Replay: refuses each corrupt run loudly and by name, still processes the intact runs.
      const replayed = await replay({ dir });
      expect(replayed.ok).toBe(false);
      for (const c of cases) {
        const run = replayed.runs.find((r) => r.runId === c.runId);
        expect(run, `${c.what}: replay left the run out of its report`).toBeDefined();
        expect(run!.outcome, c.what).toBe('refused');
        expect(run!.refused, c.what).toMatchObject({ line: c.line, offset: c.offset });
        expect(runMetadata(dir, c.runId), `${c.what}: a refused run keeps no read model`).toBeNull();
        figures.replayRefusals += 1;
      }
      for (const runId of intact) {
        expect(replayed.runs.find((r) => r.runId === runId)?.outcome).toBe('replayed');
        expect(runMetadata(dir, runId)?.journal.events).toBe(n);
        figures.intactNeighboursReplayed += 1;
      }
      const runsCsv = fs.readFileSync(`${dir}/csv/runs.csv`, 'utf8');
      for (const runId of intact) expect(runsCsv).toContain(`\r\n${runId},`);
      const cliReplay = await runNode([CLI, 'replay', '--dir', dir, '--json'], { timeoutMs: 120_000 });
      expect(cliReplay.code, cliReplay.stderr).toBe(1);

      // Resume refuses every corrupt run with JOURNAL_CORRUPT naming line and offset.
      for (const c of cases.filter((_, i) => LONG || i % 3 === 0)) {
        await expect(MetricsCollector.resume({ ...quiet(dir, c.runId), lockStaleMs: 2000, lockWaitMs: 0 }), c.what).rejects.toMatchObject({
          code: 'JOURNAL_CORRUPT',
          line: c.line,
          offset: c.offset,
        });
        figures.resumeRefusals += 1;
      }

      // Nothing was rewritten, cut or dropped.
      for (const c of cases)
        expect(fs.readFileSync(runPaths(dir, c.runId).journal).equals(journals.get(c.runId)!), `${c.what}: the journal changed`).toBe(true);
    },
    pick(60_000, 900_000),
  );

  it(
    `a random bit of ${LONG ? 'every byte' : 'a sample of bytes'} of every line but the last: corruption at exactly that line; a flip of the last newline but one is the one flip read as a torn tail`,
    async () => {
      const template = await templateJournal();
      const dir = tortureDir();
      const runId = 'flips';
      const journal = reencodeForRun(template, runId);
      const starts = lineStarts(journal);
      const n = starts.length;
      const lastStart = starts[n - 1]!;
      const positions = LONG
        ? Array.from({ length: lastStart }, (_, i) => i)
        : Array.from({ length: 400 }, () => Math.floor(random() * lastStart));
      for (const pos of positions) {
        const bytes = Buffer.from(journal);
        const bit = 1 << Math.floor(random() * 8);
        bytes[pos] = bytes[pos]! ^ bit;
        writeJournal(dir, runId, bytes);
        const line = starts.filter((s) => s <= pos).length; // 1-based; a line's newline belongs to it
        const v = verifyRun(dir, runId);
        const what = `bit ${bit} of byte ${pos} (line ${line}) flipped`;
        figures.bitFlipsSwept += 1;
        figures.tried += 1;
        if (pos === lastStart - 1) {
          // Lines n-1 and n merge into one bad line with nothing after it: indistinguishable from a
          // torn tail (resume would quarantine both lines, keeping their bytes).
          expect(v, what).toMatchObject({ verdict: 'torn-tail', tornTail: { offset: starts[n - 2], line: n - 1 } });
          figures.flipsReadAsTornTail += 1;
          continue;
        }
        expect(v.verdict, `${what}: ${JSON.stringify(v)}`).toBe('corrupt');
        expect(v.corruption, what).toMatchObject({ line, offset: starts[line - 1] });
        figures.detected += 1;
      }
    },
    pick(60_000, 900_000),
  );

  it('a journal written by an earlier runledger (schema v1, before RunStarted and RunResumed carried lockStaleMs) is not corruption: verify says intact, replay reads it, resume continues it', async () => {
    const dir = tortureDir();
    const template = await recordCrashedRun(tortureDir('runledger-torture-template-'), 'template', 'resumed');
    // The same events as runledger 0.1.0 wrote them (commit 5f4ebe7 and before): no lockStaleMs field.
    const old = reencodeForRun(template, 'written-by-0.1.0', (type, data) => {
      if (type !== 'RunStarted' && type !== 'RunResumed') return data;
      const { lockStaleMs: _dropped, ...rest } = data;
      return rest;
    });
    writeJournal(dir, 'written-by-0.1.0', old);
    const v = verifyRun(dir, 'written-by-0.1.0');
    expect(v, `an old journal must stay readable: ${JSON.stringify(v.corruption)}`).toMatchObject({
      verdict: 'intact',
      events: lineStarts(old).length,
    });
    const replayed = await replay({ dir });
    expect(replayed.runs[0]?.refused ?? null).toBeNull();
    const resumed = await MetricsCollector.resume({ ...quiet(dir, 'written-by-0.1.0'), lockStaleMs: 2000 });
    resumed.finalizeRun('completed');
    expect(verifyRun(dir, 'written-by-0.1.0').verdict).toBe('intact');
    expect(
      fs.readFileSync(runPaths(dir, 'written-by-0.1.0').journal).subarray(0, old.length).equals(old),
      'the old lines were rewritten',
    ).toBe(true);
  });
});
