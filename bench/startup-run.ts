/**
 * `node dist/bench/startup-run.js [--quick]`: only the start-up figures, with the plan of `npm run
 * bench` (or its quick plan), printed as JSON lines with every round's ratio. Writes no results
 * file: for measuring start-up while working on it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBenchDir, removeBenchDir } from './bench-dir.js';
import { planFromArgs } from './options.js';
import { measureStartupFigures } from './startup-figures.js';

const plan = planFromArgs(process.argv.slice(2));
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = makeBenchDir(projectRoot);
try {
  for (const figure of await measureStartupFigures(plan, dir)) {
    process.stdout.write(
      `${JSON.stringify({
        name: figure.name,
        ms: Math.round(figure.value),
        baselineMs: Math.round(figure.baseline.value),
        ratio: Number(figure.ratio.toFixed(2)),
        pass: figure.pass,
        roundRatios: figure.rounds.ratios.map((ratio) => Number(ratio.toFixed(2))),
      })}\n`,
    );
  }
} finally {
  removeBenchDir(dir);
}
