import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBenchDir, removeBenchDir } from './bench-dir.js';
import type { Figure } from './build-figure.js';
import { planFromArgs, type BenchPlan } from './options.js';

/**
 * The body of a `node dist/bench/<leg>-run.js [--quick]` script: one leg's figures, with the plan of
 * `npm run bench` (or its quick plan), printed as JSON lines with every round's ratio. Writes no
 * results file: for measuring one leg while working on it.
 */
export async function printFiguresOf(measure: (plan: BenchPlan, dir: string) => Promise<readonly Figure[]>): Promise<void> {
  const plan = planFromArgs(process.argv.slice(2));
  const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const dir = makeBenchDir(projectRoot);
  try {
    for (const figure of await measure(plan, dir)) {
      process.stdout.write(
        `${JSON.stringify({
          name: figure.name,
          value: Math.round(figure.value),
          baseline: Math.round(figure.baseline.value),
          ratio: Number(figure.ratio.toFixed(3)),
          pass: figure.pass,
          roundRatios: figure.rounds.ratios.map((ratio) => Number(ratio.toFixed(3))),
          ...(figure.note === undefined ? {} : { note: figure.note }),
        })}\n`,
      );
    }
  } finally {
    removeBenchDir(dir);
  }
}
