import fs from 'node:fs';
import path from 'node:path';
import { batchFsyncLoop, syncFsyncLoop, writeOnlyLoop } from './bare-baselines.js';
import { asyncCollectorLeg, syncCollectorLeg } from './collector-legs.js';
import { buildFigure, type Figure, type FigureSpec } from './build-figure.js';
import { interleave, type Comparison } from './interleave.js';
import { paddedLine } from './line-size.js';
import { noSyncFileOps } from './no-sync-file-ops.js';
import type { BenchPlan } from './options.js';

/** The journal's figures: sync appends and group commit against bare fsync loops, and the CPU cost per call. */
export async function measureCollectorFigures(plan: BenchPlan, dir: string): Promise<Figure[]> {
  const logsDir = path.join(dir, 'logs');
  const bareDir = path.join(dir, 'bare');
  fs.mkdirSync(bareDir, { recursive: true });

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
    {
      name: specs[1]!.name,
      baseline: () => batchFsyncLoop(bareDir, line, writers, legMs),
      collector: () => asyncCollectorLeg(logsDir, writers, legMs),
    },
    {
      name: specs[2]!.name,
      baseline: () => writeOnlyLoop(bareDir, line, legMs),
      collector: () => syncCollectorLeg(logsDir, legMs, noSyncFileOps),
    },
  ];

  await interleave(1, comparisons(plan.warmupMs), () => process.stderr.write('collector warm-up done\n'));
  const legs = await interleave(plan.rounds, comparisons(plan.legMs), (round) =>
    process.stderr.write(`collector round ${round}/${plan.rounds} done\n`),
  );
  fs.rmSync(logsDir, { recursive: true, force: true });
  fs.rmSync(bareDir, { recursive: true, force: true });
  return specs.map((spec) => buildFigure(spec, legs.get(spec.name)!, lineBytes));
}
