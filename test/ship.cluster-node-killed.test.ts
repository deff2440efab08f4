import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { Child, ChildPool, CLI } from './helpers/child.js';
import { NatsCluster, readStream } from './helpers/nats-server.js';
import { exactlyOnceProblems, journalLines } from './helpers/shipped-runs.js';
import { tempDir } from './helpers/temp-dir.js';

const pool = new ChildPool();
let cluster: NatsCluster | null = null;
let shipper: Child | null = null;
afterEach(async () => {
  await shipper?.destroy();
  shipper = null;
  await pool.destroyAll();
  await cluster?.destroy();
  cluster = null;
});

async function streamState(urls: readonly string[], stream: string): Promise<{ messages: number; leader: string | undefined }> {
  const nc = await connect({ servers: [...urls], timeout: 2000, reconnect: false });
  try {
    const info = await (await jetstreamManager(nc, { timeout: 3000 })).streams.info(stream);
    return { messages: info.state.messages, leader: info.cluster?.leader };
  } finally {
    await nc.close();
  }
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('ship to a 3-node JetStream cluster', () => {
  it('every event of four supervisors arrives exactly once while the stream leader is killed', async () => {
    cluster = await NatsCluster.start();
    const dir = tempDir();
    const stream = 'CLUSTER';
    shipper = new Child(CLI, ['ship', '--to', cluster.urls.join(','), '--replicas', '3', '--stream', stream, '--dir', dir]);
    const runs = [0, 1, 2, 3].map((i) => ({ runId: `sup.${i}`, projectId: i % 2 ? 'team-a' : 'team b' }));
    const supervisors = runs.map((r) => pool.fixture('ship-supervisor.mjs', [JSON.stringify({ dir, ...r, events: 400, pauseMs: 10 })]));

    // Once events flow, kill the node that leads the stream: the shipper must ride the election out.
    await waitUntil(async () => (await streamState(cluster!.urls, stream)).messages > 100, 'the first shipped events', 30_000);
    const { leader } = await streamState(cluster.urls, stream);
    const victim = cluster.nodes.find((n) => n.name === leader)!;
    expect(victim).toBeDefined();
    await victim.kill();
    const survivors = cluster.nodes.filter((n) => n !== victim).map((n) => n.url);

    for (const s of supervisors) await s.waitFor((m) => m.event === 'done', 'the run to finish', 60_000);
    const total = runs.reduce((n, r) => n + journalLines(path.join(dir, 'runs', r.runId, 'events.ndjson')).length, 0);
    await waitUntil(async () => (await streamState(survivors, stream)).messages >= total, `all ${total} lines on the stream`, 45_000);
    shipper.kill('SIGTERM');
    const exit = await shipper.exited;
    expect(exit.code, shipper.stderr).toBe(0);

    const messages = await readStream(survivors, stream);
    expect(exactlyOnceProblems(messages, dir, stream, runs)).toEqual([]);
    // Trouble is reported as lines saying what the shipper waits for, never as a crash.
    expect(shipper.stderr).not.toMatch(/Error:|TypeError/);
  });
});
