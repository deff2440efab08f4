/**
 * The incremental replay after 1% more events, on one fixed history, for profiling and for before/after
 * figures: `node dist/bench/incremental-profile.js <dir> [rounds] [other-dist ...]`. The first call
 * generates the history (10,000 runs, 1M events, as `npm run bench`) into <dir>/base and replays it once.
 * Every round, for this build and each other build given (a copy of another commit's dist/, in turn, the
 * order alternating from round to round so that a busy machine weighs on both alike): a fresh copy of the
 * base in <dir>/work, a replay with nothing new by that build, the same 1% appended as round `i` of the
 * bench appends (untimed), and one timed `replay` by that build in a child process (bench/replay-child.ts).
 * With RUNLEDGER_CPU_PROFILE=<dir> the timed children run under `node --cpu-prof` into that folder.
 * Prints one JSON line per replay, and the median per build on stderr.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendToHistory, generateHistory } from './generate-history.js';
import { planFromArgs } from './options.js';
import { median } from './stats.js';

const [dir, roundsArg, ...otherDists] = process.argv.slice(2);
if (!dir) throw new Error('usage: incremental-profile.js <dir> [rounds] [other-dist ...]');
const rounds = Number(roundsArg ?? 3);
const spec = planFromArgs([]).history;
const base = path.join(dir, 'base', 'logs');
const work = path.join(dir, 'work', 'logs');
const ownDist = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const builds = [ownDist, ...otherDists.map((d) => path.resolve(d))];
const log = (message: string): void => void process.stderr.write(`${message}\n`);

/** One replay by the build in `dist`, in a child process: its in-process milliseconds, its CPU milliseconds and the events it read. */
function replayBy(dist: string, logsDir: string, profileDir?: string): { ms: number; cpuMs: number; events: number } {
  const flags = profileDir ? ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${profileDir}`] : [];
  const out = execFileSync(process.execPath, [...flags, path.join(dist, 'bench', 'replay-child.js'), logsDir], { encoding: 'utf8' });
  return JSON.parse(out) as { ms: number; cpuMs: number; events: number };
}

if (!fs.existsSync(path.join(base, '.replay'))) {
  log(`generating ${spec.runs} runs, ${spec.events} events into ${base} ...`);
  const history = await generateHistory(base, spec);
  log(`  ${history.events} events in ${history.seconds.toFixed(0)} s; first replay ...`);
  log(`  first replay ${(replayBy(ownDist, base).ms / 1000).toFixed(1)} s`);
}

const times = new Map<string, number[]>(builds.map((b) => [b, []]));
const cpuTimes = new Map<string, number[]>(builds.map((b) => [b, []]));
for (let round = 0; round < rounds; round += 1) {
  const order = round % 2 === 0 ? builds : [...builds].reverse();
  for (const build of order) {
    fs.rmSync(path.dirname(work), { recursive: true, force: true });
    fs.mkdirSync(path.dirname(work), { recursive: true });
    execFileSync('cp', ['-a', base, work]);
    replayBy(build, work); // the copy's files are the base's: nothing new, so that only the append is timed after
    const appended = await appendToHistory(work, spec, Math.round(spec.events / 100), round);
    const { ms, cpuMs, events } = replayBy(build, work, process.env.RUNLEDGER_CPU_PROFILE);
    if (events !== appended) throw new Error(`round ${round}: ${build} read ${events} of ${appended} appended events`);
    times.get(build)!.push(ms);
    cpuTimes.get(build)!.push(cpuMs);
    process.stdout.write(`${JSON.stringify({ round, build, appended, ms: Math.round(ms), cpuMs: Math.round(cpuMs) })}\n`);
  }
}
for (const [build, ms] of times) {
  const cpu = cpuTimes.get(build)!;
  log(
    `${build}: median ${median(ms).toFixed(0)} ms (${ms.map((t) => t.toFixed(0)).join(', ')}), CPU ${median(cpu).toFixed(0)} ms (${cpu.map((t) => t.toFixed(0)).join(', ')}) over ${rounds} rounds`,
  );
}
