import fs from 'node:fs';
import path from 'node:path';
import { buildFigure, type Figure, type FigureSpec } from './build-figure.js';
import { interleave, type Comparison } from './interleave.js';
import { startBenchNats } from './nats-bench-server.js';
import type { BenchPlan } from './options.js';
import { bareOrderedReadLeg, barePublishLeg, centralReplayLeg, corpusLines, prepareShipCorpus, shipLeg } from './ship-legs.js';

/** Runs shipped at once by `ship`, and publishes in flight in the bare loop: the same window. */
const WINDOW = 16;

/**
 * The issue-9 figures against one loopback nats-server 2.9 (its store in the bench folder):
 * `runledger ship --once` against a bare publish loop of the same lines with the same client and
 * window, and `runledger replay --from` (with and without the replay that writes the derived
 * files) against a bare ordered-consumer read of the same stream.
 */
export async function measureShipFigures(plan: BenchPlan, dir: string): Promise<Figure[]> {
  const shipDir = path.join(dir, 'ship');
  const nats = await startBenchNats(shipDir);
  try {
    const corpus = await prepareShipCorpus(path.join(shipDir, 'logs'), WINDOW, plan.mode === 'quick' ? 150 : 1000);
    const byRun = corpusLines(corpus);
    const centralDir = path.join(shipDir, 'central');
    // The stream the replay figures read: the corpus, shipped once, untimed.
    await shipLeg(corpus, nats.url, 'BENCH_CENTRAL', WINDOW, true);
    let leg = 0;
    const specs: FigureSpec[] = [
      {
        name: `ship --once (${corpus.runs} runs, ${WINDOW} at a time)`,
        baselineName: `bare JetStream publish loop of the same lines, same client, ${WINDOW} in flight`,
        unit: 'lines/s',
        target: { of: 'ratio', comparison: '>=', threshold: 0.5 },
      },
      {
        name: 'replay --from (mirror + replay: JSON layout, seven CSVs)',
        baselineName: 'bare ordered-consumer read of the same stream',
        unit: 'lines/s',
        target: { of: 'ratio', comparison: '>=', threshold: 0.5 },
      },
      {
        name: 'replay --from, mirror only (read, chain check, fdatasync)',
        baselineName: 'bare ordered-consumer read of the same stream',
        unit: 'lines/s',
        target: { of: 'ratio', comparison: '>=', threshold: 0.5 },
      },
    ];
    const comparisons: Comparison[] = [
      {
        name: specs[0]!.name,
        baseline: () => barePublishLeg(byRun, nats.url, `BENCH_BARE_${(leg += 1)}`, WINDOW),
        collector: () => shipLeg(corpus, nats.url, `BENCH_SHIP_${(leg += 1)}`, WINDOW),
      },
      {
        name: specs[1]!.name,
        baseline: () => bareOrderedReadLeg(nats.url, 'BENCH_CENTRAL'),
        collector: () => centralReplayLeg(centralDir, nats.url, 'BENCH_CENTRAL', false, corpus.lineBytes),
      },
      {
        name: specs[2]!.name,
        baseline: () => bareOrderedReadLeg(nats.url, 'BENCH_CENTRAL'),
        collector: () => centralReplayLeg(centralDir, nats.url, 'BENCH_CENTRAL', true, corpus.lineBytes),
      },
    ];
    const rounds = plan.mode === 'quick' ? 3 : 7;
    await interleave(1, comparisons, () => process.stderr.write('ship warm-up done\n'));
    const legs = await interleave(rounds, comparisons, (round) => process.stderr.write(`ship round ${round}/${rounds} done\n`));
    return specs.map((spec) => buildFigure(spec, legs.get(spec.name)!, corpus.lineBytes));
  } finally {
    await nats.stop();
    fs.rmSync(shipDir, { recursive: true, force: true });
  }
}
