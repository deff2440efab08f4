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
    const supervisors = runs.map((r) => pool.fixture('ship-supervisor.mjs', [JSON.stringify({ dir, ...r, events: 500, pauseMs: 8 })]));
    const startShipper = (): Child => {
      const child = new Child(CLI, ['ship', '--to', nats.url, '--stream', stream, '--dir', dir]);
      shippers.push(child);
      return child;
    };

    let kills = 0;
    let shipper = startShipper();
    const running = (): boolean => supervisors.some((s) => !s.hasExited);
    const countsAtKills: number[] = [];
    while (running() || kills < 6) {
      await sleep(150 + Math.floor(random() * 500));
      shipper.kill('SIGKILL');
      await shipper.exited;
      kills += 1;
      countsAtKills.push((await readStream(nats.url, stream).catch(() => [])).length);
      shipper = startShipper();
    }
    // Shippers were killed while they were shipping: the stream grew between kills, more than once.
    expect(countsAtKills.filter((n, i) => i > 0 && n > countsAtKills[i - 1]!).length).toBeGreaterThanOrEqual(3);
    for (const s of supervisors) await s.waitFor((m) => m.event === 'done', 'the run to finish');
    const beforeLast = (await readStream(nats.url, stream)).length;
    expect(beforeLast).toBeGreaterThan(0); // the killed shippers did ship

    shipper.kill('SIGKILL');
    await shipper.exited;
    const last = await runNode([CLI, 'ship', '--once', '--to', nats.url, '--stream', stream, '--dir', dir, '--json']);
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout).ok).toBe(true);
    expect(kills).toBeGreaterThanOrEqual(6);
    expect(exactlyOnceProblems(await readStream(nats.url, stream), dir, stream, runs)).toEqual([]);
  });
});
