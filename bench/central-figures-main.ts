import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { interleave, type Comparison } from './interleave.js';
import { linesPerSecond } from './leg.js';
import { startBenchNats } from './nats-bench-server.js';
import { bareOrderedReadLeg, centralReplayLeg, prepareShipCorpus, shipLeg } from './ship-legs.js';

/**
 * Only the `replay --from` figures of `measureShipFigures`, on the same corpus (16 runs of 1000
 * cycles), with the ratio and the process CPU of every round printed:
 * `npm run bench:central -- [rounds]` (CENTRAL_BENCH_ONLY="mirror only" for one of the two).
 */
async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const cycles = Number(process.env.CENTRAL_BENCH_CYCLES ?? 1000);
  const dir = fs.mkdtempSync(path.join(process.env.CENTRAL_BENCH_DIR ?? os.tmpdir(), 'central-bench-'));
  const nats = await startBenchNats(dir);
  try {
    const corpus = await prepareShipCorpus(path.join(dir, 'logs'), 16, cycles);
    await shipLeg(corpus, nats.url, 'BENCH_CENTRAL', 16, true);
    const centralDir = path.join(dir, 'central');
    // CPU of the whole process (every thread) per central leg: less noisy than wall time on a shared machine.
    const cpuMs = new Map<string, number[]>();
    const measured = (name: string, mirrorOnly: boolean) => async () => {
      const before = process.cpuUsage();
      const leg = await centralReplayLeg(centralDir, nats.url, 'BENCH_CENTRAL', mirrorOnly, corpus.lineBytes);
      const used = process.cpuUsage(before);
      cpuMs.set(name, [...(cpuMs.get(name) ?? []), (used.user + used.system) / 1000]);
      return leg;
    };
    const comparisons: Comparison[] = [
      {
        name: 'mirror + replay',
        baseline: () => bareOrderedReadLeg(nats.url, 'BENCH_CENTRAL'),
        collector: measured('mirror + replay', false),
      },
      { name: 'mirror only', baseline: () => bareOrderedReadLeg(nats.url, 'BENCH_CENTRAL'), collector: measured('mirror only', true) },
    ].filter((c) => !process.env.CENTRAL_BENCH_ONLY || c.name === process.env.CENTRAL_BENCH_ONLY);
    await interleave(1, comparisons, () => undefined);
    cpuMs.clear();
    const legs = await interleave(rounds, comparisons, () => undefined);
    process.stdout.write(`corpus: ${corpus.runs} runs, ${corpus.lines} lines of ${corpus.lineBytes.toFixed(0)} B\n`);
    for (const [name, { baseline, collector }] of legs) {
      const ratios = collector.map((c, i) => linesPerSecond(c) / linesPerSecond(baseline[i]!));
      const sorted = [...ratios].sort((a, b) => a - b);
      process.stdout.write(
        `${name}: ratios ${ratios.map((r) => r.toFixed(3)).join(' ')}; median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)}\n`,
      );
      process.stdout.write(
        `  central CPU ms ${cpuMs
          .get(name)!
          .map((ms) => ms.toFixed(0))
          .join(' ')} (wall ms ${collector.map((c) => c.ms.toFixed(0)).join(' ')})\n`,
      );
      process.stdout.write(
        `  central lines/s ${collector.map((c) => linesPerSecond(c).toFixed(0)).join(' ')}\n  bare    lines/s ${baseline.map((c) => linesPerSecond(c).toFixed(0)).join(' ')}\n`,
      );
    }
  } finally {
    await nats.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
