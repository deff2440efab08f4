/**
 * `npm run bench` / `npm run bench:quick`: the journal's throughput against bare fsync loops on
 * the same disk, and the collector's CPU cost per call. Results: bench/results.json (full) or
 * bench/results.quick.json (quick), and a table on stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchFsyncLoop, syncFsyncLoop, writeOnlyLoop } from './bare-baselines.js';
import { fileSystemOf, makeBenchDir, removeBenchDir } from './bench-dir.js';
import { asyncCollectorLeg, syncCollectorLeg } from './collector-legs.js';
import { buildFigure, type FigureSpec } from './figures.js';
import { interleave, type Comparison } from './interleave.js';
import { paddedLine } from './line-size.js';
import { machineInfo } from './machine-info.js';
import { noSyncFileOps } from './no-sync-file-ops.js';
import { planFromArgs } from './options.js';
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
  const logsDir = path.join(dir, 'logs');
  const bareDir = path.join(dir, 'bare');
  fs.mkdirSync(bareDir);

  // The bare loops write lines of the size the collector writes; a no-sync run measures it.
  const lineBytes = Math.round((await syncCollectorLeg(logsDir, plan.warmupMs, noSyncFileOps)).lineBytes);
  const line = paddedLine(lineBytes);
  const writers = plan.concurrentWriters;

  const specs: FigureSpec[] = [
    {
      name: 'sync appends (MetricsCollector)',
      baselineName: 'bare loop: writeSync + fdatasyncSync per line',
      unit: 'lines/s',
      target: { of: 'ratio', comparison: '>=', threshold: 0.8 },
    },
    {
      name: `group commit (AsyncMetricsCollector, ${writers} writers)`,
      baselineName: `bare loop: async fs.write of ${writers} lines + async fs.fdatasync`,
      unit: 'lines/s',
      target: { of: 'ratio', comparison: '>=', threshold: 0.5 },
    },
    {
      name: 'collector CPU per call (no-sync seam)',
      baselineName: 'bare loop: writeSync per line, no fsync',
      unit: 'µs/call',
      target: { of: 'value', comparison: '<', threshold: 50 },
    },
  ];
  const comparisons = (legMs: number): Comparison[] => [
    { name: specs[0]!.name, baseline: () => syncFsyncLoop(bareDir, line, legMs), collector: () => syncCollectorLeg(logsDir, legMs) },
    { name: specs[1]!.name, baseline: () => batchFsyncLoop(bareDir, line, writers, legMs), collector: () => asyncCollectorLeg(logsDir, writers, legMs) },
    { name: specs[2]!.name, baseline: () => writeOnlyLoop(bareDir, line, legMs), collector: () => syncCollectorLeg(logsDir, legMs, noSyncFileOps) },
  ];

  await interleave(1, comparisons(plan.warmupMs), () => process.stderr.write('warm-up done\n'));
  const legs = await interleave(plan.rounds, comparisons(plan.legMs), (round) => process.stderr.write(`round ${round}/${plan.rounds} done\n`));

  const figures = specs.map((spec) => buildFigure(spec, legs.get(spec.name)!, lineBytes));
  const results: BenchResults = {
    mode: plan.mode,
    rounds: plan.rounds,
    legMs: plan.legMs,
    concurrentWriters: writers,
    durationSeconds: elapsedMs(began) / 1000,
    allPass: figures.every((f) => f.pass),
    figures,
    machine: machineInfo(path.dirname(dir), fileSystemOf(dir)),
  };
  const resultsFile = path.join(benchSourceDir, plan.resultsFile);
  writeResults(resultsFile, results);
  process.stdout.write(`${formatResults(results)}\nwritten to ${path.relative(projectRoot, resultsFile)}\n`);
} finally {
  removeBenchDir(dir);
}
