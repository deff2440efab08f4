import fs from 'node:fs';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayFromStream as replayFromStreamHere, runSubject, shipJournals } from '../src/entries/ship.js';
import { encodeLine, MetricsCollector } from '../src/index.js';
import { replay } from '../replay/replay.js';
import { differences, filesUnder } from './helpers/derived-files.js';
import { NatsSingle } from './helpers/nats-server.js';
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
const newStream = (): string => `C${(streamCounter += 1)}_${process.pid}`;
const ship = (dir: string, stream: string) => shipJournals({ dir, stream, servers: nats.url, once: true, log: () => undefined });

/** A run with several issues, agents, tools, tokens, a pipeline and errors; `finish` false leaves it crashed. */
async function recordVariedRun(dir: string, runId: string, projectId: string, finish: boolean, temperature: number): Promise<void> {
  const c = await startRun(dir, { runId, projectId, config: { llm: { provider: 'openai', model: 'gpt-4o', temperature }, maxRetries: 2 } });
  for (let issue = 1; issue <= 3; issue++) {
    c.startIssue(issue, { title: `issue ${issue}` });
    const agent = c.startAgent(issue % 2 ? 'coding' : 'review');
    const call = c.startToolCall(issue === 2 ? 'run_tests' : 'edit_file');
    c.endToolCall(call, { success: issue !== 2 });
    c.recordTokenUsage({ model: 'gpt-4o', inputTokens: 1000 * issue, outputTokens: 100 * issue });
    if (issue === 2) c.recordError({ kind: 'test-failure', message: 'tests failed', recoverable: true });
    c.finalizeAgent({ agentId: agent, success: issue !== 2 });
    c.recordPipeline({
      pipelineId: `p${issue}`,
      commitSha: `sha${issue}`,
      status: issue === 2 ? 'failed' : 'success',
      triggeredBy: 'testing',
    });
    if (finish || issue < 3) c.finalizeIssue(issue, issue === 2 ? 'failed' : 'completed', { linesAdded: 5 * issue });
  }
  if (finish) c.finalizeRun('completed');
  else c.close();
}

// From sources there is no compiled mirror worker and the mirror verifies and writes on this thread;
// the built package (npm test builds it first; imported by its name) hands that to its worker. Both must give the same files.
const MIRROR_WORKER = path.resolve('dist/src/central/sink-worker.js');
const variants = [
  { where: 'on this thread (from sources)', load: async () => replayFromStreamHere },
  {
    where: 'on the mirror worker (built package)',
    load: async () => {
      expect(fs.existsSync(MIRROR_WORKER)).toBe(true);
      return ((await import('runledger/ship')) as { replayFromStream: typeof replayFromStreamHere }).replayFromStream;
    },
  },
];

describe.each(variants)('central replay (replay --from), mirror $where', ({ load }) => {
  let replayFromStream: typeof replayFromStreamHere;
  beforeAll(async () => {
    replayFromStream = await load();
  });

  it('mirrors in steps of a few KiB (each durable before the next) to the same journals and files', async () => {
    const local = tempDir();
    const central = tempDir();
    const stream = newStream();
    await recordVariedRun(local, 'steps-a', 'project-one', true, 0.3);
    await recordSampleRun(local, 'steps.b');
    await recordVariedRun(local, 'steps-c', 'project two', false, 0.6);
    expect((await ship(local, stream)).ok).toBe(true);

    const report = await replayFromStream({ dir: central, servers: nats.url, stream, durableBytes: 4096 });
    expect(report.ok).toBe(true);
    const state = JSON.parse(fs.readFileSync(path.join(central, '.central/state.json'), 'utf8')) as {
      streamSeq: number;
      runs: Array<{ runId: string; offset: number }>;
    };
    expect(state.streamSeq).toBe(report.toStreamSeq);
    for (const run of state.runs) expect(run.offset).toBe(fs.statSync(path.join(local, 'runs', run.runId, 'events.ndjson')).size);
    await replay({ dir: local });
    expect(differences(filesUnder(local), filesUnder(central))).toEqual([]);
  });

  it('passes a failure to write the mirror to the caller, records nothing past it, and mirrors everything on the next call', async () => {
    const local = tempDir();
    const central = tempDir();
    const stream = newStream();
    await recordSampleRun(local, 'first');
    await recordSampleRun(local, 'second');
    expect((await ship(local, stream)).ok).toBe(true);
    // A file where the run's folder must go: its journal cannot be created.
    fs.mkdirSync(path.join(central, 'runs'), { recursive: true });
    fs.writeFileSync(path.join(central, 'runs/second'), 'not a folder');

    await expect(replayFromStream({ dir: central, servers: nats.url, stream })).rejects.toThrow(/EEXIST|ENOTDIR/);
    // The folder is marked as central (so it is taken up again, not refused), with nothing recorded as mirrored.
    const state = JSON.parse(fs.readFileSync(path.join(central, '.central/state.json'), 'utf8')) as { streamSeq: number; runs: unknown[] };
    expect([state.streamSeq, state.runs]).toEqual([0, []]);

    fs.rmSync(path.join(central, 'runs/second'));
    const report = await replayFromStream({ dir: central, servers: nats.url, stream });
    expect(report.ok).toBe(true);
    for (const id of ['first', 'second'])
      expect(fs.readFileSync(path.join(central, 'runs', id, 'events.ndjson'))).toEqual(
        fs.readFileSync(path.join(local, 'runs', id, 'events.ndjson')),
      );
  });

  it('writes byte for byte the derived files a local replay of the same journals writes, and continues incrementally', async () => {
    const local = tempDir();
    const central = tempDir();
    const stream = newStream();
    await recordSampleRun(local, 'sample.1');
    await recordVariedRun(local, 'varied-a', 'project-one', true, 0.2);
    await recordVariedRun(local, 'varied.b', 'project two', true, 0.8);
    await recordVariedRun(local, 'crashed-c', 'project-one', false, 0.2);
    expect((await ship(local, stream)).ok).toBe(true);

    const first = await replayFromStream({ dir: central, servers: nats.url, stream });
    expect(first.ok).toBe(true);
    expect(first.messages).toBe(
      ['sample.1', 'varied-a', 'varied.b', 'crashed-c'].reduce(
        (n, id) => n + readLines(path.join(local, 'runs', id, 'events.ndjson')).length,
        0,
      ),
    );
    await replay({ dir: local });
    const localFiles = filesUnder(local);
    expect([...localFiles.keys()].filter((f) => f.startsWith('csv/')).length).toBe(7);
    expect(differences(localFiles, filesUnder(central))).toEqual([]);

    // More events and a new run: only those are read from the stream, and the result still matches.
    await recordVariedRun(local, 'later-d', 'project-one', true, 0.5);
    expect((await ship(local, stream)).ok).toBe(true);
    const second = await replayFromStream({ dir: central, servers: nats.url, stream });
    expect(second.fromStreamSeq).toBe(first.toStreamSeq);
    expect(second.messages).toBe(readLines(path.join(local, 'runs/later-d/events.ndjson')).length);
    expect(second.replay!.runs.filter((r) => r.outcome === 'replayed').map((r) => r.runId)).toEqual(['later-d']);
    await replay({ dir: local });
    expect(differences(filesUnder(local), filesUnder(central))).toEqual([]);

    const third = await replayFromStream({ dir: central, servers: nats.url, stream });
    expect(third.messages).toBe(0);
  });

  it('refuses a run whose chain breaks on the stream, mirrors it up to the break, and goes on with the others', async () => {
    const local = tempDir();
    const central = tempDir();
    const stream = newStream();
    await recordSampleRun(local, 'broken');
    await recordSampleRun(local, 'fine');
    expect((await ship(local, stream)).ok).toBe(true);
    // Someone publishes straight to the run's subject a line whose prev is not the last hash.
    const journal = path.join(local, 'runs/broken/events.ndjson');
    const lines = readLines(journal);
    const last = JSON.parse(lines.at(-1)!) as { seq: number };
    const forged = encodeLine({
      v: 1,
      seq: last.seq + 1,
      ts: new Date().toISOString(),
      runId: 'broken',
      type: 'ErrorRecorded',
      data: { kind: 'k', message: 'forged', recoverable: true, issueId: null, agentId: null, callId: null, tool: null },
      prev: 'f'.repeat(64),
    } as never);
    const nc = await connect({ servers: nats.url });
    await jetstream(nc).publish(runSubject(stream, 'test-project', 'broken'), forged.text);
    await nc.close();

    const report = await replayFromStream({ dir: central, servers: nats.url, stream });
    expect(report.ok).toBe(false);
    expect(report.refused).toHaveLength(1);
    expect(report.refused[0]!.runId).toBe('broken');
    expect(report.refused[0]!.reason).toMatch(
      /Run broken is refused by central replay: .*broken chain.*mirrored up to seq \d+ and not past it/,
    );
    expect(fs.readFileSync(path.join(central, 'runs/broken/events.ndjson'))).toEqual(fs.readFileSync(journal));
    expect(fs.readFileSync(path.join(central, 'runs/fine/events.ndjson'))).toEqual(
      fs.readFileSync(path.join(local, 'runs/fine/events.ndjson')),
    );
  });

  it('does not merge two runs that share a run id but come from different projects', async () => {
    const machineA = tempDir();
    const machineB = tempDir();
    const central = tempDir();
    const stream = newStream();
    await recordVariedRun(machineA, 'same-id', 'project-a', true, 0.1);
    await recordVariedRun(machineB, 'same-id', 'project-b', true, 0.9);
    expect((await ship(machineA, stream)).ok).toBe(true);
    expect((await ship(machineB, stream)).ok).toBe(true); // other subject: the stream keeps both

    const report = await replayFromStream({ dir: central, servers: nats.url, stream });
    expect(report.ok).toBe(false);
    expect(report.refused.map((r) => [r.runId, r.subject])).toEqual([['same-id', runSubject(stream, 'project-b', 'same-id')]]);
    expect(report.refused[0]!.reason).toMatch(/already holds a run with this id/);
    expect(fs.readFileSync(path.join(central, 'runs/same-id/events.ndjson'))).toEqual(
      fs.readFileSync(path.join(machineA, 'runs/same-id/events.ndjson')),
    );
  });

  it('refuses a second shipper that would append another run with the same id to the same subject', async () => {
    const machineA = tempDir();
    const machineB = tempDir();
    const stream = newStream();
    await recordVariedRun(machineA, 'clash', 'project', true, 0.1);
    await recordVariedRun(machineB, 'clash', 'project', true, 0.9);
    expect((await ship(machineA, stream)).ok).toBe(true);
    const second = await ship(machineB, stream);
    expect(second.ok).toBe(false);
    expect(second.runs[0]!.problem?.kind).toBe('conflict');
    expect(second.runs[0]!.published).toBe(0);
  });

  it('reads what the stream holds when its last messages were purged, and stops there', async () => {
    const local = tempDir();
    const central = tempDir();
    const stream = newStream();
    await recordSampleRun(local, 'kept');
    expect((await ship(local, stream)).ok).toBe(true);
    await recordSampleRun(local, 'purged');
    expect((await ship(local, stream)).ok).toBe(true);
    const nc = await connect({ servers: nats.url });
    await (await jetstreamManager(nc)).streams.purge(stream, { filter: runSubject(stream, 'test-project', 'purged') });
    await nc.close();

    const report = await replayFromStream({ dir: central, servers: nats.url, stream });
    expect(report.ok).toBe(true);
    expect(report.messages).toBe(readLines(path.join(local, 'runs/kept/events.ndjson')).length);
    expect(fs.readdirSync(path.join(central, 'runs'))).toEqual(['kept']);
  });

  it('cuts off what a step that never saved its state wrote past the recorded end, and mirrors on from there', async () => {
    const local = tempDir();
    const central = tempDir();
    const stream = newStream();
    const c = await startRun(local, { runId: 'resumed' });
    c.recordError({ kind: 'k', message: 'before', recoverable: true });
    c.close();
    expect((await ship(local, stream)).ok).toBe(true);
    expect((await replayFromStream({ dir: central, servers: nats.url, stream })).ok).toBe(true);
    // A mirror step killed after its write and before its state save leaves bytes past the recorded end.
    fs.appendFileSync(path.join(central, 'runs/resumed/events.ndjson'), '{"v":1,"seq":99,"half a line');

    const resumed = await MetricsCollector.resume({ dir: local, runId: 'resumed', handleSignals: false, prices: null, liveUpdates: false });
    resumed.recordError({ kind: 'k', message: 'after', recoverable: true });
    resumed.finalizeRun('completed');
    expect((await ship(local, stream)).ok).toBe(true);
    const report = await replayFromStream({ dir: central, servers: nats.url, stream });
    expect(report.ok).toBe(true);
    expect(fs.readFileSync(path.join(central, 'runs/resumed/events.ndjson'))).toEqual(
      fs.readFileSync(path.join(local, 'runs/resumed/events.ndjson')),
    );
  });

  it('refuses a folder that already holds journals it did not mirror', async () => {
    const dir = tempDir();
    await recordSampleRun(dir, 'local-run');
    await expect(replayFromStream({ dir, servers: nats.url, stream: newStream() })).rejects.toThrow(
      /already holds journals .*local-run.*folder of its own/,
    );
  });
});
