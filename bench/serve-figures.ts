import fs from 'node:fs';
import path from 'node:path';
import { buildFigure, type Figure } from './figures.js';
import { interleave } from './interleave.js';
import type { BenchPlan } from './options.js';
import { serveComparison, serveFigureSpec, type ServeMode } from './serve-legs.js';

/** `runledger serve` against the library's async collector, with the same concurrent writers: one call per request, and one NDJSON batch per agent step. */
export async function measureServeFigures(plan: BenchPlan, dir: string): Promise<Figure[]> {
  const logsDir = path.join(dir, 'serve-logs');
  fs.mkdirSync(logsDir, { recursive: true });
  const writers = plan.concurrentWriters;
  const modes: ServeMode[] = ['calls', 'steps'];
  const comparisons = (legMs: number) => modes.map((mode) => serveComparison(logsDir, writers, mode)(legMs));
  await interleave(1, comparisons(plan.warmupMs), () => process.stderr.write('serve warm-up done\n'));
  const legs = await interleave(plan.rounds, comparisons(plan.legMs), (round) => process.stderr.write(`serve round ${round}/${plan.rounds} done\n`));
  fs.rmSync(logsDir, { recursive: true, force: true });
  return modes.map((mode) => {
    const spec = serveFigureSpec(writers, mode);
    const measured = legs.get(spec.name)!;
    return buildFigure(spec, measured, Math.round((measured.baseline[0] as { lineBytes?: number }).lineBytes ?? 0));
  });
}
