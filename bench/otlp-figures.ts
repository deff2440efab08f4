import fs from 'node:fs';
import path from 'node:path';
import { buildFigure, type Figure } from './build-figure.js';
import { interleave } from './interleave.js';
import type { BenchPlan } from './options.js';
import { otlpComparison, otlpFigureSpec } from './otlp-legs.js';

/** OTLP/HTTP trace ingest against serve's NDJSON batches of the same events (bench/otlp-legs.ts). */
export async function measureOtlpFigures(plan: BenchPlan, dir: string): Promise<Figure[]> {
  const logsDir = path.join(dir, 'otlp-logs');
  fs.mkdirSync(logsDir, { recursive: true });
  // Longer legs than the other figures: one leg must hold several exports of 512 spans.
  const legMs = plan.legMs * 4;
  await interleave(1, [otlpComparison(logsDir)(plan.warmupMs * 2)], () => process.stderr.write('otlp warm-up done\n'));
  const legs = await interleave(plan.rounds, [otlpComparison(logsDir)(legMs)], (round) =>
    process.stderr.write(`otlp round ${round}/${plan.rounds} done\n`),
  );
  fs.rmSync(logsDir, { recursive: true, force: true });
  const spec = otlpFigureSpec();
  return [buildFigure({ ...spec, note: `${spec.note}; legs of ${legMs} ms` }, legs.get(spec.name)!, 0)];
}
