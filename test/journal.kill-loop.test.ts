import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsCollector, runPaths, verifyRun } from '../src/index.js';
import { ChildPool, journalEntries, seededRandom, testSeed, type Child, type JournalLine, type Message } from './helpers/child.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * docs/DESIGN.md rule 4 ("durable before acknowledged") and rule 6 (a crash leaves at most a torn tail),
 * tested the hard way: a real writer process is killed with SIGKILL at a random moment while it
 * appends, again and again. Every event whose call had returned (reported by the child on a pipe
 * right after the return) must be in the journal, the journal must read as intact or torn (never
 * corrupt), and resuming must continue the chain right after the last verified line.
 *
 * Each kill costs about two seconds: resume waits until the dead writer's lock is stale
 * (lockStaleMs 2000, the minimum). 4 + 4 + 3 kills keep the file well under a minute.
 */

const seed = testSeed();
const random = seededRandom(seed);
const children = new ChildPool();
afterEach(() => children.destroyAll());

type Mode = 'sync' | 'async';

interface Ack {
  readonly ack: string;
  readonly seq: number;
  readonly hash: string;
}

const isAck = (m: Message): boolean => typeof m.ack === 'string';

/** Resume options from the task: the dead writer's lock is taken over once 2 s stale. */
const resumeOptions = (dir: string, runId: string) => ({
  dir,
  runId,
  lockStaleMs: 2000,
  handleSignals: false,
  prices: null,
  liveUpdates: false,
});

function spawnWriter(dir: string, runId: string, mode: Mode, round: number): Child {
  const args = { dir, runId, resume: round > 0, mode, tag: `${runId}-r${round}`, concurrency: 32 };
  return children.fixture('kill-loop-writer.mjs', [JSON.stringify(args)]);
}

/**
 * Waits until the child has acknowledged its first event, then kills it with SIGKILL either after
 * a random number of acknowledged events or after a random delay of a few ms, and returns what
 * it acknowledged.
 */
async function killAtRandomMoment(child: Child): Promise<{ acks: Ack[]; trigger: string }> {
  // At least one acknowledged event per kill, so that every round has something to lose.
  await child.waitFor(isAck, 'the first ack');
  let trigger: string;
  if (random() < 0.5) {
    const acks = 1 + Math.floor(random() * 80);
    trigger = `after ${acks} acks`;
    await child.waitForCount(isAck, acks, 'ack');
  } else {
    const delayMs = 1 + Math.floor(random() * 40);
    trigger = `after ${delayMs} ms`;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  child.kill('SIGKILL');
  const exit = await child.exited;
  // The child must have died by our SIGKILL, not by an error of its own.
  expect(exit, `writer ${trigger} (seed ${seed}); stderr:\n${child.stderr}`).toEqual({ code: null, signal: 'SIGKILL' });
  return { acks: child.messages.filter(isAck) as unknown as Ack[], trigger };
}

interface AfterKill {
  readonly lastSeq: number;
  readonly tornTail: { readonly offset: number; readonly bytes: number } | null;
}

/** Checks a killed writer's journal: readable, every acknowledged event in place, chain unbroken. */
function checkJournalAfterKill(dir: string, runId: string, acks: readonly Ack[], context: string): AfterKill {
  const verification = verifyRun(dir, runId);
  expect(['intact', 'torn-tail'], `verdict ${context}: ${JSON.stringify(verification)}`).toContain(verification.verdict);
  const goodEnd = verification.tornTail?.offset ?? verification.bytes;
  const lines = journalEntries(runPaths(dir, runId).journal, goodEnd);
  expect(lines.length).toBe(verification.events);
  expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));

  const lost = acks.filter((a) => {
    const line: JournalLine | undefined = lines[a.seq - 1];
    return !line || line.seq !== a.seq || line.hash !== a.hash || line.type !== 'ErrorRecorded' || line.data.message !== a.ack;
  });
  expect(lost, `acknowledged events missing or changed ${context}`).toEqual([]);
  // Different calls never share a seq.
  expect(new Set(acks.map((a) => a.seq)).size).toBe(acks.length);
  return { lastSeq: lines.length, tornTail: verification.tornTail };
}

/** Resumes in this process and checks the first resumed lines; returns the open collector. */
async function resumeAndCheck(dir: string, runId: string, after: AfterKill): Promise<MetricsCollector> {
  const collector = await MetricsCollector.resume(resumeOptions(dir, runId));
  const paths = runPaths(dir, runId);
  const lines = journalEntries(paths.journal);
  expect(lines[after.lastSeq], 'first resumed line').toMatchObject({
    seq: after.lastSeq + 1,
    type: 'RunResumed',
    data: { afterSeq: after.lastSeq },
  });
  if (after.tornTail) {
    // The torn tail was kept aside, not dropped: a quarantine file with exactly its bytes.
    const quarantined = lines[after.lastSeq + 1];
    expect(quarantined).toMatchObject({
      seq: after.lastSeq + 2,
      type: 'TailQuarantined',
      data: { offset: after.tornTail.offset, bytes: after.tornTail.bytes },
    });
    expect(fs.statSync(path.join(paths.runDir, String(quarantined!.data.file))).size).toBe(after.tornTail.bytes);
  } else {
    expect(lines.length).toBe(after.lastSeq + 1);
  }
  expect(verifyRun(dir, runId).verdict).toBe('intact');
  return collector;
}

/**
 * The end state after all kills: one unbroken chain holding every acknowledged event. RunResumed
 * appears once per kill (this process resumed after each) and once per later child (it resumed too).
 */
function checkFinalJournal(dir: string, runId: string, acks: readonly Ack[], kills: number): void {
  const verification = verifyRun(dir, runId);
  expect(verification.verdict).toBe('intact');
  const lines = journalEntries(runPaths(dir, runId).journal);
  expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
  const bySeq = new Map(lines.map((l) => [l.seq, l]));
  expect(acks.filter((a) => bySeq.get(a.seq)?.hash !== a.hash || bySeq.get(a.seq)?.data.message !== a.ack)).toEqual([]);
  expect(lines.filter((l) => l.type === 'RunResumed')).toHaveLength(2 * kills - 1);
  expect(lines[0]!.type).toBe('RunStarted');
  expect(lines.at(-1)).toMatchObject({ type: 'RunFinished', data: { status: 'completed' } });
}

async function killLoop(mode: Mode, kills: number): Promise<void> {
  const dir = tempDir();
  const runId = `kill-loop-${mode}`;
  const allAcks: Ack[] = [];
  for (let round = 0; round < kills; round++) {
    const { acks, trigger } = await killAtRandomMoment(spawnWriter(dir, runId, mode, round));
    allAcks.push(...acks);
    const after = checkJournalAfterKill(dir, runId, allAcks, `after kill ${round + 1} ${trigger} (seed ${seed})`);
    const collector = await resumeAndCheck(dir, runId, after);
    // Release the run so the next child can resume it at once; the last round finishes it.
    if (round === kills - 1) collector.finalizeRun('completed');
    else collector.close();
  }
  checkFinalJournal(dir, runId, allAcks, kills);
}

describe('a child process killed with SIGKILL in a loop while appending never loses an event whose call returned', () => {
  it('sync MetricsCollector: every returned call survives 4 kills; each resume continues at the last verified seq + 1', async () => {
    await killLoop('sync', 4);
  }, 90_000);

  it('AsyncMetricsCollector with 32 concurrent appends (group commit): every resolved promise survives 4 kills', async () => {
    await killLoop('async', 4);
  }, 90_000);

  it('three writers on three runs killed at once: each journal keeps its own acknowledged events and resumes on its own', async () => {
    const dir = tempDir();
    const runs: Array<{ runId: string; mode: Mode }> = [
      { runId: 'parallel-a', mode: 'sync' },
      { runId: 'parallel-b', mode: 'async' },
      { runId: 'parallel-c', mode: 'sync' },
    ];
    const killed = await Promise.all(runs.map(({ runId, mode }) => killAtRandomMoment(spawnWriter(dir, runId, mode, 0))));
    const afters = runs.map(({ runId }, i) =>
      checkJournalAfterKill(dir, runId, killed[i]!.acks, `of ${runId} ${killed[i]!.trigger} (seed ${seed})`),
    );
    // All three dead writers' locks go stale together: resume them in parallel.
    const collectors = await Promise.all(runs.map(({ runId }, i) => resumeAndCheck(dir, runId, afters[i]!)));
    for (const c of collectors) c.finalizeRun('completed');
    runs.forEach(({ runId }, i) => {
      checkFinalJournal(dir, runId, killed[i]!.acks, 1);
      // No line of another run leaked in (verify checks runId per line; the messages carry the run id too).
      const messages = journalEntries(runPaths(dir, runId).journal)
        .filter((l) => l.type === 'ErrorRecorded')
        .map((l) => String(l.data.message));
      expect(messages.every((m) => m.startsWith(`${runId}-`))).toBe(true);
    });
  }, 90_000);
});
