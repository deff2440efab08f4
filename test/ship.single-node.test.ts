import fs from 'node:fs';
import path from 'node:path';
import { DiscardPolicy, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRuns } from '../src/entries/replay.js';
import { decodeSubjectToken, encodeSubjectToken, runSubject, shipJournals, streamSubjects, type ShipOptions } from '../src/entries/ship.js';
import { encodeLine, MetricsCollector } from '../src/index.js';
import { NatsSingle, readStream, type StreamMessage } from './helpers/nats-server.js';
import { journalLines } from './helpers/shipped-runs.js';
import { readLines, recordSampleRun, startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

let nats: NatsSingle;
beforeAll(async () => {
  nats = await NatsSingle.start();
});
afterAll(async () => {
  await nats?.destroy();
});

let streamCounter = 0;
const newStream = (): string => `T${(streamCounter += 1)}_${process.pid}`;

function quietShip(options: Omit<ShipOptions, 'servers'>, logs: string[] = []): ReturnType<typeof shipJournals> {
  return shipJournals({ servers: nats.url, once: true, log: (m) => logs.push(m), backoff: { initialMs: 20, maxMs: 200 }, ...options });
}

function bySubject(messages: StreamMessage[], subject: string): Buffer[] {
  return messages.filter((m) => m.subject === subject).map((m) => m.data);
}

async function recordRun(dir: string, runId: string, errors: number, projectId = 'test-project'): Promise<string> {
  const c = await startRun(dir, { runId, projectId });
  c.startIssue(1, { title: 'one' });
  for (let i = 0; i < errors; i++) c.recordError({ kind: 'k', message: `e${i}`, recoverable: true });
  c.finalizeIssue(1, 'completed', {});
  c.finalizeRun('completed');
  return c.journalPath;
}

describe('subject tokens', () => {
  it('encode run ids and project ids reversibly into subject-safe tokens', () => {
    for (const text of ['run.1', 'plain_id-2', 'a b*c>d~e', 'проект', '..']) {
      const token = encodeSubjectToken(text);
      expect(token).toMatch(/^[A-Za-z0-9_~-]+$/);
      expect(decodeSubjectToken(token)).toBe(text);
    }
    expect(runSubject('S', 'my project', 'run.7')).toBe('runledger.S.my~20project.run~2E7');
  });
});

describe('runledger ship to a single JetStream server', () => {
  it('--once publishes every line unchanged, one subject per run, then a restart publishes nothing again', async () => {
    const dir = tempDir();
    const stream = newStream();
    const a = await recordSampleRun(dir, 'run.a');
    const b = await recordRun(dir, 'run-b', 30, 'other project');

    const first = await quietShip({ dir, stream });
    expect(first.ok).toBe(true);
    const messages = await readStream(nats.url, stream);
    expect(messages.length).toBe(readLines(a).length + readLines(b).length);
    expect(bySubject(messages, runSubject(stream, 'test-project', 'run.a'))).toEqual(journalLines(a));
    expect(bySubject(messages, runSubject(stream, 'other project', 'run-b'))).toEqual(journalLines(b));
    expect(first.runs.map((r) => [r.runId, r.published])).toEqual([
      ['run-b', readLines(b).length],
      ['run.a', readLines(a).length],
    ]);

    // A new shipper (no memory of the first) asks the stream where each run is, and ships nothing twice.
    fs.rmSync(path.join(dir, '.ship'), { recursive: true });
    const again = await quietShip({ dir, stream });
    expect(again.runs.map((r) => r.published)).toEqual([0, 0]);
    expect((await readStream(nats.url, stream)).length).toBe(messages.length);
  });

  it('ships again what the stream lost (a purged subject), though its message ids are still in the duplicate window', async () => {
    const dir = tempDir();
    const stream = newStream();
    const journal = await recordRun(dir, 'lost', 6);
    expect((await quietShip({ dir, stream })).ok).toBe(true);
    const nc = await connect({ servers: nats.url });
    await (await jetstreamManager(nc)).streams.purge(stream, { filter: runSubject(stream, 'test-project', 'lost') });
    await nc.close();
    expect(await readStream(nats.url, stream)).toEqual([]);

    const logs: string[] = [];
    const again = await quietShip({ dir, stream }, logs);
    expect(again.ok).toBe(true);
    expect(again.runs[0]!.published).toBe(readLines(journal).length);
    expect(logs.join('\n')).toMatch(/is in the stream's duplicate window but .* holds only up to seq 0; publishing seq 1 again/);
    expect(bySubject(await readStream(nats.url, stream), runSubject(stream, 'test-project', 'lost'))).toEqual(journalLines(journal));
  });

  it('ships only what is new: appended lines of a resumed run and a run that appeared later', async () => {
    const dir = tempDir();
    const stream = newStream();
    const c = await startRun(dir, { runId: 'growing' });
    c.startIssue(1, { title: 'one' });
    c.close(); // crashed without RunFinished
    await quietShip({ dir, stream });
    const before = readLines(c.journalPath).length;

    const resumed = await MetricsCollector.resume({ dir, runId: 'growing', handleSignals: false, prices: null, liveUpdates: false });
    resumed.recordError({ kind: 'k', message: 'after resume', recoverable: true });
    resumed.finalizeRun('completed');
    const later = await recordRun(dir, 'later', 5);
    const second = await quietShip({ dir, stream });
    const growing = second.runs.find((r) => r.runId === 'growing')!;
    expect(growing.published).toBe(readLines(c.journalPath).length - before);
    expect(second.runs.find((r) => r.runId === 'later')!.published).toBe(readLines(later).length);
    const messages = await readStream(nats.url, stream);
    expect(bySubject(messages, runSubject(stream, 'test-project', 'growing'))).toEqual(journalLines(c.journalPath));
  });

  it('never ships past a corrupt line, reports it, and ships the other runs', async () => {
    const dir = tempDir();
    const stream = newStream();
    const bad = await recordRun(dir, 'tampered', 20);
    const good = await recordRun(dir, 'intact', 3);
    const lines = readLines(bad);
    lines[9] = lines[9]!.replace('"e7"', '"E7"'); // seq 10: its hash no longer matches, later lines still verify
    fs.writeFileSync(bad, `${lines.join('\n')}\n`);

    const logs: string[] = [];
    const report = await quietShip({ dir, stream }, logs);
    expect(report.ok).toBe(false);
    const tampered = report.runs.find((r) => r.runId === 'tampered')!;
    expect(tampered.problem?.kind).toBe('corrupt');
    expect(tampered.problem?.message).toMatch(/line 10 .*hash mismatch/);
    expect(tampered.shippedSeq).toBe(9);
    expect(logs.join('\n')).toMatch(/run tampered: corrupt journal at line 10/);
    const messages = await readStream(nats.url, stream);
    expect(bySubject(messages, runSubject(stream, 'test-project', 'tampered'))).toEqual(journalLines(bad).slice(0, 9));
    expect(bySubject(messages, runSubject(stream, 'test-project', 'intact'))).toEqual(journalLines(good));
  });

  it('ships a torn tail only once it is a complete line', async () => {
    const dir = tempDir();
    const stream = newStream();
    const c = await startRun(dir, { runId: 'torn' });
    c.recordError({ kind: 'k', message: 'one', recoverable: true });
    c.close();
    const journal = c.journalPath;
    const last = JSON.parse(readLines(journal).at(-1)!) as { seq: number; hash: string; runId: string };
    const next = encodeLine({
      v: 1,
      seq: last.seq + 1,
      ts: new Date().toISOString(),
      runId: 'torn',
      type: 'ErrorRecorded',
      data: { kind: 'k', message: 'appended by hand', recoverable: true, issueId: null, agentId: null, callId: null, tool: null },
      prev: last.hash,
    } as never);
    const half = Math.floor(next.text.length / 2);
    fs.appendFileSync(journal, next.text.slice(0, half));

    const first = await quietShip({ dir, stream });
    expect(first.ok).toBe(true);
    expect(first.runs[0]!.shippedSeq).toBe(last.seq);
    fs.appendFileSync(journal, next.text.slice(half));
    const second = await quietShip({ dir, stream });
    expect(second.ok).toBe(true);
    expect(second.runs[0]!.published).toBe(1);
    const messages = await readStream(nats.url, stream);
    expect(messages.at(-1)!.data.toString('utf8')).toBe(next.text);
  });

  it('follows: waits while NATS is down, then ships runs that exist and runs that appear later', async () => {
    const dir = tempDir();
    const stream = newStream();
    const first = await recordRun(dir, 'early', 4);
    await nats.node.stop();
    const logs: string[] = [];
    const stop = new AbortController();
    const following = shipJournals({
      dir,
      stream,
      servers: nats.url,
      signal: stop.signal,
      log: (m) => logs.push(m),
      rescanMs: 200,
      backoff: { initialMs: 20, maxMs: 200 },
    });
    try {
      await waitUntil(() => logs.some((m) => m.startsWith('waiting for NATS')), 'the shipper to say it waits for NATS');
      await nats.restart();
      await waitUntil(
        async () => (await readStream(nats.url, stream).catch(() => [])).length === readLines(first).length,
        'the first run on the stream',
      );
      const second = await recordRun(dir, 'late', 6);
      await waitUntil(
        async () => (await readStream(nats.url, stream)).length === readLines(first).length + readLines(second).length,
        'the late run on the stream',
      );
    } finally {
      stop.abort();
    }
    const report = await following;
    expect(report.ok).toBe(true);
    const messages = await readStream(nats.url, stream);
    expect(bySubject(messages, runSubject(stream, 'test-project', 'late'))).toEqual(
      journalLines(path.join(dir, 'runs/late/events.ndjson')),
    );
  });

  it('refuses an existing stream that could drop old events, before publishing anything', async () => {
    const dir = tempDir();
    const stream = newStream();
    await recordRun(dir, 'kept-local', 1);
    const nc = await connect({ servers: nats.url });
    await (
      await jetstreamManager(nc)
    ).streams.add({
      name: stream,
      subjects: [streamSubjects(stream)],
      max_msgs: 1000,
      discard: DiscardPolicy.Old,
      storage: StorageType.File,
    });
    await nc.close();
    await expect(quietShip({ dir, stream })).rejects.toThrow(/has limits with discard "old", so old events would be deleted silently/);
    expect(await readStream(nats.url, stream)).toEqual([]);
  });

  it('cleanup refuses to delete a run that is not fully shipped, unless forced', async () => {
    const dir = tempDir();
    const stream = newStream();
    await recordRun(dir, 'shipped', 2);
    const c = await startRun(dir, { runId: 'half-shipped' });
    c.recordError({ kind: 'k', message: 'x', recoverable: true });
    c.close();
    await quietShip({ dir, stream });
    await recordRun(dir, 'not-shipped', 2);
    const resumed = await MetricsCollector.resume({ dir, runId: 'half-shipped', handleSignals: false, prices: null, liveUpdates: false });
    resumed.finalizeRun('completed');

    const justShipped = await cleanupRuns({ dir, olderThanMs: 0, now: new Date(Date.now() + 1000) });
    expect(justShipped.removed).toEqual([]);
    expect(justShipped.skipped.find((s) => s.runId === 'shipped')!.reason).toMatch(/shipped less than 2 minutes ago/);
    const report = await cleanupRuns({ dir, olderThanMs: 0, now: new Date(Date.now() + 3 * 60_000) });
    expect(report.removed.map((r) => r.runId)).toEqual(['shipped']);
    expect(report.skipped.map((s) => [s.runId, s.reason.split(':')[0]])).toEqual(
      expect.arrayContaining([
        ['not-shipped', 'not shipped'],
        ['half-shipped', 'not fully shipped'],
      ]),
    );
    expect(fs.existsSync(path.join(dir, 'runs/not-shipped/events.ndjson'))).toBe(true);
    const forced = await cleanupRuns({ dir, olderThanMs: 0, now: new Date(Date.now() + 3 * 60_000), force: true });
    expect(forced.removed.map((r) => r.runId).sort()).toEqual(['half-shipped', 'not-shipped']);
  });
});

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
