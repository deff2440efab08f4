import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFigure, type Figure, type FigureSpec } from './build-figure.js';
import { interleave, type Comparison } from './interleave.js';
import type { CollectorLegResult, LegResult } from './leg.js';
import type { BenchPlan } from './options.js';

const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(distDir, 'src', 'cli', 'main.js');
const DEMO = path.join(distDir, 'examples', 'demo', 'run-demo.js');
const COLLECTOR_SCRIPT = path.join(distDir, 'bench', 'startup-collector.js');
const BASELINE = 'node -e 0 (same rounds)';

/** Wall time of one process from spawn to exit; it must exit 0. */
function timeProcess(args: readonly string[]): LegResult {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} ended with ${result.signal ?? `code ${result.status}`}: ${result.stderr}`);
  return { lines: 1, ms };
}

const nodeBaseline = (): LegResult => timeProcess(['-e', '0']);
const asCollectorLeg = (leg: LegResult): CollectorLegResult => ({ ...leg, lineBytes: 0 });

/** Records the demo's folder (54 runs, the demo's 18 configurations) once, replayed as the demo leaves it. */
function recordDemoFolder(dir: string): string {
  const demoDir = path.join(dir, 'demo-logs');
  const result = spawnSync(process.execPath, [DEMO, '--dir', demoDir, '--seed', '42'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`the demo failed (${result.signal ?? `code ${result.status}`}): ${result.stderr}`);
  return demoDir;
}

/**
 * Start-up: each command in a fresh process, against `node -e 0` in the same round (interleave
 * alternates which goes first), medians over the rounds: the CLI's help, a command's help,
 * `runledger runs` on the demo's folder, and a supervisor's import, start() and finalizeRun().
 */
export async function measureStartupFigures(plan: BenchPlan, dir: string): Promise<Figure[]> {
  process.stderr.write('start-up: recording the demo folder ...\n');
  const demoDir = recordDemoFolder(dir);
  const collectorDir = path.join(dir, 'startup-logs');
  const specs: Array<FigureSpec & { readonly args: readonly string[] }> = [
    { name: 'start-up: runledger --help', args: [CLI, '--help'], threshold: 2 },
    { name: 'start-up: runledger runs --help', args: [CLI, 'runs', '--help'], threshold: 2 },
    { name: 'start-up: runledger runs (demo folder, 54 runs)', args: [CLI, 'runs', '--dir', demoDir], threshold: 3 },
    { name: "start-up: import 'runledger', start(), finalizeRun()", args: [COLLECTOR_SCRIPT, collectorDir], threshold: 4 },
  ].map(({ name, args, threshold }) => ({
    name,
    args,
    baselineName: BASELINE,
    unit: 'ms',
    target: { of: 'ratio', comparison: '<=', threshold },
  }));
  const comparisons: Comparison[] = specs.map((spec) => ({
    name: spec.name,
    baseline: nodeBaseline,
    collector: async () => asCollectorLeg(timeProcess(spec.args)),
  }));
  try {
    await interleave(1, comparisons, () => process.stderr.write('start-up warm-up done\n'));
    const legs = await interleave(plan.startupRounds, comparisons, (round) =>
      process.stderr.write(`start-up round ${round}/${plan.startupRounds} done\n`),
    );
    return specs.map((spec) => buildFigure(spec, legs.get(spec.name)!, 0));
  } finally {
    fs.rmSync(collectorDir, { recursive: true, force: true });
    fs.rmSync(demoDir, { recursive: true, force: true });
  }
}
