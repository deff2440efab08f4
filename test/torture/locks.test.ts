/* eslint-disable complexity -- each race checks every outcome a racer may have (won, refused with each
   code, crashed): its callback is long by design. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPaths, verifyRun } from '../../src/index.js';
import { Child, ROOT, seededRandom, testSeed, type Message } from '../helpers/child.js';
import { tortureDir } from './helpers/dirs.js';
import { scanRun } from './helpers/journals.js';
import { LONG, pick } from './helpers/mode.js';
import { torturePart } from './helpers/summary.js';

/**
 * Part 5 of the torture suite: docs/DESIGN.md rule 1, one writer per run, tested by racing processes many
 * times (test/journal.locks.test.ts has the single cases). Several processes start or resume the
 * same run at the same millisecond, with no lock, a lock left stale by a dead start, or the lock of
 * a writer killed with SIGKILL: exactly one wins, the others get RUN_LOCKED or RUN_EXISTS, and the
 * journal is one intact chain holding every acknowledged event. A lock removed, replaced or taken
 * over under a live writer that appends in a loop stops it with LOCK_COMPROMISED reported to the
 * caller, never an uncaught exception, and nothing acknowledged by either writer is lost.
 */

const seed = testSeed();
const random = seededRandom(seed);
const RACERS = pick(4, 6);
const ROUNDS = pick(5, 20);
const RACE_WRITER = path.join(ROOT, 'test/torture/fixtures/race-writer.mjs');
const STALE = 2000;
const UNCAUGHT = /Uncaught|ECOMPROMISED|triggerUncaughtException|node:internal/;

const figures = {
  races: 0,
  startRaces: 0,
  resumeRaces: 0,
  doubleWinners: 0,
  compromisedUnderLiveWriter: 0,
  stalledWriterRounds: 0,
  acknowledgedEventsChecked: 0,
  eventsLost: 0,
};
torturePart('locks', () => ({ ...figures }), seed);

const children: Child[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.destroy()));
});

async function writer(): Promise<Child> {
  const child = new Child(RACE_WRITER);
  children.push(child);
  await child.waitFor((m) => m.event === 'hello', 'hello');
  return child;
}

function ok(reply: Message, what: string): Message {
  expect(reply.ok, `${what}: ${JSON.stringify(reply.error)}`).toBe(true);
  return reply;
}

async function end(child: Child): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  child.send({ id: 0, op: 'end' });
  const exit = await child.exited;
  return { ...exit, stderr: child.stderr };
}

/** The acknowledged events must all be in one intact chain, at their seq with their hash. */
function expectAcked(dir: string, runId: string, acked: Array<{ seq: number; hash: string; message?: string }>, what: string): void {
  const verification = verifyRun(dir, runId);
  const { entries } = scanRun(dir, runId);
  const lost = acked.filter((a) => entries[a.seq - 1]?.hash !== a.hash);
  figures.acknowledgedEventsChecked += acked.length;
  figures.eventsLost += lost.length;
  expect(verification.verdict, `${what}: ${JSON.stringify(verification)}`).toBe('intact');
  expect(lost, `${what}: acknowledged events lost or overwritten`).toEqual([]);
}

/** Sends `op` to every racer for the same millisecond; returns the replies. */
async function race(racers: Child[], op: string, args: Message): Promise<Message[]> {
  const at = Date.now() + 150;
  return Promise.all(racers.map((r) => r.call(op, { ...args, at }, 60_000)));
}

describe(`racing writers (${RACERS} processes, ${ROUNDS} rounds of each race; seed ${seed}): exactly one wins, nothing acknowledged is lost`, () => {
  it(
    `${RACERS} processes starting the same run at the same millisecond, on a fresh run id or over a stale lock left by a start that died: exactly one wins, the others are refused with RUN_LOCKED, RUN_EXISTS or (a racer that found its lock taken over) LOCK_COMPROMISED`,
    async () => {
      const dir = tortureDir();
      const racers = await Promise.all(Array.from({ length: RACERS }, writer));
      const problems: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const runId = `start-race-${round}`;
        const staleLock = round % 2 === 1;
        if (staleLock) {
          // A start that died after taking the lock and creating the empty journal: an old lock.
          const paths = runPaths(dir, runId);
          fs.mkdirSync(paths.lock, { recursive: true });
          fs.writeFileSync(paths.journal, '');
          const old = new Date(Date.now() - 60_000);
          fs.utimesSync(paths.lock, old, old);
        }
        const replies = await race(racers, 'start', { dir, runId, lockStaleMs: STALE });
        figures.races += 1;
        figures.startRaces += 1;
        const winners = racers.filter((_, i) => replies[i]!.ok === true);
        const what = `start race ${round} (${staleLock ? 'over a stale lock' : 'fresh run id'}; seed ${seed}): ${JSON.stringify(replies.map((r) => (r.ok ? 'won' : `${(r.error as { code?: string }).code}`)))}${winners.length === 0 ? ` (${replies.map((r) => (r.error as { message?: string }).message).join(' | ')})` : ''}`;
        if (winners.length > 1) figures.doubleWinners += 1;
        // A racer that took the lock and then found it taken over refuses with LOCK_COMPROMISED: typed, and it wrote nothing.
        const oddRefusals = replies.filter(
          (r) => r.ok !== true && !['RUN_LOCKED', 'RUN_EXISTS', 'LOCK_COMPROMISED'].includes((r.error as { code: string }).code),
        );
        // Every winner appends, so that two writers, if there are two, show in the journal.
        const appendReplies = await Promise.all(winners.map((w, i) => w.call('append', { prefix: `r${round}-w${i}`, count: 3 })));
        const acked = appendReplies.flatMap((r) => (r.ok ? (r.acked as Array<{ seq: number; hash: string }>) : []));
        const appendErrors = appendReplies.filter((r) => !r.ok).map((r) => r.error);
        for (const w of winners) await w.call('finalize');
        const verdict = fs.existsSync(runPaths(dir, runId).journal) ? verifyRun(dir, runId) : null;
        const { entries } = verdict ? scanRun(dir, runId) : { entries: [] };
        const lost = acked.filter((a) => entries[a.seq - 1]?.hash !== a.hash);
        figures.acknowledgedEventsChecked += acked.length;
        figures.eventsLost += lost.length;
        const types = entries.map((e) => e.type).join(',');
        if (
          winners.length !== 1 ||
          oddRefusals.length > 0 ||
          verdict?.verdict !== 'intact' ||
          lost.length > 0 ||
          types !== 'RunStarted,ErrorRecorded,ErrorRecorded,ErrorRecorded,RunFinished'
        ) {
          problems.push(
            `${what}: journal ${verdict?.verdict ?? 'missing'} [${types}], acknowledged seqs lost: ${lost.map((a) => a.seq).join(',') || 'none'}${appendErrors.length ? `; the winner's appends failed: ${JSON.stringify(appendErrors)}` : ''}${oddRefusals.length ? `; refusals that are not a RunledgerError (RUN_LOCKED, RUN_EXISTS or LOCK_COMPROMISED): ${JSON.stringify(oddRefusals.map((r) => r.error))}` : ''}`,
          );
        } else {
          expect((entries[0]!.data as { host: { pid: number } }).host.pid, what).toBe(winners[0]!.pid);
        }
        for (const w of winners) await w.call('close');
      }
      for (const r of racers) expect(await end(r)).toMatchObject({ code: 0, signal: null });
      expect(problems, problems.join('\n')).toEqual([]);
    },
    pick(90_000, 600_000),
  );

  it(
    `${RACERS} processes resuming the same run the moment its killed writer's lock is stale: exactly one wins and the others are refused with RUN_LOCKED or LOCK_COMPROMISED, one RunResumed, every event acknowledged before the kill and after the resume is in the chain`,
    async () => {
      const dir = tortureDir();
      const problems: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const runId = `resume-race-${round}`;
        const first = await writer();
        ok(await first.call('start', { dir, runId, collector: round % 2 ? 'async' : 'sync' }), 'start');
        const before = ok(await first.call('append', { prefix: 'before', count: 1 + Math.floor(random() * 20) }), 'append').acked as Array<{
          seq: number;
          hash: string;
        }>;
        first.kill('SIGKILL');
        expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
        const racers = await Promise.all(Array.from({ length: RACERS }, writer));
        const realWait = round % 4 === 3;
        if (!realWait) {
          // Long dead: its lock has not been refreshed for a minute.
          const old = new Date(Date.now() - 60_000);
          fs.utimesSync(runPaths(dir, runId).lock, old, old);
        } else {
          // The real thing: wait until the lock is stale by lockStaleMs (refreshes stopped at the kill).
          await new Promise((resolve) => setTimeout(resolve, STALE + 1200));
        }
        const replies = await race(racers, 'resume', {
          dir,
          runId,
          lockStaleMs: STALE,
          lockWaitMs: 0,
          collector: round % 3 ? 'sync' : 'async',
        });
        figures.races += 1;
        figures.resumeRaces += 1;
        const winners = racers.filter((_, i) => replies[i]!.ok === true);
        const what = `resume race ${round} (${realWait ? 'waited for staleness' : 'aged lock'}; seed ${seed}): ${JSON.stringify(replies.map((r) => (r.ok ? 'won' : (r.error as { code?: string }).code)))}${winners.length === 0 ? ` (${replies.map((r) => (r.error as { message?: string }).message).join(' | ')})` : ''}`;
        if (winners.length > 1) figures.doubleWinners += 1;
        // Every winner appends, so that two writers, if there are two, show in the journal.
        const after = (await Promise.all(winners.map((w, i) => w.call('append', { prefix: `after-${i}`, count: 3 })))).flatMap((r) =>
          r.ok ? (r.acked as Array<{ seq: number; hash: string }>) : [],
        );
        for (const w of winners) await w.call('finalize');
        const verdict = verifyRun(dir, runId);
        const { entries } = scanRun(dir, runId);
        const acked = [...before, ...after];
        const lost = acked.filter((a) => entries[a.seq - 1]?.hash !== a.hash);
        figures.acknowledgedEventsChecked += acked.length;
        figures.eventsLost += lost.length;
        // A racer that took the lock and then found it taken over refuses with LOCK_COMPROMISED: typed, and it wrote nothing.
        const oddRefusals = replies.filter(
          (r) => r.ok !== true && !['RUN_LOCKED', 'LOCK_COMPROMISED'].includes((r.error as { code?: string }).code ?? ''),
        );
        const resumedLines = entries.filter((e) => e.type === 'RunResumed').length;
        if (winners.length !== 1 || oddRefusals.length > 0 || verdict.verdict !== 'intact' || lost.length > 0 || resumedLines !== 1) {
          problems.push(
            `${what}: journal ${verdict.verdict}${verdict.corruption ? ` at line ${verdict.corruption.line} (${verdict.corruption.problem})` : ''}, ${resumedLines} RunResumed, acknowledged seqs lost: ${lost.map((a) => a.seq).join(',') || 'none'}` +
              (oddRefusals.length
                ? `; refusals that are not a RunledgerError (RUN_LOCKED or LOCK_COMPROMISED): ${JSON.stringify(oddRefusals.map((r) => r.error))}`
                : ''),
          );
        } else {
          expect(entries[before.length + 1], what).toMatchObject({ type: 'RunResumed', data: { afterSeq: before.length + 1 } });
        }
        for (const r of racers) {
          r.send({ id: 0, op: 'close' });
          expect((await end(r)).code, what).toBe(0);
        }
      }
      expect(problems, problems.join('\n')).toEqual([]);
    },
    pick(90_000, 900_000),
  );

  it.each([
    ['removed', 'sync'],
    ['removed', 'async'],
    ['replaced by another lock', 'sync'],
    ['replaced by another lock', 'async'],
  ] as const)(
    'the lock %s under a live %s writer appending in a loop, at a random moment: LOCK_COMPROMISED to the caller, appends stop, no uncaught exception, nothing acknowledged lost',
    async (how, collector) => {
      for (let round = 0; round < pick(2, 10); round++) {
        const dir = tortureDir();
        const runId = `live-${round}`;
        const paths = runPaths(dir, runId);
        const child = await writer();
        ok(await child.call('start', { dir, runId, collector }), 'start');
        ok(await child.call('loop', { prefix: 'loop', concurrency: 16 }), 'loop');
        await child.waitFor((m) => typeof m.ack === 'string', 'a first ack');
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 300)));
        fs.rmSync(paths.lock, { recursive: true, force: true });
        if (how === 'replaced by another lock') fs.mkdirSync(paths.lock);
        const failed = await child.waitFor((m) => m.loopFailed !== undefined, 'the loop to stop', 30_000);
        const what = `${how}, ${collector}, round ${round} (seed ${seed}): ${JSON.stringify(failed)}`;
        expect(failed.loopFailed, what).toMatchObject({ code: 'LOCK_COMPROMISED' });
        figures.compromisedUnderLiveWriter += 1;
        const size = fs.statSync(paths.journal).size;
        // The process is alive and answers; nothing more reaches the journal.
        ok(await child.call('sleep', { ms: pick(500, 1500) }), what);
        expect(fs.statSync(paths.journal).size, `${what}: appends went on after LOCK_COMPROMISED`).toBe(size);
        ok(await child.call('close'), what);
        const exit = await end(child);
        expect(exit, what).toMatchObject({ code: 0, signal: null });
        expect(exit.stderr, what).not.toMatch(UNCAUGHT);
        const acked = child.messages.filter((m) => typeof m.ack === 'string').map((m) => ({ seq: Number(m.seq), hash: String(m.hash) }));
        expectAcked(dir, runId, acked, what);
        if (how === 'replaced by another lock') expect(fs.existsSync(paths.lock), `${what}: the other lock was removed`).toBe(true);
      }
    },
    pick(60_000, 600_000),
  );

  it(
    `a writer frozen (SIGSTOP) at a random moment while appending until its lock is stale, the run taken over by a resume in another process: once thawed its appends fail with LOCK_COMPROMISED, and every event either writer acknowledged is in one intact chain (${pick(2, 10)} rounds)`,
    async () => {
      const frozenRound = async (round: number): Promise<void> => {
        const dir = tortureDir();
        const runId = `frozen-${round}`;
        const collector = round % 2 ? 'async' : 'sync';
        const a = await writer();
        ok(await a.call('start', { dir, runId, collector }), 'start');
        ok(await a.call('loop', { prefix: 'a', concurrency: 8 }), 'loop');
        await a.waitFor((m) => typeof m.ack === 'string', 'a first ack');
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1500)));
        a.kill('SIGSTOP');
        const b = await writer();
        const what = `round ${round}, ${collector} (seed ${seed})`;
        // B waits until the frozen writer's lock is stale (no refresh for lockStaleMs), then takes it over.
        ok(await b.call('resume', { dir, runId, collector: 'sync', lockWaitMs: STALE + 3000 }), what);
        const bAcked = ok(await b.call('append', { prefix: 'b', count: 5 }), what).acked as Array<{ seq: number; hash: string }>;
        a.kill('SIGCONT');
        const failed = await a.waitFor((m) => m.loopFailed !== undefined, 'the thawed loop to stop', 30_000);
        expect(failed.loopFailed, what).toMatchObject({ code: 'LOCK_COMPROMISED' });
        const bMore = ok(await b.call('append', { prefix: 'b2', count: 3 }), what).acked as Array<{ seq: number; hash: string }>;
        ok(await b.call('finalize'), what);
        const aAcked = a.messages.filter((m) => typeof m.ack === 'string').map((m) => ({ seq: Number(m.seq), hash: String(m.hash) }));
        figures.stalledWriterRounds += 1;
        expectAcked(dir, runId, [...aAcked, ...bAcked, ...bMore], what);
        ok(await a.call('close'), what);
        const exitA = await end(a);
        expect(exitA.code, what).toBe(0);
        expect(exitA.stderr, what).not.toMatch(UNCAUGHT);
        expect((await end(b)).code, what).toBe(0);
      };
      const rounds = pick(2, 10);
      for (let round = 0; round < rounds; round += 2) await Promise.all([frozenRound(round), frozenRound(round + 1)]);
    },
    pick(60_000, 600_000),
  );

  it(
    'a lock removed under a live writer and taken by another process within the same second (before the first refresh): the first writer must notice, and what the new writer acknowledges must not be overwritten',
    async () => {
      const problems: string[] = [];
      for (let round = 0; round < pick(2, 6); round++) {
        const dir = tortureDir();
        const runId = `same-second-${round}`;
        const paths = runPaths(dir, runId);
        const collector = round % 2 ? 'async' : 'sync';
        const a = await writer();
        const b = await writer();
        // Start A early in a wall-clock second, so that B can take the lock before that second ends.
        await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
        ok(await a.call('start', { dir, runId, collector }), 'start');
        const aAcked = ok(await a.call('append', { prefix: 'a', count: 2 }), 'append').acked as Array<{ seq: number; hash: string }>;
        const aMtime = fs.statSync(paths.lock).mtimeMs;
        fs.rmSync(paths.lock, { recursive: true });
        const what = `${collector} writer, lock removed and retaken at once (round ${round}, seed ${seed})`;
        ok(await b.call('resume', { dir, runId, collector: 'sync' }), what);
        const bMtime = fs.statSync(paths.lock).mtimeMs;
        const bAcked = ok(await b.call('append', { prefix: 'b', count: 3 }), what).acked as Array<{ seq: number; hash: string }>;
        const aReply = await a.call('append', { prefix: 'a-after', count: 2 });
        // B's next append, after A's refresh timer has had its turn.
        ok(await a.call('sleep', { ms: 1200 }), what);
        const bReply = await b.call('append', { prefix: 'b-after', count: 1 });
        const { entries } = scanRun(dir, runId);
        const verdict = verifyRun(dir, runId);
        const bAll = [...bAcked, ...(bReply.ok ? (bReply.acked as Array<{ seq: number; hash: string }>) : [])];
        const lost = [...aAcked, ...bAll].filter((x) => entries[x.seq - 1]?.hash !== x.hash);
        figures.acknowledgedEventsChecked += aAcked.length + bAll.length;
        figures.eventsLost += lost.length;
        figures.stalledWriterRounds += 1;
        if (aReply.ok || verdict.verdict !== 'intact' || lost.length > 0) {
          problems.push(
            `${what}: lock mtime ${aMtime} (A) and ${bMtime} (B)${aMtime === bMtime ? ' are identical' : ''}; A's append after losing its lock ${aReply.ok ? 'SUCCEEDED' : `failed (${(aReply.error as { code?: string }).code})`}; ` +
              `B's next append ${bReply.ok ? 'succeeded' : `failed (${(bReply.error as { code?: string }).code}: ${(bReply.error as { message?: string }).message?.slice(0, 80)})`}; ` +
              `journal ${verdict.verdict}${verdict.corruption ? ` at line ${verdict.corruption.line} (${verdict.corruption.problem})` : ''}; acknowledged seqs lost or overwritten: ${lost.map((x) => x.seq).join(',') || 'none'}`,
          );
        }
        await a.call('close');
        await b.call('close');
        await end(a);
        await end(b);
      }
      expect(problems, problems.join('\n')).toEqual([]);
    },
    pick(60_000, 300_000),
  );

  it(
    'a writer that stalls between its lock check and its write (a GC pause, SIGSTOP or suspended VM lasting longer than lockStaleMs) while another process takes the run over: the stalled append must not overwrite what the new writer acknowledged',
    async () => {
      const rounds: Array<'sync' | 'async'> = LONG ? ['sync', 'async', 'sync', 'async'] : ['sync', 'async'];
      const problems: string[] = [];
      const stallRound = async (round: number, collector: 'sync' | 'async'): Promise<void> => {
        const dir = tortureDir();
        const runId = `stall-${round}`;
        const a = await writer();
        ok(await a.call('start', { dir, runId, collector }), 'start');
        const aBefore = ok(await a.call('append', { prefix: 'a', count: 3 }), 'append').acked as Array<{ seq: number; hash: string }>;
        // A's next write stalls for 5 s after its lock check passed; meanwhile its lock goes stale.
        ok(await a.call('armStall', { afterWrites: 1, ms: 5000 }), 'arm');
        a.send({ id: 99, op: 'append', prefix: 'a-stalled', count: 1 });
        await a.waitFor((m) => m.stalled === true, 'the stall');
        const b = await writer();
        const what = `${collector} writer stalled in its append (seed ${seed})`;
        ok(await b.call('resume', { dir, runId, lockStaleMs: STALE, lockWaitMs: 8000 }), what);
        const bAcked = ok(await b.call('append', { prefix: 'b', count: 3 }), what).acked as Array<{ seq: number; hash: string }>;
        const stalledReply = await a.waitFor((m) => m.reply === 99, 'the stalled append to return', 30_000);
        const aStalled = stalledReply.ok ? (stalledReply.acked as Array<{ seq: number; hash: string }>) : [];
        // The new writer goes on appending after the stalled write landed.
        const bLater = await b.call('append', { prefix: 'b-later', count: 2 });
        const bAll = [...bAcked, ...(bLater.ok ? (bLater.acked as Array<{ seq: number; hash: string }>) : [])];
        const verdict = verifyRun(dir, runId);
        const { entries } = scanRun(dir, runId);
        const bLost = bAll.filter((x) => entries[x.seq - 1]?.hash !== x.hash);
        // An append the stalled writer acknowledged must be in the verified chain too.
        const aLost = aStalled.filter((x) => entries[x.seq - 1]?.hash !== x.hash);
        figures.stalledWriterRounds += 1;
        figures.acknowledgedEventsChecked += aBefore.length + bAll.length + aStalled.length;
        figures.eventsLost += bLost.length + aLost.length;
        if (stalledReply.ok || !bLater.ok || verdict.verdict !== 'intact' || bLost.length > 0) {
          problems.push(
            `${what}: the stalled append ${stalledReply.ok ? `SUCCEEDED (acknowledged seq ${aStalled.map((x) => x.seq).join(',')}, ${aLost.length ? 'NOT in the verified chain' : 'in the chain'})` : `failed with ${JSON.stringify(stalledReply.error)}`}; ` +
              `journal ${verdict.verdict}${verdict.corruption ? ` at line ${verdict.corruption.line} (byte ${verdict.corruption.offset}: ${verdict.corruption.problem})` : ''}; ` +
              `the new writer's acknowledged seqs ${bAll.map((x) => x.seq).join(',')}${bLater.ok ? '' : ` (its later appends failed: ${JSON.stringify(bLater.error)})`} of which lost or overwritten: ${bLost.map((x) => x.seq).join(',') || 'none'}`,
          );
        }
        ok(await b.call('close'), what);
        ok(await a.call('close'), what);
        await end(a);
        await end(b);
      };
      await Promise.all(rounds.map((collector, round) => stallRound(round, collector)));
      expect(problems, problems.join('\n')).toEqual([]);
    },
    pick(60_000, 300_000),
  );
});
