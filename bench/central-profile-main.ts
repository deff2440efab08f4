import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { startBenchNats } from './nats-bench-server.js';
import { centralReplayLeg, prepareShipCorpus, shipLeg } from './ship-legs.js';

/** A CPU profile of one `replay --from` leg (after one untimed leg): `node dist/bench/central-profile-main.js out.cpuprofile [mirror]`. */
async function main(): Promise<void> {
  const out = process.argv[2] ?? 'central.cpuprofile';
  const mirrorOnly = process.argv[3] === 'mirror';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'central-prof-'));
  const nats = await startBenchNats(dir);
  try {
    const corpus = await prepareShipCorpus(path.join(dir, 'logs'), 16, 1000);
    await shipLeg(corpus, nats.url, 'BENCH_CENTRAL', 16, true);
    const centralDir = path.join(dir, 'central');
    await centralReplayLeg(centralDir, nats.url, 'BENCH_CENTRAL', mirrorOnly, corpus.lineBytes);
    const session = new inspector.Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const leg = await centralReplayLeg(centralDir, nats.url, 'BENCH_CENTRAL', mirrorOnly, corpus.lineBytes);
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(out, JSON.stringify(profile));
    process.stdout.write(`${leg.lines} lines in ${leg.ms.toFixed(0)} ms\n`);
  } finally {
    await nats.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
