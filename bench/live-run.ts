/**
 * `npm run bench:live [-- --runs 1000,10000,100000]`: the live workload (bench/live-figures.ts) on
 * histories of these sizes (100 events a run), generated once and cached under `.bench-tmp/live-cache/`.
 * Results: bench/results.live.json and a summary on stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatLiveFigures, measureLiveFigures, type LiveFigures } from './live-figures.js';
import { machineInfo } from './machine-info.js';
import { fileSystemOf } from './bench-dir.js';

const args = process.argv.slice(2);
const runsArg = args[0] === '--runs' && args[1] ? args[1] : args.length === 0 ? '1000,10000' : null;
if (runsArg === null || args.length > 2) throw new Error(`usage: live-run.js [--runs 1000,10000,100000] (got ${args.join(' ')})`);
const sizes = runsArg.split(',').map(Number);
if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error(`--runs takes run counts separated by commas, not ${runsArg}`);

const benchSourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench');
const cacheDir = path.join(path.dirname(benchSourceDir), '.bench-tmp', 'live-cache');
fs.mkdirSync(cacheDir, { recursive: true });
const figures: LiveFigures[] = [];
for (const runs of sizes) figures.push(await measureLiveFigures(cacheDir, { runs, events: runs * 100, seed: 3 }));
const resultsFile = path.join(benchSourceDir, 'results.live.json');
fs.writeFileSync(resultsFile, `${JSON.stringify({ figures, machine: machineInfo(cacheDir, fileSystemOf(cacheDir)) }, null, 2)}\n`);
process.stdout.write(`${formatLiveFigures(figures)}\nwritten to ${path.relative(path.dirname(benchSourceDir), resultsFile)}\n`);
