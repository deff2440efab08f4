import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MetricsCollector } from '../src/index.js';
import { buildFigure, type Figure, type FigureSpec } from './build-figure.js';
import { interleave, type Comparison } from './interleave.js';
import type { CollectorLegResult, LegResult } from './leg.js';
import type { BenchPlan } from './options.js';
import { PEAK_RSS_EXPRESSION } from './peak-rss.js';

const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERIFY_CHILD = path.join(distDir, 'bench', 'verify-child.js');
const RUN_ID = 'garbage-tail';
const MiB = 2 ** 20;

/** The issue's case: a garbage tail of 300 MB with no newline in it, read by `runledger verify`. */
export const GARBAGE_TAIL_BYTES = 300 * 1_000_000;

/** A run of 20 issues, then GARBAGE_TAIL_BYTES of pseudo-random bytes without a newline: one unterminated line. */
async function journalWithGarbageTail(dir: string): Promise<{ logsDir: string; journal: string }> {
  const logsDir = path.join(dir, 'verify-logs');
  const c = await MetricsCollector.start({
    dir: logsDir,
    runId: RUN_ID,
    projectId: 'bench',
    config: { llm: { model: 'deepseek-chat' } },
    handleSignals: false,
    liveUpdates: false,
    prices: null,
  });
  for (let i = 1; i <= 20; i += 1) {
    c.startIssue(i);
    c.finalizeIssue(i, 'completed');
  }
  c.finalizeRun('completed');
  const block = Buffer.alloc(MiB);
  let x = 0x2545f491;
  for (let i = 0; i < block.length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const byte = x & 0xff;
    block[i] = byte === 0x0a ? 0x20 : byte;
  }
  const fd = fs.openSync(c.journalPath, 'a');
  try {
    for (let left = GARBAGE_TAIL_BYTES; left > 0; left -= block.length) fs.writeSync(fd, block, 0, Math.min(left, block.length));
  } finally {
    fs.closeSync(fd);
  }
  return { logsDir, journal: c.journalPath };
}

/** `runledger verify` on the folder, in its own process; it must find the torn tail and exit 0. */
function verifyLeg(logsDir: string, resultFile: string): CollectorLegResult {
  const result = spawnSync(process.execPath, [VERIFY_CHILD, resultFile, logsDir], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`verify ended with ${result.signal ?? `code ${result.status}`}: ${result.stderr}`);
  if (!result.stdout.includes('torn')) throw new Error(`verify did not report the torn tail: ${result.stdout}`);
  const { ms, peakRssBytes } = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { ms: number; peakRssBytes: number };
  return { lines: 1, ms, peakRssBytes, lineBytes: 0 };
}

/** The same file read in 1 MiB chunks and nothing else, in its own process: what reading the bytes costs. */
function bareReadLeg(journal: string): LegResult {
  const script = `const fs=require('fs');const t=performance.now();const fd=fs.openSync(${JSON.stringify(journal)},'r');const b=Buffer.allocUnsafe(${MiB});let p=0,n;while((n=fs.readSync(fd,b,0,b.length,p))>0)p+=n;process.stdout.write(JSON.stringify({ms:performance.now()-t,peakRssBytes:${PEAK_RSS_EXPRESSION}}))`;
  const result = spawnSync(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the bare read failed: ${result.stderr}`);
  const { ms, peakRssBytes } = JSON.parse(result.stdout) as { ms: number; peakRssBytes: number };
  return { lines: 1, ms, peakRssBytes };
}

/**
 * Reading a hostile journal is linear and bounded (issue 21): `runledger verify` on a journal whose
 * tail is 300 MB of garbage without a newline, its time and its peak RSS, against a bare read of the
 * same file in 1 MiB chunks. The targets are absolute: under 5 s and under 150 MB.
 */
export async function measureVerifyFigures(plan: BenchPlan, dir: string): Promise<Figure[]> {
  process.stderr.write('verify: writing a journal with a 300 MB garbage tail ...\n');
  const { logsDir, journal } = await journalWithGarbageTail(dir);
  const resultFile = path.join(dir, 'verify-result.json');
  const note = `runledger verify (the CLI's main in a child process) on a finished run of 42 events followed by ${GARBAGE_TAIL_BYTES / 1_000_000} MB without a newline; VmHWM of /proc/self/status`;
  const baselineName = 'node reading the same file in 1 MiB chunks (same rounds)';
  const specs: FigureSpec[] = [
    {
      name: 'verify: 300 MB garbage tail, time',
      baselineName,
      unit: 'ms',
      target: { of: 'value', comparison: '<', threshold: 5000 },
      note,
    },
    {
      name: 'verify: 300 MB garbage tail, peak RSS',
      baselineName,
      unit: 'MB',
      target: { of: 'value', comparison: '<', threshold: 150 },
      note,
    },
  ];
  const comparisons: Comparison[] = [
    { name: 'verify', baseline: () => bareReadLeg(journal), collector: async () => verifyLeg(logsDir, resultFile) },
  ];
  try {
    const legs = await interleave(plan.historyRounds, comparisons, (round) =>
      process.stderr.write(`verify round ${round}/${plan.historyRounds} done\n`),
    );
    return specs.map((spec) => buildFigure(spec, legs.get('verify')!, 0));
  } finally {
    fs.rmSync(logsDir, { recursive: true, force: true });
    fs.rmSync(resultFile, { force: true });
  }
}
