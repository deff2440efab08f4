/**
 * `npm start`: records 54 runs of a simulated agent supervisor across 3 models × 3 temperatures ×
 * 2 retry settings, as parallel child processes; kills one run with SIGKILL and interrupts one with
 * SIGTERM mid-way; then replays the journals and prints the comparison by model and by
 * temperature and the best configuration, writes the text and HTML reports, and ends with
 * `suggest --runs 18`: where 18 more runs would best be spent.
 *
 * Options: --seed N (default 42; the same seed records the same history; the analyses keep their
 * own default bootstrap seed, as the commands do), --dir D (default ./logs,
 * the folder every `runledger` command reads when given no --dir, so the README's examples work as
 * pasted; a folder the demo did not make is never touched).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRunLocked, runPaths } from 'runledger';
import {
  analysisReport,
  bestConfiguration,
  bestSection,
  comparisonSection,
  compareConfigurations,
  DEFAULT_BOOTSTRAP_RESAMPLES,
  DEFAULT_BOOTSTRAP_SEED,
  mulberry32,
  renderReportText,
  renderSectionsText,
  suggestRuns,
  suggestSection,
  writeHtmlReport,
} from 'runledger/analysis';
import { loadAnalysisRuns } from 'runledger/replay';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const seed = Number(option('--seed') ?? 42);
if (!Number.isInteger(seed)) throw new Error(`--seed ${option('--seed')} is not a whole number`);
const dir = path.resolve(option('--dir') ?? 'logs');
const began = performance.now();

// A fresh folder each time; only one the demo made itself is ever removed.
const MARKER = '.runledger-demo';
if (fs.existsSync(dir)) {
  if (!fs.existsSync(path.join(dir, MARKER)))
    throw new Error(
      `${dir} exists and is not a demo folder (it may hold your runs, so the demo leaves it alone); pass --dir to choose another`,
    );
  fs.rmSync(dir, { recursive: true, force: true });
}
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, MARKER), 'made by npm start; removed by the next demo run\n');

const MODELS = [
  { provider: 'openai', model: 'gpt-4o' },
  { provider: 'deepseek', model: 'deepseek-chat' },
  { provider: 'openai', model: 'gpt-4o-mini' },
];
const TEMPERATURES = [0, 0.4, 0.8];
const RETRIES = [1, 3];
const RUNS_PER_CONFIG = 3;
const ISSUES_PER_RUN = 6;
/** The shortest stale time proper-lockfile allows: the killed run shows as crashed 2 s after its death. */
const LOCK_STALE_MS = 2000;

const random = mulberry32(seed);
interface Planned {
  readonly runId: string;
  readonly config: { llm: { provider: string; model: string; temperature: number }; maxRetries: number };
  readonly seed: number;
  startAt: string;
  fate: 'normal' | 'sigkill' | 'sigterm';
}
const planned: Planned[] = [];
const firstStart = Date.parse('2026-11-02T08:00:00Z');
for (const m of MODELS) {
  for (const temperature of TEMPERATURES) {
    for (const maxRetries of RETRIES) {
      for (let n = 1; n <= RUNS_PER_CONFIG; n += 1) {
        planned.push({
          runId: `demo_${m.model}_t${temperature}_r${maxRetries}_${n}`,
          config: { llm: { ...m, temperature }, maxRetries },
          seed: Math.floor(random() * 2 ** 31),
          startAt: '',
          fate: 'normal',
        });
      }
    }
  }
}
// Runs start in a shuffled order over a week, so time is not confounded with configuration.
const order = planned.map((p) => ({ p, key: random() })).sort((a, b) => a.key - b.key);
order.forEach(({ p }, i) => (p.startAt = new Date(firstStart + i * 3 * 3_600_000).toISOString()));
order[Math.floor(order.length / 3)]!.p.fate = 'sigkill';
order[Math.floor((2 * order.length) / 3)]!.p.fate = 'sigterm';

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'simulated-supervisor.js');

/** Runs one supervisor; for the chosen two, sends the signal once the run reached its third issue. */
function runChild(run: Planned): Promise<void> {
  return new Promise((resolve, reject) => {
    const input = {
      dir,
      runId: run.runId,
      config: run.config,
      seed: run.seed,
      startAt: run.startAt,
      issues: ISSUES_PER_RUN,
      slow: run.fate !== 'normal',
      lockStaleMs: LOCK_STALE_MS,
    };
    const child = spawn(process.execPath, [childScript, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let buffer = '';
    let signalled = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      if (run.fate !== 'normal' && !signalled && buffer.includes('"issueStarted":3')) {
        signalled = true;
        child.kill(run.fate === 'sigkill' ? 'SIGKILL' : 'SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 || signal === 'SIGKILL' || signal === 'SIGTERM') resolve();
      else reject(new Error(`run ${run.runId} failed (exit ${code ?? signal}):\n${stderr}`));
    });
  });
}

const killed = planned.find((p) => p.fate === 'sigkill')!.runId;
const interrupted = planned.find((p) => p.fate === 'sigterm')!.runId;
const parallel = Math.max(2, os.cpus().length * 2);
process.stdout.write(
  `Recording ${planned.length} runs (${MODELS.length} models × ${TEMPERATURES.length} temperatures × ${RETRIES.length} retry settings × ${RUNS_PER_CONFIG}), ${parallel} at a time, seed ${seed}...\n`,
);
let next = 0;
let done = 0;
await Promise.all(
  Array.from({ length: parallel }, async () => {
    while (next < planned.length) {
      const run = planned[next++]!;
      await runChild(run);
      done += 1;
      if (process.stdout.isTTY) process.stdout.write(`\r  ${done}/${planned.length} runs recorded`);
    }
  }),
);
if (process.stdout.isTTY) process.stdout.write('\n');
process.stdout.write(`Killed ${killed} with SIGKILL and interrupted ${interrupted} with SIGTERM mid-way.\n`);
// A killed writer cannot remove its lock; the run counts as crashed once the lock is stale.
const killedPaths = runPaths(dir, killed);
while (isRunLocked(killedPaths, LOCK_STALE_MS)) await new Promise((resolve) => setTimeout(resolve, 100));
process.stdout.write('\n');

const { runs, replay } = await loadAnalysisRuns({ dir });
const status = (runId: string): string => runs.find((r) => r.runId === runId)?.status ?? 'missing';
process.stdout.write(`Replayed ${replay.runs.length} journals into ${dir}/csv and the JSON reports.\n`);
process.stdout.write(`  ${killed}: ${status(killed)} (its journal has no RunFinished and no live writer)\n`);
process.stdout.write(`  ${interrupted}: ${status(interrupted)} (RunFinished written by the signal handler)\n\n`);

// The analyses use their default bootstrap seed, as every runledger command does, so that
// `npx runledger compare` prints the same intervals as this; --seed chooses the history only.
const compare = (by: string): string => renderSectionsText([comparisonSection(compareConfigurations(runs, { by: [by] }))]);
process.stdout.write(`${compare('llm.model')}\n\n${compare('llm.temperature')}\n\n`);
process.stdout.write(`${renderSectionsText([bestSection(bestConfiguration(runs))])}\n\n`);
process.stdout.write(
  `Bootstrap: ${DEFAULT_BOOTSTRAP_RESAMPLES} resamples, seed ${DEFAULT_BOOTSTRAP_SEED} (the default of every analysis; --seed N of the commands changes it).\n\n`,
);

const report = analysisReport(runs);
fs.writeFileSync(path.join(dir, 'analysis.txt'), renderReportText(report));
const html = await writeHtmlReport({ dir, out: path.join(dir, 'report.html') });
process.stdout.write(`Full report: ${path.join(dir, 'analysis.txt')}\nHTML report: ${html} (open it in a browser)\n`);
// What to run next: the demo's own history, 18 more runs spent where they decide the question.
process.stdout.write(`\n$ runledger suggest --runs 18\n${renderSectionsText([suggestSection(suggestRuns(runs, { runs: 18 }))])}\n\n`);
const shownDir = path.relative(process.cwd(), dir).startsWith('..') ? dir : path.relative(process.cwd(), dir) || '.';
const dirOption = dir === path.resolve('logs') ? '' : ` --dir ${shownDir}`;
process.stdout.write(`Done in ${((performance.now() - began) / 1000).toFixed(1)} s. Try: npx runledger runs${dirOption}\n`);
