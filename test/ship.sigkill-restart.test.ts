import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/analysis/stats/random.js';
import { Child, ChildPool, CLI, runNode } from './helpers/child.js';
import { NatsSingle, readStream } from './helpers/nats-server.js';
import { exactlyOnceProblems } from './helpers/shipped-runs.js';
import { tempDir } from './helpers/temp-dir.js';

let nats: NatsSingle;
beforeAll(async () => {
  nats = await NatsSingle.start();
});
afterAll(async () => {
  await nats?.destroy();
});
const pool = new ChildPool();
const shippers: Child[] = [];
afterEach(async () => {
  await Promise.all(shippers.splice(0).map((s) => s.destroy()));
  await pool.destroyAll();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('ship killed with SIGKILL at random moments', () => {
  it('loses nothing and duplicates nothing across restarts', async () => {
    const dir = tempDir();
    const stream = 'KILLED';
    const random = mulberry32(20261126);
    const runs = [0, 1, 2].map((i) => ({ runId: `killed.${i}`, projectId: 'kill-test' }));
    const supervisors = runs.map((r) => pool.fixture('ship-supervisor.mjs', [JSON.stringify({ dir, ...r, events: 1000, pauseMs: 20 })]));
    const startShipper = (): Child => {
      const child = new Child(CLI, ['ship', '--to', nats.url, '--stream', stream, '--dir', dir]);
      shippers.push(child);
      return child;
    };

    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const shipped = async (): Promise<number> => (await jsm.streams.info(stream).catch(() => null))?.state.messages ?? 0;
    let kills = 0;
    let grewBeforeKill = 0;
    let shipper = startShipper();
    // Each shipper is killed a random moment after it has begun to ship (the stream grew under it).
    while (kills < 8 && supervisors.some((s) => !s.hasExited)) {
      const base = await shipped();
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (await shipped()) === base && supervisors.some((s) => !s.hasExited)) await sleep(20);
      if ((await shipped()) > base) grewBeforeKill += 1;
      await sleep(Math.floor(random() * 150));
      shipper.kill('SIGKILL');
      await shipper.exited;
      kills += 1;
      shipper = startShipper();
    }
    await nc.close();
    expect(grewBeforeKill).toBeGreaterThanOrEqual(4);
    for (const s of supervisors) await s.waitFor((m) => m.event === 'done', 'the run to finish');
    const beforeLast = (await readStream(nats.url, stream)).length;
    expect(beforeLast).toBeGreaterThan(0); // the killed shippers did ship

    shipper.kill('SIGKILL');
    await shipper.exited;
    const last = await runNode([CLI, 'ship', '--once', '--to', nats.url, '--stream', stream, '--dir', dir, '--json']);
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout).ok).toBe(true);
    expect(exactlyOnceProblems(await readStream(nats.url, stream), dir, stream, runs)).toEqual([]);
  });
});
