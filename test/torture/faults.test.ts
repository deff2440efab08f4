import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replay } from '../../replay/index.js';
import {
  AsyncMetricsCollector,
  JournalFailedError,
  MetricsCollector,
  type RunledgerError,
  runPaths,
  verifyRun,
  type FileOps,
} from '../../src/index.js';
import { seededRandom, testSeed } from '../helpers/child.js';
import { tortureDir } from './helpers/dirs.js';
import { countingOps, faultyOps, type Fault, type FaultCode, type FaultOp, type WriteDamage } from './helpers/faulty-ops.js';
import { quarantineFiles, runMetadata, scanRun } from './helpers/journals.js';
import { LONG, pick } from './helpers/mode.js';
import { quiet, startOptions } from './helpers/scenario.js';
import { torturePart } from './helpers/summary.js';

/**
 * Part 4 of the torture suite: docs/DESIGN.md rule 5, a failed write or fsync is fatal for the journal.
 * Through the FileOps seam, ENOSPC and EIO are injected into writeSync, fdatasyncSync and the async
 * fdatasync of group commit at the n-th call, for every n of a ~50-event run (long mode; a sample
 * in short mode), with the sync and the async collector. Each time: the call fails with
 * JournalFailedError (JOURNAL_FAILED) naming the errno; the file is byte-identical to what was
 * acknowledged before (no half line); later appends are refused and write nothing; the run can be
 * resumed afterwards, continuing right after the last acknowledged event; replay counts it exactly.
 * When the truncation after the failure fails too, the half line is a torn tail that resume keeps
 * in quarantine/.
 */

const seed = testSeed();
const random = seededRandom(seed);
const figures = {
  injected: 0,
  byOp: {} as Record<string, number>,
  acknowledgedEventsChecked: 0,
  eventsLost: 0,
  laterAppendsRefused: 0,
  resumedAfterFailure: 0,
  failedStartsRetried: 0,
  doubleFaults: 0,
};
torturePart('faults', () => ({ ...figures, byOp: { ...figures.byOp } }), seed);

const ISSUES = 5;

/** The n values to try out of 1..count: all of them in long mode, the edges and a random few in short mode. */
function nValues(count: number): number[] {
  if (LONG) return Array.from({ length: count }, (_, i) => i + 1);
  const picks = new Set([1, 2, 3, Math.ceil(count / 2), count - 1, count]);
  for (let i = 0; i < 3; i++) picks.add(1 + Math.floor(random() * count));
  return [...picks].filter((n) => n >= 1 && n <= count).sort((a, b) => a - b);
}

// ---- the sync scenario: RunStarted + 5 issues x 10 calls + RunFinished = 52 lines ---------------

type SyncStep = (c: MetricsCollector, ids: Record<string, string>) => void;
const SYNC_STEPS: SyncStep[] = [];
for (let i = 1; i <= ISSUES; i++) {
  SYNC_STEPS.push(
    (c) => c.startIssue(i, { title: `issue ${i}` }),
    (c, ids) => void (ids.agent = c.startAgent('coding')),
    (c, ids) => void (ids.call = c.startToolCall('run_tests')),
    (c, ids) => c.endToolCall(ids.call!, { success: i % 2 === 0, error: i % 2 ? 'exit 1' : undefined }),
    (c) => void c.recordTokenUsage({ model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1000 * i, outputTokens: 10 * i }),
    (c) => c.recordError({ kind: 'tool', message: `error ${i}`, recoverable: true }),
    (c) => c.recordPipeline({ pipelineId: `p${i}`, commitSha: 'abc', status: 'success', triggeredBy: 'testing' }),
    (c) => c.recordDebuggingCycle({ trigger: 'test-failure', resolved: true }),
    (c, ids) => c.finalizeAgent({ agentId: ids.agent, success: true }),
    (c) => c.finalizeIssue(i, 'completed', { linesAdded: i }),
  );
}
SYNC_STEPS.push((c) => c.finalizeRun('completed'));

// ---- the async scenario: the same calls in batches that share one flush (group commit) ----------

type AsyncBatch = (c: AsyncMetricsCollector, ids: Record<string, string>) => Array<Promise<unknown>>;
const ASYNC_BATCHES: AsyncBatch[] = [];
for (let i = 1; i <= ISSUES; i++) {
  ASYNC_BATCHES.push(
    (c, ids) => [
      c.startIssue(i, { title: `issue ${i}` }),
      c.startAgent('coding').then((id) => void (ids.agent = id)),
      c.startToolCall('run_tests').then((id) => void (ids.call = id)),
    ],
    (c, ids) => [
      c.endToolCall(ids.call!, { success: true }),
      c.recordTokenUsage({ model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1000 * i, outputTokens: 10 * i }),
      c.recordError({ kind: 'tool', message: `error ${i}`, recoverable: true }),
      c.recordPipeline({ pipelineId: `p${i}`, commitSha: 'abc', status: 'failed', triggeredBy: 'testing' }),
      c.recordDebuggingCycle({ trigger: 'test-failure', resolved: false }),
    ],
    // One call alone: a flush of a single line.
    (c, ids) => [c.finalizeAgent({ agentId: ids.agent, success: true })],
    (c) => [c.finalizeIssue(i, 'failed')],
  );
}
ASYNC_BATCHES.push((c) => [c.finalizeRun('completed')]);

interface Outcome {
  readonly runId: string;
  /** Events acknowledged before the failure (RunStarted included), and the bytes that held them. */
  readonly ackedEvents: number;
  readonly acked: Buffer;
  readonly failure: unknown;
  readonly what: string;
}

function expectJournalFailed(error: unknown, fault: Fault, what: string): void {
  expect(error, `${what}: expected JournalFailedError, got ${String(error)}`).toBeInstanceOf(JournalFailedError);
  expect((error as RunledgerError).code).toBe('JOURNAL_FAILED');
  expect((error as Error).message, what).toContain(fault.code);
}

async function runSync(dir: string, runId: string, ops: FileOps, what: string): Promise<Outcome & { collector: MetricsCollector | null }> {
  let collector: MetricsCollector;
  try {
    collector = await MetricsCollector.start(startOptions(dir, runId, { fileOps: ops }));
  } catch (failure) {
    return { runId, ackedEvents: 0, acked: Buffer.alloc(0), failure, what, collector: null };
  }
  let acked = fs.readFileSync(collector.journalPath);
  let ackedEvents = 1;
  const ids: Record<string, string> = {};
  for (const step of SYNC_STEPS) {
    try {
      step(collector, ids);
    } catch (failure) {
      return { runId, ackedEvents, acked, failure, what, collector };
    }
    acked = fs.readFileSync(collector.journalPath);
    ackedEvents += 1;
  }
  return { runId, ackedEvents, acked, failure: null, what, collector };
}

async function runAsync(
  dir: string,
  runId: string,
  ops: FileOps,
  what: string,
): Promise<Outcome & { collector: AsyncMetricsCollector | null }> {
  let collector: AsyncMetricsCollector;
  try {
    collector = await AsyncMetricsCollector.start(startOptions(dir, runId, { fileOps: ops }));
  } catch (failure) {
    return { runId, ackedEvents: 0, acked: Buffer.alloc(0), failure, what, collector: null };
  }
  let acked = fs.readFileSync(collector.journalPath);
  let ackedEvents = 1;
  const ids: Record<string, string> = {};
  for (const batch of ASYNC_BATCHES) {
    const settled = await Promise.allSettled(batch(collector, ids));
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (rejected.length > 0) {
      // One batch is one write and one fdatasync: it fails as a whole.
      expect(rejected.length, `${what}: a batch that shares one flush must fail as a whole`).toBe(settled.length);
      for (const r of rejected) expect(r.reason, what).toBeInstanceOf(JournalFailedError);
      return { runId, ackedEvents, acked, failure: rejected[0]!.reason, what, collector };
    }
    acked = fs.readFileSync(collector.journalPath);
    ackedEvents += settled.length;
  }
  return { runId, ackedEvents, acked, failure: null, what, collector };
}

/** After the failure: the checks of rule 5, then a resume that continues right after the acknowledged events. */
async function checkAfterFault(
  dir: string,
  kind: 'sync' | 'async',
  outcome: Outcome,
  fault: Fault,
  collector: MetricsCollector | AsyncMetricsCollector | null,
): Promise<number> {
  const { runId, what } = outcome;
  const journal = runPaths(dir, runId).journal;
  expect(outcome.failure, `${what}: the injected fault never surfaced`).not.toBeNull();
  expectJournalFailed(outcome.failure, fault, what);
  figures.injected += 1;
  const key = `${kind} ${fault.op} ${fault.code}`;
  figures.byOp[key] = (figures.byOp[key] ?? 0) + 1;

  if (collector === null) {
    // RunStarted itself failed: start threw, nothing stayed in the file, the lock was released,
    // and starting the run again (the disk fixed) works.
    expect(fs.existsSync(journal) ? fs.statSync(journal).size : 0, what).toBe(0);
    expect(fs.existsSync(runPaths(dir, runId).lock), `${what}: lock left behind`).toBe(false);
    const again = await MetricsCollector.start(startOptions(dir, runId));
    again.close();
    figures.failedStartsRetried += 1;
    return 1;
  }

  expect((outcome.failure as Error).message, what).toContain(`truncated back to byte ${outcome.acked.length}`);
  // No half line: byte for byte what was acknowledged.
  const after = fs.readFileSync(journal);
  expect(after.equals(outcome.acked), `${what}: file is ${after.length} bytes, acknowledged ${outcome.acked.length}`).toBe(true);
  expect(verifyRun(dir, runId), what).toMatchObject({ verdict: 'intact', events: outcome.ackedEvents });
  figures.acknowledgedEventsChecked += outcome.ackedEvents;

  // Later appends are refused with the same error and write nothing. A retried finalizeRun too:
  // it must not report success for a RunFinished that never reached the journal.
  const later: Array<[string, () => unknown]> = [
    ['finalizeRun() retried', () => collector.finalizeRun('completed')],
    ['recordError()', () => collector.recordError({ kind: 'after', message: 'after the failure', recoverable: true })],
    ['startIssue()', () => collector.startIssue(`after-${runId}`)],
  ];
  const problems: string[] = [];
  for (const [name, call] of later) {
    let error: unknown = null;
    try {
      await call();
    } catch (e) {
      error = e;
    }
    if (error instanceof JournalFailedError) figures.laterAppendsRefused += 1;
    else
      problems.push(
        `${name} after the failure ${error === null ? 'SUCCEEDED although nothing was written' : `was refused with ${(error as RunledgerError).code ?? String(error)}, not JOURNAL_FAILED`}`,
      );
  }
  // Collected for the whole sweep and asserted at its end, so that one finding does not hide the
  // faults that come after it.
  for (const p of problems)
    laterAppendProblems.push(`${what}: the journal holds ${entriesOfType(journal, 'RunFinished')} RunFinished lines, yet ${p}`);
  expect(fs.readFileSync(journal).equals(outcome.acked), `${what}: a refused append wrote`).toBe(true);
  collector.close();
  expect(fs.existsSync(runPaths(dir, runId).lock), `${what}: lock left behind after close`).toBe(false);

  // The disk fixed, the run is resumed: right after the last acknowledged event, which are intact.
  const resumed = await MetricsCollector.resume({ ...quiet(dir, runId), lockStaleMs: 2000 });
  resumed.finalizeRun('completed');
  figures.resumedAfterFailure += 1;
  const { entries, scan } = scanRun(dir, runId);
  expect(scan.tail.kind).toBe('clean');
  expect(
    fs.readFileSync(journal).subarray(0, outcome.acked.length).equals(outcome.acked),
    `${what}: acknowledged bytes changed by resume`,
  ).toBe(true);
  expect(entries[outcome.ackedEvents], what).toMatchObject({
    seq: outcome.ackedEvents + 1,
    type: 'RunResumed',
    data: { afterSeq: outcome.ackedEvents },
  });
  return entries.length;
}

function entriesOfType(journal: string, type: string): number {
  return fs
    .readFileSync(journal, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"type":"${type}"`)).length;
}

/** Later appends that were not refused with JOURNAL_FAILED, over one sweep. */
const laterAppendProblems: string[] = [];

interface Plan {
  readonly collector: 'sync' | 'async';
  readonly fault: Fault;
}

async function dryRunCounts(collector: 'sync' | 'async'): Promise<Record<FaultOp, number>> {
  const { ops, counts } = countingOps();
  const dir = tortureDir();
  const outcome = collector === 'sync' ? await runSync(dir, 'dry', ops, 'dry run') : await runAsync(dir, 'dry', ops, 'dry run');
  expect(outcome.failure).toBeNull();
  // Both scenarios make the same 51 calls after RunStarted.
  expect(outcome.ackedEvents).toBe(SYNC_STEPS.length + 1);
  return { ...counts };
}

async function sweep(collector: 'sync' | 'async', ops: readonly FaultOp[], damages: readonly WriteDamage[]): Promise<void> {
  const counts = await dryRunCounts(collector);
  const plans: Plan[] = [];
  for (const op of ops) {
    expect(counts[op], `${collector} run makes no ${op} call`).toBeGreaterThan(0);
    for (const code of ['ENOSPC', 'EIO'] as FaultCode[]) {
      for (const n of nValues(counts[op])) {
        for (const writeDamage of op === 'writeSync' ? damages : (['none'] as WriteDamage[]))
          plans.push({ collector, fault: { op, n, code, writeDamage } });
      }
    }
  }
  const dir = tortureDir();
  const expectedEvents = new Map<string, number>();
  laterAppendProblems.length = 0;
  for (const [i, plan] of plans.entries()) {
    const runId = `${collector}-${i}`;
    const { fault } = plan;
    const what = `${collector} run, ${fault.code} on ${fault.op} #${fault.n} of ${counts[fault.op]}${fault.op === 'writeSync' ? ` (${fault.writeDamage} of the bytes written)` : ''} (seed ${seed})`;
    const injected = faultyOps(fault);
    const outcome = collector === 'sync' ? await runSync(dir, runId, injected.ops, what) : await runAsync(dir, runId, injected.ops, what);
    expect(injected.fired(), `${what}: the fault did not fire`).toBe(true);
    expectedEvents.set(runId, await checkAfterFault(dir, collector, outcome, fault, outcome.collector));
  }
  // One replay of all the runs: each holds exactly its events (acknowledged, then the resumed part).
  const report = await replay({ dir });
  expect(report.ok).toBe(true);
  for (const [runId, events] of expectedEvents) expect(runMetadata(dir, runId)?.journal.events, runId).toBe(events);
  expect(
    laterAppendProblems,
    `appends after a failure that were not refused with JOURNAL_FAILED:\n${laterAppendProblems.join('\n')}`,
  ).toEqual([]);
}

describe(`ENOSPC and EIO at the n-th write or fsync (${LONG ? 'every n' : 'a sample of n'}; seed ${seed}): the call fails with JOURNAL_FAILED, nothing acknowledged is lost, no half line stays`, () => {
  it(
    'sync MetricsCollector: a failed writeSync (nothing, half or all of the bytes written) or fdatasyncSync at any call',
    async () => {
      await sweep('sync', ['writeSync', 'fdatasyncSync'], LONG ? ['none', 'half', 'all'] : ['half', 'none']);
    },
    pick(120_000, 1_800_000),
  );

  it(
    'AsyncMetricsCollector (group commit): a failed writeSync or async fdatasync of any batch rejects every promise of that batch and only those, and a failed fdatasyncSync of RunStarted fails start',
    async () => {
      await sweep('async', ['writeSync', 'fdatasync', 'fdatasyncSync'], LONG ? ['none', 'half', 'all'] : ['half']);
    },
    pick(120_000, 1_800_000),
  );

  it(
    'when the truncation after a failed write fails too, the half line is a torn tail at the last acknowledged byte, and resume keeps it in quarantine/',
    async () => {
      const counts = await dryRunCounts('sync');
      const dir = tortureDir();
      for (const n of nValues(counts.writeSync).filter((n) => n > 1)) {
        const runId = `double-${n}`;
        const fault: Fault = { op: 'writeSync', n, code: 'EIO', writeDamage: 'half', truncateFails: true };
        const what = `EIO on writeSync #${n}, then EIO on ftruncate (seed ${seed})`;
        const injected = faultyOps(fault);
        const outcome = await runSync(dir, runId, injected.ops, what);
        expectJournalFailed(outcome.failure, fault, what);
        expect((outcome.failure as Error).message, what).toContain(`truncating back to byte ${outcome.acked.length} also failed`);
        figures.injected += 1;
        figures.doubleFaults += 1;
        const file = fs.readFileSync(runPaths(dir, runId).journal);
        expect(file.subarray(0, outcome.acked.length).equals(outcome.acked), what).toBe(true);
        const halfLine = file.subarray(outcome.acked.length);
        expect(halfLine.length, `${what}: the half line is not in the file`).toBeGreaterThan(0);
        expect(verifyRun(dir, runId), what).toMatchObject({
          verdict: 'torn-tail',
          events: outcome.ackedEvents,
          tornTail: { offset: outcome.acked.length },
        });
        expect(() => outcome.collector!.recordError({ kind: 'after', message: 'x', recoverable: true })).toThrow(JournalFailedError);
        outcome.collector!.close();
        const resumed = await MetricsCollector.resume({ ...quiet(dir, runId), lockStaleMs: 2000 });
        resumed.finalizeRun('completed');
        const { entries, scan } = scanRun(dir, runId);
        expect(scan.tail.kind).toBe('clean');
        expect(entries[outcome.ackedEvents]).toMatchObject({ type: 'RunResumed', data: { afterSeq: outcome.ackedEvents } });
        expect(entries[outcome.ackedEvents + 1]).toMatchObject({
          type: 'TailQuarantined',
          data: { offset: outcome.acked.length, bytes: halfLine.length },
        });
        expect(
          [...quarantineFiles(dir, runId).values()].some((b) => b.equals(halfLine)),
          `${what}: half line not kept in quarantine/`,
        ).toBe(true);
        figures.acknowledgedEventsChecked += outcome.ackedEvents;
      }
    },
    pick(60_000, 600_000),
  );

  it('AsyncMetricsCollector: a finalizeRun() made while another is still in flight resolves only once RunFinished is durable (acknowledged means durable, also for the idempotent call)', async () => {
    const dir = tortureDir();
    const c = await AsyncMetricsCollector.start(startOptions(dir, 'double-finalize'));
    const inJournal = (): boolean => entriesOfType(c.journalPath, 'RunFinished') === 1;
    const seen: string[] = [];
    const first = c
      .finalizeRun('completed')
      .then(() => seen.push(`first finalizeRun resolved, RunFinished in the journal: ${inJournal()}`));
    const second = c
      .finalizeRun('completed')
      .then(() => seen.push(`second finalizeRun resolved, RunFinished in the journal: ${inJournal()}`));
    await Promise.all([first, second]);
    expect(seen.sort()).toEqual([
      'first finalizeRun resolved, RunFinished in the journal: true',
      'second finalizeRun resolved, RunFinished in the journal: true',
    ]);
  });
});
