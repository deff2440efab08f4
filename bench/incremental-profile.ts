/**
 * The incremental replay after 1% more events, on one fixed history, for profiling and for before/after
 * figures: `node dist/bench/incremental-profile.js <dir> [rounds]`. The first call generates the
 * history (10,000 runs, 1M events, as `npm run bench`) into <dir>/base and replays it once; every round
 * copies that base afresh into <dir>/work, appends the same 1% as round `i` of the bench does (untimed),
 * and times one `replay` in this process. With RUNLEDGER_CPU_PROFILE=<dir>, each timed replay (and only
 * it) is CPU-profiled into <dir>/round-<i>.cpuprofile. Prints one JSON line per round and the median on stderr.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { replay } from '../replay/index.js';
import { appendToHistory, generateHistory } from './generate-history.js';
import { planFromArgs } from './options.js';
import { elapsedMs, median } from './stats.js';

const [dir, roundsArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: incremental-profile.js <dir> [rounds]');
const rounds = Number(roundsArg ?? 3);
const spec = planFromArgs([]).history;
const base = path.join(dir, 'base', 'logs');
const work = path.join(dir, 'work', 'logs');
const log = (message: string): void => void process.stderr.write(`${message}\n`);

if (!fs.existsSync(path.join(base, '.replay'))) {
  log(`generating ${spec.runs} runs, ${spec.events} events into ${base} ...`);
  const history = await generateHistory(base, spec);
  log(`  ${history.events} events in ${history.seconds.toFixed(0)} s; first replay ...`);
  const start = performance.now();
  await replay({ dir: base });
  log(`  first replay ${(elapsedMs(start) / 1000).toFixed(1)} s`);
}

async function startProfiler(): Promise<{ stop: (round: number) => Promise<void> } | null> {
  const outDir = process.env.RUNLEDGER_CPU_PROFILE;
  if (!outDir) return null;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    stop: async (round) => {
      const { profile } = await session.post('Profiler.stop');
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(path.join(outDir, `round-${round}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const times: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  fs.rmSync(path.dirname(work), { recursive: true, force: true });
  fs.mkdirSync(path.dirname(work), { recursive: true });
  execFileSync('cp', ['-a', base, work]);
  // The copy's index is of the base: a replay with nothing new first, so only the append is timed after.
  await replay({ dir: work });
  const appended = await appendToHistory(work, spec, Math.round(spec.events / 100), round);
  const profiler = await startProfiler();
  const start = performance.now();
  const report = await replay({ dir: work });
  const ms = elapsedMs(start);
  await profiler?.stop(round);
  const read = report.runs.reduce((sum, run) => sum + run.newEvents, 0);
  if (!report.ok || read !== appended) throw new Error(`round ${round}: read ${read} of ${appended} appended events, ok=${report.ok}`);
  const changed = report.runs.filter((run) => run.outcome !== 'unchanged').length;
  times.push(ms);
  process.stdout.write(`${JSON.stringify({ round, appended, changedRuns: changed, ms: Math.round(ms) })}\n`);
}
log(`median ${median(times).toFixed(0)} ms over ${rounds} rounds: ${times.map((t) => t.toFixed(0)).join(', ')}`);
