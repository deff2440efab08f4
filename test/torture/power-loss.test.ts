/* eslint-disable complexity -- each batch checks every consumer against the same torn tails:
   its callback is long by design. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replay } from '../../replay/index.js';
import { encodeLine, MetricsCollector, type RunledgerError, runPaths, verifyRun, type JournalEntry } from '../../src/index.js';
import { CLI, runNode, seededRandom, testSeed } from '../helpers/child.js';
import { tortureDir } from './helpers/dirs.js';
import { lineStarts, quarantineFiles, reencodeForRun, runMetadata, scanRun, splitLines, writeJournal } from './helpers/journals.js';
import { LONG, pick } from './helpers/mode.js';
import { quiet, recordCrashedRun, startOptions, type TemplateKind } from './helpers/scenario.js';
import { torturePart } from './helpers/summary.js';

/**
 * Part 2 of the torture suite: what a power loss can leave at the end of a journal (docs/DESIGN.md rule 6).
 * A power loss keeps some prefix of what was written, possibly followed by zeros, stale blocks or
 * garbage. For real journals, every byte-prefix of their last lines and a catalogue of tails must
 * read as intact (a cut on a line boundary) or as a torn tail at the start of the damaged line,
 * never as corruption; the CLI must exit 0; replay must count exactly the complete events; and a
 * resume must keep the damaged bytes in quarantine/, cut them off and continue the chain.
 */

const seed = testSeed();
const random = seededRandom(seed);
const TEMPLATES: TemplateKind[] = pick(['sync'], ['sync', 'async', 'resumed', 'long-lines']);
/** How many of the last lines get every byte-prefix tried. */
const LAST_LINES = pick(3, 10);
/** Runs per batch for the CLI, replay and resume checks. */
const BATCH = pick(24, 60);

const figures = {
  journals: 0,
  prefixesTried: 0,
  tailsTried: 0,
  cliVerifies: 0,
  replays: 0,
  resumes: 0,
  quarantinedBytes: 0,
  stuckRunIds: 0,
};
torturePart('powerLoss', () => ({ ...figures }), seed);

interface Template {
  readonly kind: TemplateKind;
  readonly bytes: Buffer;
  readonly starts: number[];
  readonly lines: Buffer[];
}

async function template(kind: TemplateKind): Promise<Template> {
  const bytes = await recordCrashedRun(tortureDir('runledger-torture-template-'), 'template', kind);
  figures.journals += 1;
  return { kind, bytes, starts: lineStarts(bytes), lines: splitLines(bytes) };
}

/** What a power loss may leave after the last complete line (seeded; each one a possible crash artifact). */
function tailCatalogue(t: Template, keepLines: number, runId: string): Array<[string, Buffer]> {
  const entries = t.lines.map((l) => JSON.parse(l.toString('utf8')) as JournalEntry);
  const last = entries[keepLines - 1]!;
  const nextLine = Buffer.from(
    encodeLine({
      v: 1,
      seq: last.seq + 1,
      ts: last.ts,
      runId,
      type: 'ErrorRecorded',
      data: { kind: 'tool', message: 'never acknowledged', recoverable: true, issueId: null, agentId: null, callId: null, tool: null },
      prev: last.hash,
    }).text,
  );
  const otherRun = Buffer.from(encodeLine({ ...last, runId: 'another-run' }).text);
  const flipped = Buffer.from(nextLine);
  flipped[20] = flipped[20]! ^ 0x04;
  const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const lineOf = (i: number): Buffer => Buffer.concat([t.lines[i]!, Buffer.from('\n')]);
  const half = nextLine.subarray(0, 1 + Math.floor(random() * (nextLine.length - 2)));
  return [
    ['one zero byte', Buffer.alloc(1)],
    ['a page of zeros', Buffer.alloc(4096)],
    ['zeros of random length', Buffer.alloc(1 + Math.floor(random() * 12_000))],
    ['random bytes', randomBytes(1 + Math.floor(random() * 8192))],
    ['random bytes full of newlines', Buffer.from(randomBytes(2000).map((b, i) => (i % 7 === 0 ? 0x0a : b)))],
    ['half of the next line', half],
    ['half of the next line, then zeros', Buffer.concat([half, Buffer.alloc(4096 - (half.length % 4096))])],
    ['the next line without its newline', nextLine.subarray(0, nextLine.length - 1)],
    ['the next line with a flipped bit', flipped],
    ['the last line again (stale copy)', lineOf(keepLines - 1)],
    ['an earlier line again (stale block)', lineOf(Math.floor(random() * keepLines))],
    [
      'zeros, then an earlier line (stale block after a hole)',
      Buffer.concat([Buffer.alloc(512), lineOf(Math.floor(random() * keepLines))]),
    ],
    ["another run's line", otherRun],
    ['several garbage lines', Buffer.from('{}\nnot json at all\n\u0000\u0000\u0000\n{"v":1,"seq":')],
    ['a lone newline', Buffer.from('\n')],
    ['blank lines', Buffer.from('\n\n\n')],
  ];
}

/** What the reader must say about `keep` bytes of complete lines followed by `tail`. */
function expectVerdict(dir: string, runId: string, keep: number, keepLines: number, tail: number, what: string): void {
  const v = verifyRun(dir, runId);
  if (tail === 0) {
    expect(v, what).toMatchObject({ verdict: 'intact', events: keepLines, bytes: keep });
  } else {
    expect(v.verdict, `${what}: ${JSON.stringify(v)}`).toBe('torn-tail');
    expect(v.tornTail, what).toMatchObject({ offset: keep, bytes: tail, line: keepLines + 1 });
    expect(v.events, what).toBe(keepLines);
  }
}

describe(`power loss at any byte (${LONG ? 'long' : 'short'} mode; seed ${seed}): a cut or a garbage tail is a torn tail, never corruption`, () => {
  it(
    `every byte-prefix of the last ${LAST_LINES} lines of ${TEMPLATES.join(', ')} journals verifies as intact at line boundaries and as a torn tail at the damaged line's start elsewhere`,
    async () => {
      for (const kind of TEMPLATES) {
        const t = await template(kind);
        const dir = tortureDir();
        const runId = 'sweep';
        const journal = reencodeForRun(t.bytes, runId);
        const starts = lineStarts(journal);
        const n = starts.length;
        for (let line = n - LAST_LINES; line < n; line++) {
          const end = starts[line + 1] ?? journal.length;
          for (let cut = starts[line]!; cut <= end; cut++) {
            writeJournal(dir, runId, journal.subarray(0, cut));
            const atBoundary = cut === starts[line] || cut === end;
            const keepLines = cut === end ? line + 1 : line;
            const keep = cut === end ? end : starts[line]!;
            expectVerdict(
              dir,
              runId,
              keep,
              keepLines,
              atBoundary ? 0 : cut - starts[line]!,
              `${kind} journal cut at byte ${cut} (line ${line + 1})`,
            );
            figures.prefixesTried += 1;
          }
        }
      }
    },
    pick(60_000, 600_000),
  );

  it(
    "a catalogue of garbage tails (zeros, random bytes, half lines, stale copies, another run's line, blank lines) after any complete line is a torn tail with its byte offset",
    async () => {
      for (const kind of TEMPLATES) {
        const t = await template(kind);
        const dir = tortureDir();
        const runId = 'tails';
        const journal = reencodeForRun(t.bytes, runId);
        const starts = lineStarts(journal);
        const keepChoices = LONG ? starts.map((_, i) => i + 1) : [1, 2, Math.floor(starts.length / 2), starts.length - 1, starts.length];
        for (const keepLines of keepChoices) {
          const keep = starts[keepLines] ?? journal.length;
          for (const [name, tail] of tailCatalogue({ ...t, bytes: journal, starts, lines: splitLines(journal) }, keepLines, runId)) {
            writeJournal(dir, runId, Buffer.concat([journal.subarray(0, keep), tail]));
            expectVerdict(dir, runId, keep, keepLines, tail.length, `${kind} journal, ${keepLines} lines kept, then ${name}`);
            figures.tailsTried += 1;
          }
        }
      }
    },
    pick(60_000, 600_000),
  );

  it(
    `a batch of ${BATCH} damaged runs per journal kind: the CLI exits 0 and names each torn tail, replay counts exactly the complete events, resume quarantines the tail byte for byte and continues the chain`,
    async () => {
      for (const kind of TEMPLATES) {
        const t = await template(kind);
        const dir = tortureDir();
        const cases: Array<{ runId: string; keep: number; keepLines: number; tail: Buffer; what: string }> = [];
        for (let i = 0; i < BATCH; i++) {
          const runId = `pl-${String(i).padStart(4, '0')}`;
          const journal = reencodeForRun(t.bytes, runId);
          const starts = lineStarts(journal);
          const n = starts.length;
          let keepLines: number;
          let tail: Buffer;
          let what: string;
          if (i % 2 === 0) {
            // A cut inside one of the last lines.
            const line = n - 1 - Math.floor(random() * Math.min(LAST_LINES, n - 1));
            const end = starts[line + 1] ?? journal.length;
            const cut = starts[line]! + 1 + Math.floor(random() * (end - starts[line]! - 1));
            keepLines = line;
            tail = journal.subarray(starts[line], cut);
            what = `cut at byte ${cut}`;
          } else {
            keepLines = 1 + Math.floor(random() * (n - 1));
            const catalogue = tailCatalogue({ ...t, bytes: journal, starts, lines: splitLines(journal) }, keepLines, runId);
            const [name, bytes] = catalogue[i % catalogue.length]!;
            tail = bytes;
            what = `${keepLines} lines, then ${name}`;
          }
          const keep = starts[keepLines] ?? journal.length;
          writeJournal(dir, runId, Buffer.concat([journal.subarray(0, keep), tail]));
          cases.push({ runId, keep, keepLines, tail: Buffer.from(tail), what });
          figures.tailsTried += 1;
        }

        // The CLI: exit 0 (only torn tails), each tail named with its offset.
        const cli = await runNode([CLI, 'verify', '--dir', dir, '--json'], { timeoutMs: 120_000 });
        figures.cliVerifies += 1;
        expect(cli.code, `${kind}: ${cli.stderr}`).toBe(0);
        const report = JSON.parse(cli.stdout) as {
          ok: boolean;
          counts: { corrupt: number };
          runs: Array<{ runId: string; verdict: string; events: number; tornTail: { offset: number; bytes: number } | null }>;
        };
        expect(report.ok).toBe(true);
        expect(report.counts.corrupt).toBe(0);
        for (const c of cases) {
          const run = report.runs.find((r) => r.runId === c.runId);
          expect(run, `${kind} ${c.runId} (${c.what})`).toMatchObject({
            verdict: c.tail.length ? 'torn-tail' : 'intact',
            events: c.keepLines,
          });
          if (c.tail.length)
            expect(run!.tornTail, `${kind} ${c.runId} (${c.what})`).toMatchObject({ offset: c.keep, bytes: c.tail.length });
        }

        // Replay: exactly the complete events, the torn tail flagged with its offset, status crashed.
        const replayed = await replay({ dir });
        figures.replays += 1;
        expect(replayed.ok).toBe(true);
        for (const c of cases) {
          const meta = runMetadata(dir, c.runId);
          expect(meta, `${kind} ${c.runId} (${c.what})`).not.toBeNull();
          expect(meta!.journal.events, `${kind} ${c.runId} (${c.what})`).toBe(c.keepLines);
          expect(meta!.journal.tornTail, `${kind} ${c.runId} (${c.what})`).toEqual(
            c.tail.length ? { offset: c.keep, bytes: c.tail.length } : null,
          );
          expect(meta!.status).toBe('crashed');
        }

        // Resume: the tail goes to quarantine/ byte for byte, is cut off, and the chain continues.
        for (const c of cases) {
          const before = fs.readFileSync(runPaths(dir, c.runId).journal);
          const resumed = await MetricsCollector.resume({ ...quiet(dir, c.runId), lockStaleMs: 2000 });
          resumed.close();
          figures.resumes += 1;
          const { entries, scan } = scanRun(dir, c.runId);
          const after = fs.readFileSync(runPaths(dir, c.runId).journal);
          const where = `${kind} ${c.runId} (${c.what})`;
          expect(scan.tail.kind, where).toBe('clean');
          expect(after.subarray(0, c.keep).equals(before.subarray(0, c.keep)), `${where}: the complete lines changed`).toBe(true);
          expect(entries[c.keepLines], where).toMatchObject({ seq: c.keepLines + 1, type: 'RunResumed', data: { afterSeq: c.keepLines } });
          const quarantined = quarantineFiles(dir, c.runId);
          if (c.tail.length === 0) {
            expect(entries.length, where).toBe(c.keepLines + 1);
            continue;
          }
          expect(entries.length, where).toBe(c.keepLines + 2);
          const name = [...quarantined.keys()].find((f) => f.startsWith(`tail-${c.keep}-`));
          expect(name, `${where}: no quarantine file for offset ${c.keep} in ${[...quarantined.keys()].join(', ')}`).toBeDefined();
          expect(quarantined.get(name!)!.equals(c.tail), `${where}: the quarantined bytes differ from the torn tail`).toBe(true);
          expect(entries[c.keepLines + 1], where).toMatchObject({
            type: 'TailQuarantined',
            data: { offset: c.keep, bytes: c.tail.length, file: `quarantine/${name}` },
          });
          figures.quarantinedBytes += c.tail.length;
        }

        // Replay after the resumes: the resumed lines are counted, no torn tail any more.
        expect((await replay({ dir })).ok).toBe(true);
        figures.replays += 1;
        for (const c of cases) {
          const meta = runMetadata(dir, c.runId)!;
          expect(meta.journal.events).toBe(c.keepLines + (c.tail.length ? 2 : 1));
          expect(meta.journal.tornTail).toBeNull();
          expect(meta.journal.quarantinedTails).toBeGreaterThanOrEqual(c.tail.length ? 1 : 0);
          expect(meta.status).toBe('crashed');
        }
      }
    },
    pick(90_000, 900_000),
  );

  it('a run whose first line was cut by a power loss (start never returned) can be started again under the same run id: neither start nor resume leaves it stuck', async () => {
    const dir = tortureDir();
    const c = await MetricsCollector.start(startOptions(dir, 'first-line'));
    c.close();
    const journal = fs.readFileSync(c.journalPath);
    const artifacts: Array<[string, (own: Buffer) => Buffer]> = [
      ['half of RunStarted', (own) => own.subarray(0, Math.floor(own.indexOf(0x0a) / 2))],
      ['RunStarted without its newline', (own) => own.subarray(0, own.indexOf(0x0a))],
      ['a block of zeros (size extended, data lost)', () => Buffer.alloc(4096)],
    ];
    const outcomes: string[] = [];
    for (const [name, artifact] of artifacts) {
      const runId = `first-line-${outcomes.length}`;
      writeJournal(dir, runId, artifact(reencodeForRun(journal, runId)));
      expect(verifyRun(dir, runId), name).toMatchObject({ verdict: 'torn-tail', events: 0, tornTail: { offset: 0 } });
      // What a supervisor does after the reboot: start the run again; if that is refused, resume it.
      const started = await MetricsCollector.start(startOptions(dir, runId)).then(
        (collector) => collector,
        (error: unknown) => error as RunledgerError,
      );
      if (started instanceof MetricsCollector) {
        started.close();
        outcomes.push(`${name}: start worked`);
        continue;
      }
      const resumed = await MetricsCollector.resume({ ...quiet(dir, runId), lockStaleMs: 2000 }).then(
        (collector) => collector,
        (error: unknown) => error as RunledgerError,
      );
      if (resumed instanceof MetricsCollector) {
        resumed.close();
        outcomes.push(`${name}: resume worked`);
        continue;
      }
      figures.stuckRunIds += 1;
      outcomes.push(
        `${name}: STUCK — start refused with ${started.code} ("${started.message}"), resume refused with ${resumed.code} ("${resumed.message}")`,
      );
    }
    expect(
      outcomes.filter((o) => o.includes('STUCK')),
      outcomes.join('\n'),
    ).toEqual([]);
  });
});
