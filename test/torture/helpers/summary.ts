import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ROOT } from '../../helpers/child.js';
import { LONG, MODE } from './mode.js';

/**
 * The figures of one torture run, for README "Guarantees". Each test file is one part and runs in
 * its own vitest worker process, so each part is staged in a folder shared by the workers of this
 * vitest run (keyed by the vitest main process: its pid and start time). When the last part
 * arrives, the whole summary is printed and, in long mode, written to test/torture/last-long-run.json.
 */
const PARTS = ['killLoop', 'powerLoss', 'corruption', 'faults', 'locks', 'hostileInput'] as const;
export type PartName = (typeof PARTS)[number];
export type Figures = Record<string, number | string | boolean | Record<string, number> | null>;

const SUMMARY_FILE = path.join(ROOT, 'test/torture/last-long-run.json');

interface StagedPart {
  readonly part: PartName;
  readonly mode: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly tests: { readonly passed: number; readonly failed: number };
  readonly seed: number | null;
  readonly figures: Figures;
}

function processStartTicks(pid: number): string {
  try {
    // Field 22 of /proc/<pid>/stat: start time in clock ticks since boot (after the parenthesised name).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '0';
  } catch {
    return '0';
  }
}

function stagingDir(): string {
  return path.join(os.tmpdir(), `runledger-torture-${MODE}-${process.ppid}-${processStartTicks(process.ppid)}`);
}

/** Staging folders of earlier vitest runs that ran only some of the parts: their vitest process is gone. */
function removeAbandonedStaging(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const m = /^runledger-torture-(?:short|long)-(\d+)-(\d+)$/.exec(name);
    if (!m) continue;
    if (fs.existsSync(`/proc/${m[1]}`) && processStartTicks(Number(m[1])) === m[2]) continue;
    fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

/**
 * Registers the part of this test file: counts its passed and failed tests and, after the last
 * one, stages `figures()` (read at that moment, so counters filled by the tests are included).
 */
export function torturePart(part: PartName, figures: () => Figures, seed: number | null = null): void {
  let startedAt = Date.now();
  const tests = { passed: 0, failed: 0 };
  beforeAll(() => {
    startedAt = Date.now();
  });
  afterEach(({ task }) => {
    if (task.result?.state === 'fail') tests.failed += 1;
    else tests.passed += 1;
  });
  afterAll(() => {
    const staged: StagedPart = { part, mode: MODE, startedAt, finishedAt: Date.now(), tests, seed, figures: figures() };
    removeAbandonedStaging();
    const dir = stagingDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${part}.json`), `${JSON.stringify(staged)}\n`);
    process.stdout.write(
      `\n[torture ${MODE}] ${part}: ${JSON.stringify(staged.figures)} (${((staged.finishedAt - startedAt) / 1000).toFixed(1)} s, ${tests.passed} passed, ${tests.failed} failed${seed === null ? '' : `, seed ${seed}`})\n`,
    );
    const present = PARTS.filter((p) => fs.existsSync(path.join(dir, `${p}.json`)));
    if (present.length < PARTS.length) return;
    const parts = present.map((p) => JSON.parse(fs.readFileSync(path.join(dir, `${p}.json`), 'utf8')) as StagedPart);
    const summary = composeSummary(parts);
    const text = `${JSON.stringify(summary, null, 2)}\n`;
    process.stdout.write(`\n[torture ${MODE}] summary of the whole torture run:\n${text}`);
    if (LONG) {
      fs.writeFileSync(SUMMARY_FILE, text);
      process.stdout.write(`[torture long] written to ${path.relative(ROOT, SUMMARY_FILE)}\n`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

const num = (figures: Figures, key: string): number => (typeof figures[key] === 'number' ? figures[key] : 0);

function composeSummary(parts: StagedPart[]): Record<string, unknown> {
  const by = Object.fromEntries(parts.map((p) => [p.part, p])) as Record<PartName, StagedPart>;
  const startedAt = Math.min(...parts.map((p) => p.startedAt));
  const finishedAt = Math.max(...parts.map((p) => p.finishedAt));
  const f = (part: PartName): Figures => by[part].figures;
  return {
    mode: MODE,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationS: Math.round((finishedAt - startedAt) / 100) / 10,
    machine: { node: process.version, platform: `${process.platform} ${os.release()}`, cpus: os.availableParallelism() },
    tests: {
      passed: parts.reduce((n, p) => n + p.tests.passed, 0),
      failed: parts.reduce((n, p) => n + p.tests.failed, 0),
    },
    guarantees: {
      killsSurvived: num(f('killLoop'), 'kills'),
      acknowledgedEventsChecked:
        num(f('killLoop'), 'acknowledgedEvents') +
        num(f('faults'), 'acknowledgedEventsChecked') +
        num(f('locks'), 'acknowledgedEventsChecked'),
      eventsLost: num(f('killLoop'), 'eventsLost') + num(f('faults'), 'eventsLost') + num(f('locks'), 'eventsLost'),
      eventsLostByPart: {
        killLoop: num(f('killLoop'), 'eventsLost'),
        faults: num(f('faults'), 'eventsLost'),
        locks: num(f('locks'), 'eventsLost'),
      },
      prefixesAndTailsTried: num(f('powerLoss'), 'prefixesTried') + num(f('powerLoss'), 'tailsTried'),
      corruptionsTried: num(f('corruption'), 'tried'),
      corruptionsDetected: num(f('corruption'), 'detected'),
      faultsInjected: num(f('faults'), 'injected'),
      badInputsTried: num(f('hostileInput'), 'tried'),
      badInputsAccepted: num(f('hostileInput'), 'accepted'),
      badInputsRefused: num(f('hostileInput'), 'refused'),
      lockRaces: num(f('locks'), 'races'),
    },
    parts: Object.fromEntries(
      PARTS.map((p) => [
        p,
        { ...by[p].figures, durationS: Math.round((by[p].finishedAt - by[p].startedAt) / 100) / 10, seed: by[p].seed, tests: by[p].tests },
      ]),
    ),
  };
}
