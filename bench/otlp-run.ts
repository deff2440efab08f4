/**
 * `node dist/bench/otlp-run.js [--quick]`: only the OTLP ingest figure, with the plan of
 * `npm run bench` (or its quick plan), printed as a JSON line with every round's ratio. Writes no
 * results file: for measuring OTLP ingest while working on it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBenchDir, removeBenchDir } from './bench-dir.js';
import { planFromArgs } from './options.js';
import { measureOtlpFigures } from './otlp-figures.js';

const plan = planFromArgs(process.argv.slice(2));
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = makeBenchDir(projectRoot);
try {
  for (const figure of await measureOtlpFigures(plan, dir)) {
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
