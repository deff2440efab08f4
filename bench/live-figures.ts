import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { replay } from '../replay/index.js';
import { assembleDueTables } from '../replay/live-runs.js';
import { writtenBytes } from './written-bytes.js';
import { cpuTicks, stealShare } from './cpu-steal.js';
import { generateHistory } from './generate-history.js';
import type { HistorySpec } from './history-runs.js';
import type { LivePattern, LiveSupervisorResult, LiveSupervisorTask } from './live-supervisor.js';
import { elapsedMs, percentile } from './stats.js';
import { mulberry32 } from '../src/entries/analysis.js';

/** The live workload: this many supervisors in parallel, each finishing `issues` issues, one every `everyMs`. */
export interface LiveWorkload {
  readonly supervisors: number;
  readonly issues: number;
  readonly everyMs: number;
  /** How the supervisors' issue finishes fall in time (live-supervisor.ts); default 'lockstep'. */
  readonly pattern?: LivePattern;
  /**
   * Legs of each kind (live updates off, on), alternated off-on, on-off, ... so that a machine whose
   * load drifts weighs on both alike; their latencies are pooled. Default 1.
   */
  readonly rounds?: number;
}

/** 60 s a leg (two periods of the default liveTablesEveryMs, 30 s), two legs of each kind. */
export const LIVE_WORKLOAD: LiveWorkload = { supervisors: 8, issues: 24, everyMs: 2500, rounds: 2 };

/** The legs of the workload with live updates on, or off: what their supervisors reported, summed or pooled. */
export interface LiveLeg {
  readonly live: boolean;
  /** How many legs were pooled. */
  readonly legs: number;
  readonly wallMs: number;
  readonly finishedIssues: number;
  readonly cpuMs: number;
  readonly derivedBytes: number;
  readonly finalizeIssueP50Ms: number;
  readonly finalizeIssueP99Ms: number;
  /** Every finalizeIssue latency of the leg (ms, to the µs): for a p99 pooled over several legs (pooledP99Ratio). */
  readonly finalizeIssueMs: readonly number[];
  /** The next issue's `startIssue`, made as soon as `finalizeIssue` returned: what waits for the live update if it runs on the supervisor's own thread. */
  readonly startIssueP50Ms: number;
  readonly startIssueP99Ms: number;
  readonly startIssueMs: readonly number[];
  /** Live updates on: the table assembly after the supervisors ended, which did what their live updates left (counted in cpuMs and derivedBytes). */
  readonly catchUp?: { readonly cpuMs: number; readonly derivedBytes: number };
  /** The share of the machine's CPU time the hypervisor stole during the leg (pooled: the legs' mean, by wall time); null off Linux. */
  readonly stealShare?: number | null;
}

/** The live figures at one history size: per finished issue, and the live path's share of one core. */
export interface LiveFigures {
  readonly runs: number;
  readonly events: number;
  readonly generationSeconds: number | null;
  readonly workload: LiveWorkload;
  readonly off: LiveLeg;
  readonly on: LiveLeg;
  /** Bytes written to derived files per finished issue (live on). */
  readonly derivedBytesPerIssue: number;
  /** CPU the live path adds per finished issue: (CPU with live updates − CPU without) / finished issues. */
  readonly liveCpuMsPerIssue: number;
  /** The same extra CPU over the live leg's wall time: the share of one core the live path takes. */
  readonly liveCpuShareOfOneCore: number;
  /** finalizeIssue's p99 with live updates on / off. */
  readonly p99Ratio: number;
  /** The same for the startIssue right after it. */
  readonly startIssueP99Ratio: number;
}

const supervisorScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'live-supervisor.js');
const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

function runSupervisor(task: LiveSupervisorTask): Promise<LiveSupervisorResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [supervisorScript, JSON.stringify(task)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`live supervisor ${task.runId} ended with ${signal ?? `code ${code}`}`));
      resolve(JSON.parse(out) as LiveSupervisorResult);
    });
  });
}

async function liveLeg(logsDir: string, workload: LiveWorkload, live: boolean, leg: number, liveTablesEveryMs?: number): Promise<LiveLeg> {
  const ticksBefore = cpuTicks();
  const start = performance.now();
  const results = await Promise.all(
    Array.from({ length: workload.supervisors }, (_, i) =>
      runSupervisor({
        dir: logsDir,
        runId: `live_${live ? 'on' : 'off'}_${leg}_${i}`,
        issues: workload.issues,
        everyMs: workload.everyMs,
        live,
        pattern: workload.pattern ?? 'lockstep',
        index: i,
        supervisors: workload.supervisors,
        ...(liveTablesEveryMs === undefined ? {} : { liveTablesEveryMs }),
      }),
    ),
  );
  const wallMs = elapsedMs(start);
  const steal = stealShare(ticksBefore, cpuTicks());
  // What the supervisors' live updates left (tables assembled at most every liveTablesEveryMs) is part of the live path's cost.
  const catchUp = live ? await measuredCatchUp(logsDir) : null;
  return legOf(
    live,
    1,
    wallMs,
    results.reduce((sum, r) => sum + r.cpuMs, 0) + (catchUp?.cpuMs ?? 0),
    results.reduce((sum, r) => sum + r.derivedBytes, 0) + (catchUp?.derivedBytes ?? 0),
    results.flatMap((r) => r.finalizeIssueMs),
    results.flatMap((r) => r.startIssueMs),
    catchUp,
    steal,
  );
}

function legOf(
  live: boolean,
  legs: number,
  wallMs: number,
  cpuMs: number,
  derivedBytes: number,
  finalizeIssueMs: readonly number[],
  startIssueMs: readonly number[],
  catchUp: LiveLeg['catchUp'] | null,
  steal: number | null,
): LiveLeg {
  const toMicroseconds = (ms: number): number => Math.round(ms * 1000) / 1000;
  return {
    live,
    legs,
    wallMs,
    finishedIssues: finalizeIssueMs.length,
    cpuMs,
    derivedBytes,
    finalizeIssueP50Ms: percentile(finalizeIssueMs, 50),
    finalizeIssueP99Ms: percentile(finalizeIssueMs, 99),
    finalizeIssueMs: finalizeIssueMs.map(toMicroseconds),
    startIssueP50Ms: percentile(startIssueMs, 50),
    startIssueP99Ms: percentile(startIssueMs, 99),
    startIssueMs: startIssueMs.map(toMicroseconds),
    ...(catchUp ? { catchUp } : {}),
    stealShare: steal,
  };
}

/** Legs of one kind as one: sums, and latencies pooled. */
function pooledLegs(legs: readonly LiveLeg[]): LiveLeg {
  const sum = (of: (leg: LiveLeg) => number): number => legs.reduce((total, leg) => total + of(leg), 0);
  const catchUps = legs.flatMap((leg) => (leg.catchUp ? [leg.catchUp] : []));
  return legOf(
    legs[0]!.live,
    legs.length,
    sum((leg) => leg.wallMs),
    sum((leg) => leg.cpuMs),
    sum((leg) => leg.derivedBytes),
    legs.flatMap((leg) => leg.finalizeIssueMs),
    legs.flatMap((leg) => leg.startIssueMs),
    catchUps.length === 0
      ? null
      : { cpuMs: catchUps.reduce((t, c) => t + c.cpuMs, 0), derivedBytes: catchUps.reduce((t, c) => t + c.derivedBytes, 0) },
    legs.some((leg) => leg.stealShare == null) ? null : sum((leg) => leg.stealShare! * leg.wallMs) / sum((leg) => leg.wallMs),
  );
}

/**
 * The table assembly the supervisors' timers would have made next (assembleDueTables, due at once), in
 * this process: its CPU time and the bytes it wrote. A process that ends leaves it to the next update.
 */
async function measuredCatchUp(logsDir: string): Promise<{ cpuMs: number; derivedBytes: number }> {
  const cpuBefore = process.cpuUsage();
  const writtenBefore = writtenBytes();
  await assembleDueTables(logsDir, 0);
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuMs: (cpu.user + cpu.system) / 1000, derivedBytes: writtenBytes() - writtenBefore };
}

/** Removes the live legs' runs of an earlier measurement, so a cached history is back to its generated runs. */
function removeLiveRuns(logsDir: string): void {
  const runsDir = path.join(logsDir, 'runs');
  for (const name of fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []) {
    if (name.startsWith('live_')) fs.rmSync(path.join(runsDir, name), { recursive: true, force: true });
  }
}

/**
 * A history of `spec`, generated once into `cacheDir` and kept there for the next measurement (100,000
 * runs take many minutes to generate), with its derived files brought up to date (untimed).
 */
export async function cachedHistory(cacheDir: string, spec: HistorySpec): Promise<{ logsDir: string; generationSeconds: number | null }> {
  const root = path.join(cacheDir, `live-${spec.runs}-${spec.events}-${spec.seed}`);
  const logsDir = path.join(root, 'logs');
  const done = path.join(root, 'generated.json');
  let generationSeconds: number | null;
  if (fs.existsSync(done)) {
    removeLiveRuns(logsDir);
    generationSeconds = (JSON.parse(fs.readFileSync(done, 'utf8')) as { seconds: number }).seconds;
  } else {
    fs.rmSync(root, { recursive: true, force: true });
    log(`generating ${spec.runs.toLocaleString('en-US')} runs, ~${spec.events.toLocaleString('en-US')} events into ${root} ...`);
    const history = await generateHistory(logsDir, spec);
    generationSeconds = history.seconds;
    fs.writeFileSync(done, `${JSON.stringify({ seconds: history.seconds, events: history.events })}\n`);
    log(`  generated in ${history.seconds.toFixed(1)} s`);
  }
  const start = performance.now();
  await replay({ dir: logsDir });
  log(`  derived files brought up to date in ${(elapsedMs(start) / 1000).toFixed(1)} s`);
  return { logsDir, generationSeconds };
}

/**
 * The live workload on one history, with live updates off (the supervisors' own cost) and on, in
 * `rounds` legs of each, alternated (off, on, then on, off, ...); the difference is the live path.
 * Before each leg the derived files are brought up to date and the file system's dirty pages written
 * out (`sync`, untimed), so that no leg pays for the writes of the one before.
 */
export async function measureLiveFigures(
  cacheDir: string,
  spec: HistorySpec,
  workload: LiveWorkload = LIVE_WORKLOAD,
  liveTablesEveryMs?: number,
): Promise<LiveFigures> {
  const { logsDir, generationSeconds } = await cachedHistory(cacheDir, spec);
  const legs: LiveLeg[] = [];
  for (let round = 0; round < (workload.rounds ?? 1); round += 1) {
    for (const live of round % 2 === 0 ? [false, true] : [true, false]) {
      log(`live workload on ${spec.runs.toLocaleString('en-US')} runs, round ${round + 1}: live updates ${live ? 'on' : 'off'} ...`);
      await replay({ dir: logsDir });
      execFileSync('sync');
      legs.push(await liveLeg(logsDir, workload, live, round, liveTablesEveryMs));
    }
  }
  removeLiveRuns(logsDir);
  const off = pooledLegs(legs.filter((leg) => !leg.live));
  const on = pooledLegs(legs.filter((leg) => leg.live));
  const extraCpu = Math.max(0, on.cpuMs - off.cpuMs);
  return {
    runs: spec.runs,
    events: spec.events,
    generationSeconds,
    workload,
    off,
    on,
    derivedBytesPerIssue: on.derivedBytes / on.finishedIssues,
    liveCpuMsPerIssue: extraCpu / on.finishedIssues,
    liveCpuShareOfOneCore: extraCpu / on.wallMs,
    p99Ratio: on.finalizeIssueP99Ms / off.finalizeIssueP99Ms,
    startIssueP99Ratio: on.startIssueP99Ms / off.startIssueP99Ms,
  };
}

const ratioWithInterval = (r: { ratio: number; low: number; high: number }): string =>
  `${r.ratio.toFixed(2)}, 95% interval ${r.low.toFixed(2)}–${r.high.toFixed(2)}`;

export function formatLiveFigures(all: readonly LiveFigures[]): string {
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
  return all
    .map(
      (f) =>
        `live workload, ${f.runs.toLocaleString('en-US')} runs (${f.workload.supervisors} supervisors ${f.workload.pattern ?? 'lockstep'}, an issue every ${f.workload.everyMs} ms each, ${f.on.finishedIssues} issues in ${f.on.legs ?? 1} leg(s) of each kind): ` +
        `derived files ${kb(f.derivedBytesPerIssue)}/issue; live-path CPU ${f.liveCpuMsPerIssue.toFixed(1)} ms/issue = ${(f.liveCpuShareOfOneCore * 100).toFixed(1)}% of one core; ` +
        `finalizeIssue p50/p99 on ${f.on.finalizeIssueP50Ms.toFixed(1)}/${f.on.finalizeIssueP99Ms.toFixed(1)} ms, off ${f.off.finalizeIssueP50Ms.toFixed(1)}/${f.off.finalizeIssueP99Ms.toFixed(1)} ms (p99 ratio ${ratioWithInterval(pooledP99Ratio([f]))})` +
        // Results written before the next startIssue was timed have none.
        (f.on.startIssueMs === undefined
          ? ''
          : `; the next startIssue on ${f.on.startIssueP50Ms.toFixed(1)}/${f.on.startIssueP99Ms.toFixed(1)} ms, off ${f.off.startIssueP50Ms.toFixed(1)}/${f.off.startIssueP99Ms.toFixed(1)} ms (p99 ratio ${ratioWithInterval(pooledP99Ratio([f], 'startIssueMs'))})`) +
        // Results written before steal was read have none.
        (f.on.stealShare == null || f.off.stealShare == null
          ? ''
          : `; CPU stolen by the host on ${(f.on.stealShare * 100).toFixed(1)}%, off ${(f.off.stealShare * 100).toFixed(1)}%`),
    )
    .join('\n');
}

/**
 * p99 with live updates on ÷ off over the latencies (finalizeIssue's, or the next startIssue's) of
 * several measurements pooled (the p99 of one leg of 192 issues is its second largest latency, and
 * moves by several times from leg to leg of the same code here), with a 95% percentile-bootstrap
 * interval (2,000 resamples of each pool, seeded).
 */
export function pooledP99Ratio(
  figures: readonly LiveFigures[],
  latencies: 'finalizeIssueMs' | 'startIssueMs' = 'finalizeIssueMs',
): { ratio: number; low: number; high: number; on: number; off: number } {
  const on = figures.flatMap((f) => f.on[latencies] ?? []);
  const off = figures.flatMap((f) => f.off[latencies] ?? []);
  const random = mulberry32(20);
  const resample = (values: readonly number[]): number[] => values.map(() => values[Math.floor(random() * values.length)]!);
  const ratios = Array.from({ length: 2000 }, () => percentile(resample(on), 99) / percentile(resample(off), 99)).sort((a, b) => a - b);
  const [onP99, offP99] = [percentile(on, 99), percentile(off, 99)];
  return {
    ratio: onP99 / offP99,
    low: ratios[Math.floor(0.025 * ratios.length)]!,
    high: ratios[Math.ceil(0.975 * ratios.length) - 1]!,
    on: onP99,
    off: offP99,
  };
}
