/**
 * `node dist/bench/verify-run.js [--quick]`: only the figures of `runledger verify` on a journal with a
 * 300 MB garbage tail (time and peak RSS), with the plan of `npm run bench` (or its quick plan),
 * printed as JSON lines with every round's value. Writes no results file.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertFreeSpace, makeBenchDir, removeBenchDir } from './bench-dir.js';
import { planFromArgs } from './options.js';
import { GARBAGE_TAIL_BYTES, measureVerifyFigures } from './verify-figures.js';

const plan = planFromArgs(process.argv.slice(2));
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = makeBenchDir(projectRoot);
try {
  assertFreeSpace(dir, 2 * GARBAGE_TAIL_BYTES);
  for (const figure of await measureVerifyFigures(plan, dir)) {
    process.stdout.write(
      `${JSON.stringify({
        name: figure.name,
        value: Math.round(figure.value),
        unit: figure.unit,
        baseline: Math.round(figure.baseline.value),
        pass: figure.pass,
        rounds: figure.rounds.values.map((value) => Math.round(value)),
      })}\n`,
    );
  }
} finally {
  removeBenchDir(dir);
}
