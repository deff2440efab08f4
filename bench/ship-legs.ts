import fs from 'node:fs';
import path from 'node:path';
import { DeliverPolicy, DiscardPolicy, StorageType, jetstream, jetstreamManager, type PubAck } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { replayFromStream, runSubject, shipJournals } from '../src/entries/ship.js';
import { MetricsCollector } from '../src/index.js';
import { openIssueAndAgent, syncCycle } from './event-mix.js';
import type { CollectorLegResult, LegResult } from './leg.js';
import { noSyncFileOps } from './no-sync-file-ops.js';
import { elapsedMs } from './stats.js';

const PROJECT = 'runledger-bench';

export interface ShipCorpus {
  readonly logsDir: string;
  readonly runs: number;
  readonly lines: number;
  /** Average journal line, newline included. */
  readonly lineBytes: number;
}

/**
 * The journals the shipping figures ship: `runs` finished runs of the bench's event mix,
 * `cyclesPerRun` cycles each. Written once, untimed (without fdatasync: only their bytes matter).
 */
export async function prepareShipCorpus(logsDir: string, runs: number, cyclesPerRun: number): Promise<ShipCorpus> {
  let lines = 0;
  let bytes = 0;
  for (let r = 0; r < runs; r++) {
    const collector = await MetricsCollector.start({
      dir: logsDir,
      runId: `bench-ship.${r}`,
      projectId: PROJECT,
      config: { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 } },
      handleSignals: false,
      prices: null,
      liveUpdates: false,
      fileOps: noSyncFileOps,
    });
    try {
      openIssueAndAgent(collector);
      for (let c = 0; c < cyclesPerRun; c++) syncCycle(collector);
      collector.finalizeRun('completed');
    } finally {
      collector.close();
    }
    const journal = fs.readFileSync(collector.journalPath);
    bytes += journal.length;
    for (let i = journal.indexOf(0x0a); i !== -1; i = journal.indexOf(0x0a, i + 1)) lines += 1;
  }
  return { logsDir, runs, lines, lineBytes: bytes / lines };
}

async function deleteStream(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

/**
 * `runledger ship --once` of the corpus into a new stream, `window` runs at a time (one publish
 * in flight per run: each carries the expected last subject sequence, which only the previous
 * line's ack tells). Timed from the call to its return: connect, stream creation, reading and
 * verifying every journal, publishing. The stream is kept for the replay figures when `keep`.
 */
export async function shipLeg(corpus: ShipCorpus, url: string, stream: string, window: number, keep = false): Promise<CollectorLegResult> {
  fs.rmSync(path.join(corpus.logsDir, '.ship'), { recursive: true, force: true });
  const start = performance.now();
  const report = await shipJournals({ dir: corpus.logsDir, servers: url, stream, once: true, concurrency: window, log: () => undefined });
  const ms = elapsedMs(start);
  if (!report.ok) throw new Error(`bench ship leg: ${JSON.stringify(report.runs.filter((r) => r.problem))}`);
  const lines = report.runs.reduce((n, r) => n + r.published, 0);
  if (lines !== corpus.lines) throw new Error(`bench ship leg published ${lines} lines of ${corpus.lines}`);
  if (!keep) await deleteStream(url, stream);
  return { lines, ms, lineBytes: corpus.lineBytes };
}

/** The corpus's lines by run, in memory, for the bare loop (read untimed). */
export function corpusLines(corpus: ShipCorpus): Array<{ subject: string; lines: Buffer[] }> {
  return fs
    .readdirSync(path.join(corpus.logsDir, 'runs'))
    .sort()
    .map((runId) => {
      const bytes = fs.readFileSync(path.join(corpus.logsDir, 'runs', runId, 'events.ndjson'));
      const lines: Buffer[] = [];
      for (let s = 0, nl = bytes.indexOf(0x0a); nl !== -1; s = nl + 1, nl = bytes.indexOf(0x0a, s)) lines.push(bytes.subarray(s, nl + 1));
      return { subject: runSubject('BARE', PROJECT, runId), lines };
    });
}

/**
 * Baseline: the same lines published with the same client and the same window (`window`
 * publishes in flight), in the same per-run order, interleaved across runs; no message id, no
 * expectation, no file reading, no verification. Stream creation is untimed. The connection is
 * configured as the shipper's (no async traces).
 */
export async function barePublishLeg(
  byRun: ReadonlyArray<{ subject: string; lines: Buffer[] }>,
  url: string,
  stream: string,
  window: number,
): Promise<LegResult> {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: stream,
      subjects: ['runledger.BARE.>'],
      storage: StorageType.File,
      num_replicas: 1,
      discard: DiscardPolicy.New,
    });
    const js = jetstream(nc);
    const cursors = byRun.map(() => 0);
    let lines = 0;
    const inFlight = new Set<Promise<PubAck>>();
    const start = performance.now();
    for (let active = true; active;) {
      active = false;
      for (const [r, run] of byRun.entries()) {
        const line = run.lines[cursors[r]!];
        if (line === undefined) continue;
        active = true;
        cursors[r]! += 1;
        const p = js.publish(run.subject, line);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p)).catch(() => undefined);
        lines += 1;
        if (inFlight.size >= window) await Promise.race(inFlight);
      }
    }
    await Promise.all(inFlight);
    const ms = elapsedMs(start);
    await jsm.streams.delete(stream);
    return { lines, ms };
  } finally {
    await nc.close();
  }
}

/**
 * `runledger replay --from` of a whole stream into an empty folder: ordered consumer, chain
 * verification, fsync'd mirror, then the ordinary replay (projections, JSON layout, seven CSVs)
 * unless `mirrorOnly`.
 */
export async function centralReplayLeg(
  centralDir: string,
  url: string,
  stream: string,
  mirrorOnly: boolean,
  lineBytes: number,
): Promise<CollectorLegResult> {
  fs.rmSync(centralDir, { recursive: true, force: true });
  const start = performance.now();
  const report = await replayFromStream({ dir: centralDir, servers: url, stream, skipReplay: mirrorOnly });
  const ms = elapsedMs(start);
  if (!report.ok) throw new Error(`bench central replay leg refused runs: ${JSON.stringify(report.refused)}`);
  fs.rmSync(centralDir, { recursive: true, force: true });
  return { lines: report.messages, ms, lineBytes };
}

/** Baseline: an ordered consumer reading the same stream to its end, touching each payload's length only. */
export async function bareOrderedReadLeg(url: string, stream: string): Promise<LegResult> {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  try {
    const start = performance.now();
    const jsm = await jetstreamManager(nc);
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
    const messages = await consumer.consume({ max_messages: 4096 });
    let lines = 0;
    let bytes = 0;
    for await (const m of messages) {
      lines += 1;
      bytes += m.data.length;
      if (m.seq >= last) break;
    }
    messages.stop();
    const ms = elapsedMs(start);
    if (bytes === 0) throw new Error('bare ordered read saw no bytes');
    return { lines, ms };
  } finally {
    await nc.close();
  }
}
