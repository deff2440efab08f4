/**
 * `npm run bench` / `npm run bench:quick`: start-up of the CLI and the library against `node -e 0`,
 * the journal's throughput against bare fsync loops on the same disk, the collector's CPU cost per
 * call, and on generated histories (10,000 runs, 1M and 10M events) replay, incremental replay, compare against DuckDB, and replay memory; shipping
 * to NATS JetStream and central replay; `runledger serve` against the async collector; `runledger
 * verify` on a journal with a 300 MB garbage tail (time and peak RSS); OTLP trace ingest against
 * serve's NDJSON batches of the same events; the live workload (8 supervisors finishing issues on
 * folders of 1,000 and 10,000 runs). Results:
 * bench/results.json (full) or bench/results.quick.json (quick), and a table on stdout.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertFreeSpace, fileSystemOf, makeBenchDir, removeBenchDir } from './bench-dir.js';
import { measureCollectorFigures } from './collector-figures.js';
import { bytesNeededFor, measureHistoryFigures } from './history-figures.js';
import { machineInfo } from './machine-info.js';
import { planFromArgs } from './options.js';
import { measureOtlpFigures } from './otlp-figures.js';
import { measureServeFigures } from './serve-figures.js';
import { measureShipFigures } from './ship-figures.js';
import { measureStartupFigures } from './startup-figures.js';
import { measureVerifyFigures } from './verify-figures.js';
import { measureLiveFigures, type LiveFigures } from './live-figures.js';
import { formatResults, writeResults, type BenchResults } from './report.js';
import { elapsedMs } from './stats.js';

const plan = planFromArgs(process.argv.slice(2));
// Compiled to dist/bench/run.js; results belong next to the sources in bench/.
const benchSourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench');
const projectRoot = path.dirname(benchSourceDir);
const began = performance.now();

const dir = makeBenchDir(projectRoot);
const onSignal = (): void => {
  removeBenchDir(dir);
  process.exit(130);
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

try {
  // The histories are generated one after the other, each deleted before the next.
  assertFreeSpace(dir, Math.max(bytesNeededFor(plan.history), bytesNeededFor(plan.bigHistory)));
  // Start-up first: one process per leg, before the histories fill the page cache and the disk.
  const startupFigures = await measureStartupFigures(plan, dir);
  const collectorFigures = await measureCollectorFigures(plan, dir);
  const { figures: historyFigures, histories } = await measureHistoryFigures(plan, dir);
  const shipFigures = await measureShipFigures(plan, dir);
  const serveFigures = await measureServeFigures(plan, dir);
  const otlpFigures = await measureOtlpFigures(plan, dir);
  const verifyFigures = await measureVerifyFigures(plan, dir);
  // Histories cached between bench runs (generating them is most of the leg's time).
  const live: LiveFigures[] = [];
  for (const runs of plan.live.runs)
    live.push(
      await measureLiveFigures(
        path.join(projectRoot, '.bench-tmp', 'live-cache'),
        { runs, events: runs * 100, seed: 3 },
        plan.live.workload,
      ),
    );
  const figures = [
    ...startupFigures,
    ...collectorFigures,
    ...historyFigures,
    ...shipFigures,
    ...serveFigures,
    ...otlpFigures,
    ...verifyFigures,
  ];
  const results: BenchResults = {
    mode: plan.mode,
    rounds: plan.rounds,
    legMs: plan.legMs,
    concurrentWriters: plan.concurrentWriters,
    historyRounds: plan.historyRounds,
    startupRounds: plan.startupRounds,
    durationSeconds: elapsedMs(began) / 1000,
    allPass: figures.every((f) => f.pass),
    figures,
    histories,
    live,
    machine: machineInfo(path.dirname(dir), fileSystemOf(dir)),
  };
  const resultsFile = path.join(benchSourceDir, plan.resultsFile);
  writeResults(resultsFile, results);
  process.stdout.write(`${formatResults(results)}\nwritten to ${path.relative(projectRoot, resultsFile)}\n`);
} finally {
  removeBenchDir(dir);
}
