import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, type ExpectStatic } from 'vitest';
import { replay } from '../../replay/index.js';
import {
  checkJournalEvent,
  MetricsCollector,
  runPaths,
  scanJournal,
  toVerification,
  verifyRun,
  type JournalEntry,
} from '../../src/index.js';
import { Child, CLI, ROOT, runNode, seededRandom, testSeed, type Message } from '../helpers/child.js';
import { tortureDir } from './helpers/dirs.js';
import { quarantineFiles, runMetadata, scanRun } from './helpers/journals.js';
import { LONG, pick } from './helpers/mode.js';
import { torturePart } from './helpers/summary.js';

/**
 * Part 1 of the torture suite: docs/DESIGN.md rule 4 ("durable before acknowledged") and rule 6 (a crash
 * leaves at most a torn tail), under hundreds of SIGKILLs at random moments.
 *
 * Pipelines run side by side, each on its own logs folder with three run groups used in turn:
 * a child process starts or resumes the group's runs, appends through the sync collector, the async
 * collector (many concurrent agents) or several runs at once, and is killed with SIGKILL at a random
 * moment (sometimes before it has even opened its runs). After every kill, for every run the child
 * touched: every event whose call returned (the child reports it on a pipe) is in the journal with
 * the same seq and hash; verify says intact or torn tail, never corrupt; nothing before the last
 * verified line changed; a resume (by the next child on that run) continued at the next seq and
 * named the agents and tool calls left open; and replay reads the run with exactly the verified
 * events. Using the groups in turn lets the dead writer's lock (lockStaleMs 2000) go stale while
 * the pipeline works on its other groups, so most rounds resume without waiting.
 *
 * At the end every run is replayed from scratch (it shows "crashed" once the dead writer's lock
 * is stale by the writer's own lockStaleMs), resumed in this process, finalized, and checked again.
 */

const seed = testSeed();
const KILLS = { sync: pick(10, 170), async: pick(10, 170), multi: pick(10, 160) };
const PIPELINES = { sync: pick(2, 3), async: pick(2, 4), multi: pick(2, 3) };
/** Run groups per pipeline, used in turn: more groups give the dead writer's lock more time to go stale. */
const GROUPS_PER_PIPELINE = pick(2, 3);
/**
 * The writers' lockStaleMs (the fixture's and the final in-process resume's). Replay calls a run
 * without RunFinished "running" while its lock was refreshed within the stale time its writer
 * recorded in RunStarted / RunResumed, "crashed" after that.
 */
const LOCK_STALE_MS = 2000;
const WRITER = path.join(ROOT, 'test/torture/fixtures/torture-writer.mjs');
/** A child stops appending (and idles until killed) after this many acknowledged events. */
const MAX_ACKS_PER_CHILD = 600;

const figures = {
  kills: 0,
  killsBeforeAllRunsOpen: 0,
  childStarts: 0,
  childResumes: 0,
  runs: 0,
  acknowledgedEvents: 0,
  acknowledgedChecks: 0,
  eventsLost: 0,
  tornTailsSeen: 0,
  replayChecks: 0,
  shownRunningWhileDeadWritersLockFresh: 0,
  finalReplayCrashed: 0,
  finalResumedAndCompleted: 0,
  journalBytes: 0,
};
torturePart('killLoop', () => ({ ...figures }), seed);

type Kind = 'sync' | 'async' | 'multi';
type CollectorKind = 'sync' | 'async';

interface RunState {
  readonly runId: string;
  readonly dir: string;
  readonly collector: CollectorKind;
  /** seq -> hash of every event a child acknowledged, over all rounds. */
  readonly acks: Map<number, string>;
  /** Verified prefix after the last check. */
  lastSeq: number;
  lastHash: string;
  /** Agents and tool calls open at the end of the verified prefix (a resume must name them). */
  readonly openAgents: Set<string>;
  readonly openCalls: Set<string>;
  /** Torn tails seen after a kill: each must stay in place or be kept in quarantine/, never dropped. */
  readonly tornSeen: Array<{ offset: number; bytes: Buffer }>;
  resumesRecorded: number;
  /** Where the torn tail found by the last check starts, or null. */
  tornOffset: number | null;
  /** Byte offset after the last verified line, and the SHA-256 of the bytes before it. */
  goodEnd: number;
  prefixSha: string;
  checks: number;
}

interface Round {
  readonly pipeline: number;
  readonly number: number;
  readonly trigger: string;
  readonly opened: ReadonlySet<string>;
  readonly resumed: ReadonlySet<string>;
  readonly acks: ReadonlyMap<string, Array<{ seq: number; hash: string; type: string }>>;
}

/** RUNLEDGER_TORTURE_DEBUG=1 prints every spawn, kill, check and replay with its time. */
const DEBUG = process.env.RUNLEDGER_TORTURE_DEBUG === '1';
const t0 = Date.now();
const debug = (text: string): void => {
  if (DEBUG) process.stdout.write(`[kill-loop +${((Date.now() - t0) / 1000).toFixed(1)} s] ${text}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function newRun(dir: string, runId: string, collector: CollectorKind): RunState {
  figures.runs += 1;
  return {
    runId,
    dir,
    collector,
    acks: new Map(),
    lastSeq: 0,
    lastHash: '',
    openAgents: new Set(),
    openCalls: new Set(),
    tornSeen: [],
    resumesRecorded: 0,
    tornOffset: null,
    goodEnd: 0,
    prefixSha: sha256(Buffer.alloc(0)),
    checks: 0,
  };
}

/** Starts the child on a group: runs that have a RunStarted are resumed, the others started. */
function spawnWriter(
  live: Set<Child>,
  dir: string,
  group: RunState[],
  tag: string,
  concurrency: number,
): { child: Child; resumed: Set<string> } {
  const resumed = new Set(group.filter((r) => r.lastSeq > 0).map((r) => r.runId));
  const args = {
    dir,
    tag,
    concurrency,
    maxAcks: MAX_ACKS_PER_CHILD,
    runs: group.map((r) => ({ runId: r.runId, collector: r.collector, resume: resumed.has(r.runId) })),
  };
  const child = new Child(WRITER, [JSON.stringify(args)]);
  live.add(child);
  figures.childResumes += resumed.size;
  figures.childStarts += group.length - resumed.size;
  return { child, resumed };
}

const isAck = (m: Message): boolean => typeof m.ack === 'string';

/** Kills the child with SIGKILL at a random moment; returns what it reported before dying. */
async function killAtRandomMoment(
  expect: ExpectStatic,
  live: Set<Child>,
  child: Child,
  random: () => number,
): Promise<{ trigger: string; opened: Set<string>; acks: Message[] }> {
  let trigger: string;
  const r = random();
  if (r < 0.15) {
    // Any moment from process start on: during module loading, the lock takeover, the scan of
    // the journal, the quarantine of a tail, RunResumed, or the first appends.
    const ms = Math.floor(random() * 600);
    trigger = `${ms} ms after spawn`;
    await sleep(ms);
  } else {
    await child.waitFor(isAck, 'the first acknowledged event', 60_000);
    if (r < 0.55) {
      const acks = 1 + Math.floor(random() * 150);
      trigger = `after ${acks} acks`;
      await child.waitForCount(isAck, acks, 'ack', 60_000);
    } else {
      const ms = 1 + Math.floor(random() * 60);
      trigger = `${ms} ms after the first ack`;
      await sleep(ms);
    }
  }
  child.kill('SIGKILL');
  const exit = await child.exited;
  live.delete(child);
  expect(exit, `the writer must die of our SIGKILL (${trigger}, seed ${seed}); stderr:\n${child.stderr}`).toEqual({
    code: null,
    signal: 'SIGKILL',
  });
  const opened = new Set(child.messages.filter((m) => m.event === 'open').map((m) => String(m.runId)));
  return { trigger, opened, acks: child.messages.filter(isAck) };
}

function applyToOpenSets(run: RunState, entry: JournalEntry): void {
  const d = entry.data as Record<string, any>;
  switch (entry.type) {
    case 'AgentStarted':
      run.openAgents.add(d.agentId);
      break;
    case 'AgentFinished':
      run.openAgents.delete(d.agentId);
      break;
    case 'ToolCallStarted':
      run.openCalls.add(d.callId);
      break;
    case 'ToolCallEnded':
      run.openCalls.delete(d.callId);
      break;
    case 'RunResumed':
      for (const a of d.abandonedAgents) run.openAgents.delete(a);
      for (const c of d.abandonedToolCalls) run.openCalls.delete(c);
      break;
    default:
  }
}

const sha256 = (bytes: Buffer): string => crypto.createHash('sha256').update(bytes).digest('hex');

/**
 * Every check on one run after its writer was killed; updates the run's verified state.
 * The part verified by earlier checks must be byte-identical (its SHA-256 is kept); the new part is
 * read by the recovering reader from the last verified line on (every hash, the chain, every
 * schema). Every tenth check of a run re-reads the whole journal, as verifyRun does.
 */
// eslint-disable-next-line complexity -- every invariant a killed run must keep, checked in one place (see the doc comment)
function checkRunAfterKill(expect: ExpectStatic, run: RunState, round: Round): void {
  const where = `run ${run.runId} after kill ${round.number} of pipeline ${round.pipeline} (${round.trigger}; seed ${seed})`;
  const paths = runPaths(run.dir, run.runId);
  const newAcks = round.acks.get(run.runId) ?? [];
  if (!fs.existsSync(paths.journal)) {
    // A start killed before it created the journal: nothing was acknowledged, nothing is lost.
    expect(run.lastSeq, where).toBe(0);
    expect(newAcks, where).toEqual([]);
    return;
  }
  const bytes = fs.readFileSync(paths.journal);
  // Nothing verified before this round changed, byte for byte.
  expect(bytes.length, `${where}: the journal is shorter than its verified part`).toBeGreaterThanOrEqual(run.goodEnd);
  expect(sha256(bytes.subarray(0, run.goodEnd)) === run.prefixSha, `${where}: the previously verified bytes changed`).toBe(true);

  const full = run.checks % 10 === 0;
  run.checks += 1;
  const read: JournalEntry[] = [];
  const from = full || run.lastSeq === 0 ? undefined : { offset: run.goodEnd, seq: run.lastSeq, hash: run.lastHash };
  const scan = scanJournal(paths.journal, { runId: run.runId, checkEvent: checkJournalEvent, from }, (entry) => read.push(entry));
  const verification = toVerification(scan);
  expect(['intact', 'torn-tail'], `${where}: ${JSON.stringify(verification)}`).toContain(verification.verdict);
  if (from === undefined && run.lastSeq > 0)
    expect(read[run.lastSeq - 1]?.hash, `${where}: the chain changed under the verified prefix`).toBe(run.lastHash);
  /** The lines after the last verified one (seq lastSeq + 1, ...). */
  const fresh = from === undefined ? read.slice(run.lastSeq) : read;
  run.tornOffset = scan.tail.kind === 'torn' ? scan.tail.offset : null;

  // This round's acknowledgements continue after the verified prefix, each seq once, and are there
  // with their seq, hash and type. Earlier ones lie in the byte-identical prefix.
  for (const a of newAcks) {
    expect(a.seq, `${where}: an acknowledged seq inside the old prefix`).toBeGreaterThan(run.lastSeq);
    expect(run.acks.has(a.seq), `${where}: seq ${a.seq} acknowledged twice`).toBe(false);
    run.acks.set(a.seq, a.hash);
  }
  figures.acknowledgedEvents += newAcks.length;
  const lost =
    from === undefined
      ? [...run.acks].filter(([seq, hash]) => read[seq - 1]?.hash !== hash).map(([seq]) => seq)
      : newAcks.filter((a) => fresh[a.seq - run.lastSeq - 1]?.hash !== a.hash).map((a) => a.seq);
  figures.acknowledgedChecks += run.acks.size;
  figures.eventsLost += lost.length;
  expect(lost, `${where}: acknowledged events missing or changed`).toEqual([]);
  for (const a of newAcks) expect(fresh[a.seq - run.lastSeq - 1]?.type, where).toBe(a.type);

  const wasResumed = round.resumed.has(run.runId);
  const opened = round.opened.has(run.runId);
  if (!wasResumed && opened) expect((from === undefined ? read : fresh)[0]?.type, where).toBe('RunStarted');
  if (wasResumed && opened) expect(fresh.length, `${where}: resume returned, so its RunResumed was durable`).toBeGreaterThan(0);
  if (wasResumed && fresh.length > 0) {
    // The resume continued the chain right after the last verified line, and named what was open.
    const resumed = fresh[0]!;
    const data = resumed.data as Record<string, any>;
    expect(resumed.type, where).toBe('RunResumed');
    expect(data.afterSeq, where).toBe(run.lastSeq);
    expect([...data.abandonedAgents].sort(), `${where}: abandoned agents`).toEqual([...run.openAgents].sort());
    expect([...data.abandonedToolCalls].sort(), `${where}: abandoned tool calls`).toEqual([...run.openCalls].sort());
  }

  // Torn tails are never dropped: still in place, or kept byte for byte in quarantine/.
  if (scan.tail.kind === 'torn') {
    figures.tornTailsSeen += 1;
    run.tornSeen.push({ offset: scan.tail.offset, bytes: Buffer.from(bytes.subarray(scan.tail.offset)) });
  }
  if (run.tornSeen.length > 0) {
    const quarantined = [...quarantineFiles(run.dir, run.runId).values()];
    for (const t of run.tornSeen) {
      const inPlace = scan.tail.kind === 'torn' && scan.tail.offset === t.offset && bytes.subarray(t.offset).equals(t.bytes);
      expect(inPlace || quarantined.some((q) => q.equals(t.bytes)), `${where}: torn tail at ${t.offset} dropped`).toBe(true);
    }
  }

  for (const entry of fresh) applyToOpenSets(run, entry);
  run.resumesRecorded += fresh.filter((e) => e.type === 'RunResumed').length;
  run.lastSeq += fresh.length;
  run.lastHash = scan.lastHash;
  run.goodEnd = scan.goodEnd;
  run.prefixSha = sha256(bytes.subarray(0, scan.goodEnd));
}

function lockAgeMs(run: RunState): number | null {
  try {
    return Date.now() - fs.statSync(runPaths(run.dir, run.runId).lock).mtimeMs;
  } catch {
    return null;
  }
}

/** Replays the runs just checked: exactly the verified events, no refusal, an honest status
 * ("running" while the dead writer's lock still looks fresh, "crashed" once it is stale). */
async function checkReplay(expect: ExpectStatic, dir: string, runs: RunState[], where: string): Promise<void> {
  const withJournal = runs.filter((r) => fs.existsSync(runPaths(dir, r.runId).journal));
  if (withJournal.length === 0) return;
  const agesBefore = withJournal.map(lockAgeMs);
  const report = await replay({ dir, runIds: withJournal.map((r) => r.runId) });
  const agesAfter = withJournal.map(lockAgeMs);
  figures.replayChecks += 1;
  expect(report.ok, `${where}: ${JSON.stringify(report.runs)}`).toBe(true);
  withJournal.forEach((run, i) => {
    const outcome = report.runs.find((r) => r.runId === run.runId);
    expect(outcome, `${where}: replay skipped ${run.runId}`).toBeDefined();
    expect(outcome!.refused, where).toBeNull();
    const meta = runMetadata(dir, run.runId);
    if (run.lastSeq === 0) {
      expect(meta, `${where}: a run without RunStarted has no read model`).toBeNull();
      return;
    }
    expect(meta, `${where}: no metadata.json for ${run.runId}`).not.toBeNull();
    expect(meta!.journal.events, `${where}: replay's event count for ${run.runId}`).toBe(run.lastSeq);
    expect(meta!.journal.lastSeq, where).toBe(run.lastSeq);
    expect(meta!.resumes, where).toBe(run.resumesRecorded);
    expect(meta!.journal.tornTail?.offset ?? null, where).toBe(run.tornOffset);
    // No RunFinished: "running" only while the (dead) writer's lock is fresh by its own stale time.
    const before = agesBefore[i]!;
    const after = agesAfter[i]!;
    if (before === null || before > LOCK_STALE_MS + 50) expect(meta!.status, `${where}: lock age ${before} ms`).toBe('crashed');
    else if (after !== null && after < LOCK_STALE_MS - 50) {
      expect(meta!.status, `${where}: lock age ${after} ms`).toBe('running');
      figures.shownRunningWhileDeadWritersLockFresh += 1;
    } else expect(['running', 'crashed'], where).toContain(meta!.status);
  });
}

interface Pipeline {
  readonly index: number;
  readonly dir: string;
  readonly groups: RunState[][];
  readonly concurrency: number;
}

function makePipeline(kind: Kind, index: number): Pipeline {
  const dir = tortureDir(`runledger-torture-kill-${kind}-`);
  const groups: RunState[][] = [];
  for (let g = 0; g < GROUPS_PER_PIPELINE; g++) {
    if (kind === 'multi') groups.push(['sync', 'async', 'async'].map((c, i) => newRun(dir, `k${index}-g${g}-${i}`, c as CollectorKind)));
    else groups.push([newRun(dir, `k${index}-g${g}`, kind)]);
  }
  const concurrency = kind === 'async' ? [8, 16, 32, 64][index % 4]! : 8;
  return { index, dir, groups, concurrency };
}

async function runPipeline(
  expect: ExpectStatic,
  live: Set<Child>,
  pipeline: Pipeline,
  claimKill: () => number | null,
  random: () => number,
): Promise<void> {
  for (let round = 0; ; round++) {
    const number = claimKill();
    if (number === null) break;
    const group = pipeline.groups[round % pipeline.groups.length]!;
    debug(`pipeline ${pipeline.index} round ${round} spawning`);
    const { child, resumed } = spawnWriter(live, pipeline.dir, group, `p${pipeline.index}r${round}`, pipeline.concurrency);
    const { trigger, opened, acks } = await killAtRandomMoment(expect, live, child, random);
    figures.kills += 1;
    if (opened.size < group.length) figures.killsBeforeAllRunsOpen += 1;
    const byRun = new Map<string, Array<{ seq: number; hash: string; type: string }>>();
    for (const a of acks) {
      const list = byRun.get(String(a.ack)) ?? [];
      list.push({ seq: Number(a.seq), hash: String(a.hash), type: String(a.type) });
      byRun.set(String(a.ack), list);
    }
    const info: Round = { pipeline: pipeline.index, number, trigger, opened, resumed, acks: byRun };
    debug(`pipeline ${pipeline.index} kill ${number} (${trigger}): ${acks.length} acks, opened ${opened.size}/${group.length}`);
    const tc = Date.now();
    for (const run of group) checkRunAfterKill(expect, run, info);
    const tr = Date.now();
    debug(`pipeline ${pipeline.index} checked in ${tr - tc} ms`);
    await checkReplay(expect, pipeline.dir, group, `pipeline ${pipeline.index} after kill ${number} (${trigger}; seed ${seed})`);
    debug(`pipeline ${pipeline.index} replayed in ${Date.now() - tr} ms`);
  }
}

/**
 * After the last kill: once every dead writer's lock is stale, a replay from
 * scratch shows every run as crashed with exactly its verified events; then each run is resumed
 * here, finalized, and must hold every acknowledged event in one intact chain; the CLI agrees.
 */
async function finishPipeline(expect: ExpectStatic, pipeline: Pipeline): Promise<void> {
  const runs = pipeline.groups.flat();
  const youngest = Math.min(...runs.map((r) => lockAgeMs(r) ?? Number.POSITIVE_INFINITY));
  if (youngest < LOCK_STALE_MS + 200) await sleep(LOCK_STALE_MS + 200 - youngest);
  const where = `pipeline ${pipeline.index} at the end (seed ${seed})`;

  const fromScratch = await replay({ dir: pipeline.dir, full: true });
  expect(fromScratch.ok, where).toBe(true);
  for (const run of runs.filter((r) => r.lastSeq > 0)) {
    const meta = runMetadata(pipeline.dir, run.runId)!;
    expect(meta.status, `${where}: ${run.runId}`).toBe('crashed');
    expect(meta.journal.events, `${where}: ${run.runId}`).toBe(run.lastSeq);
    figures.finalReplayCrashed += 1;
  }

  for (const run of runs.filter((r) => r.lastSeq > 0)) {
    const collector = await MetricsCollector.resume({
      dir: pipeline.dir,
      runId: run.runId,
      lockStaleMs: 2000,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    });
    collector.finalizeRun('completed');
    const { entries, scan } = scanRun(pipeline.dir, run.runId);
    expect(scan.tail.kind, `${where}: ${run.runId}`).toBe('clean');
    expect(verifyRun(pipeline.dir, run.runId).verdict).toBe('intact');
    expect(entries[run.lastSeq]).toMatchObject({ type: 'RunResumed', data: { afterSeq: run.lastSeq } });
    expect(entries.at(-1)).toMatchObject({ type: 'RunFinished', data: { status: 'completed' } });
    const lost = [...run.acks].filter(([seq, hash]) => entries[seq - 1]?.hash !== hash);
    figures.acknowledgedChecks += run.acks.size;
    figures.eventsLost += lost.length;
    expect(
      lost.map(([seq]) => seq),
      `${where}: ${run.runId} lost acknowledged events`,
    ).toEqual([]);
    // Every torn tail ever seen is in quarantine/ and named by a TailQuarantined event.
    const quarantined = quarantineFiles(pipeline.dir, run.runId);
    for (const t of run.tornSeen) {
      const name = [...quarantined].find(([, b]) => b.equals(t.bytes))?.[0];
      expect(name, `${where}: torn tail at ${t.offset} of ${run.runId} not in quarantine/`).toBeDefined();
      expect(entries.some((e) => e.type === 'TailQuarantined' && (e.data as Record<string, unknown>).file === `quarantine/${name}`)).toBe(
        true,
      );
    }
    figures.journalBytes += fs.statSync(runPaths(pipeline.dir, run.runId).journal).size;
    run.resumesRecorded = entries.filter((e) => e.type === 'RunResumed').length;
    run.lastSeq = entries.length;
    figures.finalResumedAndCompleted += 1;
  }

  const afterFinish = await replay({ dir: pipeline.dir });
  expect(afterFinish.ok).toBe(true);
  for (const run of runs.filter((r) => r.lastSeq > 0)) {
    const meta = runMetadata(pipeline.dir, run.runId)!;
    expect(meta.status).toBe('completed');
    expect(meta.journal.events).toBe(run.lastSeq);
    expect(meta.resumes).toBe(run.resumesRecorded);
  }

  const cli = await runNode([CLI, 'verify', '--dir', pipeline.dir, '--json'], { timeoutMs: 60_000 });
  expect(cli.code, cli.stderr).toBe(0);
  const report = JSON.parse(cli.stdout) as { counts: { intact: number; tornTail: number; corrupt: number; refused: number } };
  expect(report.counts).toEqual({
    intact: runs.filter((r) => fs.existsSync(runPaths(pipeline.dir, r.runId).journal)).length,
    tornTail: 0,
    corrupt: 0,
    refused: 0,
  });
}

async function killLoop(expect: ExpectStatic, kind: Kind): Promise<void> {
  // One random stream per kind, derived from the printed seed, so that concurrent tests do not
  // change each other's schedules.
  const random = seededRandom(seed + { sync: 1, async: 2, multi: 3 }[kind]);
  let claimed = 0;
  const claimKill = (): number | null => (claimed < KILLS[kind] ? ++claimed : null);
  const pipelines = Array.from({ length: PIPELINES[kind] }, (_, i) => makePipeline(kind, i + { sync: 0, async: 10, multi: 20 }[kind]));
  // This test's children only: the three tests run concurrently in this worker.
  const live = new Set<Child>();
  try {
    await Promise.all(pipelines.map((p) => runPipeline(expect, live, p, claimKill, random)));
  } finally {
    await Promise.all([...live].map((c) => c.destroy()));
  }
  expect(claimed).toBe(KILLS[kind]);
  for (const p of pipelines) await finishPipeline(expect, p);
}

const TIMEOUT = pick(150_000, 45 * 60_000);

describe.concurrent(
  `SIGKILL at random moments (${LONG ? 'long' : 'short'} mode: ${KILLS.sync + KILLS.async + KILLS.multi} kills; seed ${seed}): nothing acknowledged is lost`,
  () => {
    it(
      `sync MetricsCollector, ${KILLS.sync} kills over ${PIPELINES.sync} parallel pipelines: every returned call survives, verify never says corrupt, resume continues at the next seq, replay counts exactly the verified events`,
      async ({ expect }) => {
        await killLoop(expect, 'sync');
      },
      TIMEOUT,
    );

    it(
      `AsyncMetricsCollector with 8-64 concurrent agents (group commit), ${KILLS.async} kills: every resolved promise survives, and resume names the agents and tool calls left open`,
      async ({ expect }) => {
        await killLoop(expect, 'async');
      },
      TIMEOUT,
    );

    it(
      `one process writing three runs at once (one sync, two async), ${KILLS.multi} kills: each journal keeps its own acknowledged events and resumes on its own`,
      async ({ expect }) => {
        await killLoop(expect, 'multi');
      },
      TIMEOUT,
    );
  },
);
