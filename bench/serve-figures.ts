import fs from 'node:fs';
import path from 'node:path';
import { buildFigure, type Figure } from './build-figure.js';
import { interleave, type ComparisonLegs } from './interleave.js';
import { linesPerSecond } from './leg.js';
import type { BenchPlan } from './options.js';
import { stopClientThread } from './serve-client-thread.js';
import { httpCeilingComparison, HTTP_CEILING_NAME, serveComparison, serveFigureSpec, type ServeMode } from './serve-legs.js';
import { median } from './stats.js';

/**
 * What the one-call-per-request figure cannot exceed, measured in the same rounds: GET /health with
 * the same clients, against the async collector's legs of those rounds.
 */
function ceilingNote(legs: ComparisonLegs): string {
  const requests = median(legs.collector.map(linesPerSecond));
  const ratio = median(legs.collector.map((leg, i) => linesPerSecond(leg) / linesPerSecond(legs.baseline[i]!)));
  return `HTTP ceiling in the same rounds (GET /health, no append, same clients): ${Math.round(requests)} requests/s, ${ratio.toFixed(3)}× the async collector (median of the rounds' ratios); one call per request cannot go faster`;
}

/** `runledger serve` against the library's async collector, with the same concurrent writers: one call per request, and one NDJSON batch per agent step. */
export async function measureServeFigures(plan: BenchPlan, dir: string): Promise<Figure[]> {
  const logsDir = path.join(dir, 'serve-logs');
  fs.mkdirSync(logsDir, { recursive: true });
  const writers = plan.concurrentWriters;
  const modes: ServeMode[] = ['calls', 'steps'];
  const comparisons = (legMs: number) => [
    ...modes.map((mode) => serveComparison(logsDir, writers, mode)(legMs)),
    httpCeilingComparison(logsDir, writers)(legMs),
  ];
  let legs: Map<string, ComparisonLegs>;
  try {
    await interleave(1, comparisons(plan.warmupMs), () => process.stderr.write('serve warm-up done\n'));
    legs = await interleave(plan.rounds, comparisons(plan.legMs), (round) =>
      process.stderr.write(`serve round ${round}/${plan.rounds} done\n`),
    );
  } finally {
    await stopClientThread();
  }
  fs.rmSync(logsDir, { recursive: true, force: true });
  const ceiling = ceilingNote(legs.get(HTTP_CEILING_NAME)!);
  return modes.map((mode) => {
    const spec = serveFigureSpec(writers, mode, mode === 'calls' ? ceiling : undefined);
    const measured = legs.get(spec.name)!;
    return buildFigure(spec, measured, Math.round((measured.baseline[0] as { lineBytes?: number }).lineBytes ?? 0));
  });
}
