/**
 * A child process of the history generator: writes runs [first, first + count) of a history
 * through the real collector, then prints {"events": N, "runs": N} on stdout.
 * argv[2]: JSON { dir, spec, first, count }.
 */
import { PriceBook } from '../src/index.js';
import { runOf, type HistorySpec } from './history-runs.js';
import { writeSimulatedRun } from './simulated-run.js';

interface WorkerTask {
  readonly dir: string;
  readonly spec: HistorySpec;
  readonly first: number;
  readonly count: number;
}

const task = JSON.parse(process.argv[2] ?? '{}') as WorkerTask;
const priceBook = new PriceBook({ overrideFile: null });
let written = 0;
let wanted = 0;
for (let index = task.first; index < task.first + task.count; index += 1) {
  const run = runOf(task.spec, index);
  // Issues come in whole: what one run overshoots or falls short, the next one makes up.
  const targetEvents = Math.max(12, run.targetEvents + (wanted - written));
  wanted += run.targetEvents;
  written += await writeSimulatedRun({ ...run, targetEvents, dir: task.dir, priceBook });
}
process.stdout.write(`${JSON.stringify({ events: written, runs: task.count })}\n`);
