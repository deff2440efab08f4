/**
 * `npm run bench:live [-- --runs 1000,10000,100000] [--pattern lockstep,staggered] [--rounds 2]`: the live workload
 * (bench/live-figures.ts) on histories of these sizes (100 events a run), generated once and cached
 * under `.bench-tmp/live-cache/`, with the supervisors' issues finishing in lockstep and staggered.
 * Results: bench/results.live.json and a summary on stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatLiveFigures, LIVE_WORKLOAD, measureLiveFigures, pooledP99Ratio, type LiveFigures } from './live-figures.js';
import type { LivePattern } from './live-supervisor.js';
import { machineInfo } from './machine-info.js';
import { fileSystemOf } from './bench-dir.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000,10000,100000' },
    pattern: { type: 'string', default: 'lockstep,staggered' },
    rounds: { type: 'string', default: String(LIVE_WORKLOAD.rounds) },
  },
});
const sizes = values.runs.split(',').map(Number);
if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1))
  throw new Error(`--runs takes run counts separated by commas, not ${values.runs}`);
const rounds = Number(values.rounds);
if (!Number.isSafeInteger(rounds) || rounds < 1)
  throw new Error(`--rounds takes a whole number of legs of each kind, at least 1, not ${values.rounds}`);
const patterns = values.pattern.split(',') as LivePattern[];
if (patterns.some((p) => p !== 'lockstep' && p !== 'staggered'))
  throw new Error(`--pattern takes lockstep, staggered or both separated by a comma, not ${values.pattern}`);

const benchSourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench');
const cacheDir = path.join(path.dirname(benchSourceDir), '.bench-tmp', 'live-cache');
fs.mkdirSync(cacheDir, { recursive: true });
const figures: LiveFigures[] = [];
for (const pattern of patterns)
  for (const runs of sizes)
    figures.push(await measureLiveFigures(cacheDir, { runs, events: runs * 100, seed: 3 }, { ...LIVE_WORKLOAD, pattern, rounds }));
const resultsFile = path.join(benchSourceDir, 'results.live.json');
const pooled = pooledP99Ratio(figures);
const pooledStart = pooledP99Ratio(figures, 'startIssueMs');
fs.writeFileSync(
  resultsFile,
  `${JSON.stringify({ figures, pooledP99Ratio: pooled, pooledStartIssueP99Ratio: pooledStart, machine: machineInfo(cacheDir, fileSystemOf(cacheDir)) }, null, 2)}\n`,
);
process.stdout.write(
  `${formatLiveFigures(figures)}\n` +
    `finalizeIssue p99 pooled over these ${figures.length} measurements: on ${pooled.on.toFixed(1)} ms, off ${pooled.off.toFixed(1)} ms, ` +
    `ratio ${pooled.ratio.toFixed(2)} (95% bootstrap interval ${pooled.low.toFixed(2)}–${pooled.high.toFixed(2)})\n` +
    `the next startIssue's p99, pooled: on ${pooledStart.on.toFixed(1)} ms, off ${pooledStart.off.toFixed(1)} ms, ` +
    `ratio ${pooledStart.ratio.toFixed(2)} (95% bootstrap interval ${pooledStart.low.toFixed(2)}–${pooledStart.high.toFixed(2)})\n` +
    `written to ${path.relative(path.dirname(benchSourceDir), resultsFile)}\n`,
);
