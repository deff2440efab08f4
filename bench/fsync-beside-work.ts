/**
 * `node dist/bench/fsync-beside-work.js [seconds]`: how an append's `fdatasync` tail moves with other
 * work on the machine (docs/DESIGN.md §7.4). One child appends a 300-byte line and fdatasyncs it
 * every 5 ms; beside it another child does nothing, renames 6 files of 1–60 KB into place every
 * 20 ms (without and with fsync), or only computes (10 ms every 20 ms, then every 300 ms). Prints
 * the appender's p50/p90/p99/max for each. Files go to a temporary folder beside the benchmarks'.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { fsyncDirectory, nodeFileOps } from '../src/durable/file-ops.js';
import { percentile } from './stats.js';

type Neighbour = 'none' | 'rename' | 'rename+fsync' | 'compute';
const FILE_SIZES = [1_500, 1_100, 2_300, 35_000, 14_000, 60_000];

async function appender(dir: string, seconds: number): Promise<number[]> {
  const fd = fs.openSync(path.join(dir, 'journal'), 'a');
  const line = Buffer.from(`${'x'.repeat(299)}\n`);
  const latencies: number[] = [];
  for (const until = Date.now() + seconds * 1000; Date.now() < until; await sleep(5)) {
    const start = performance.now();
    fs.writeSync(fd, line);
    fs.fdatasyncSync(fd);
    latencies.push(performance.now() - start);
  }
  fs.closeSync(fd);
  return latencies;
}

async function neighbour(dir: string, kind: Neighbour, everyMs: number, seconds: number): Promise<void> {
  for (let round = 0, until = Date.now() + seconds * 1000; Date.now() < until; round += 1, await sleep(everyMs)) {
    if (kind === 'compute') {
      for (const start = performance.now(); performance.now() - start < 10;);
      continue;
    }
    for (const [i, size] of FILE_SIZES.entries()) {
      const temp = path.join(dir, `f${i}.tmp`);
      const fd = fs.openSync(temp, 'w');
      fs.writeSync(fd, Buffer.alloc(size, 97 + (round % 20)));
      if (kind === 'rename+fsync') fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(temp, path.join(dir, `f${i}`));
    }
    if (kind === 'rename+fsync') fsyncDirectory(nodeFileOps, dir);
  }
}

function child(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} ended with code ${code}`))));
  });
}

const [role, dirArg, kindArg, everyArg, secondsArg] = process.argv.slice(2);
if (role === 'appender') {
  process.stdout.write(JSON.stringify(await appender(dirArg!, Number(secondsArg))));
} else if (role === 'neighbour') {
  await neighbour(dirArg!, kindArg as Neighbour, Number(everyArg), Number(secondsArg));
} else {
  const seconds = Number(role ?? 15);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`give the seconds each case runs, a positive number, not ${role}`);
  const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.bench-tmp');
  fs.mkdirSync(benchDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(benchDir, 'fsync-beside-work-'));
  const cases: Array<[Neighbour, number]> = [
    ['none', 0],
    ['rename', 20],
    ['rename+fsync', 20],
    ['compute', 20],
    ['compute', 300],
  ];
  try {
    for (const [kind, everyMs] of cases) {
      const beside = kind === 'none' ? null : child(['neighbour', dir, kind, String(everyMs), String(seconds + 1)]);
      const latencies = JSON.parse(await child(['appender', dir, '', '', String(seconds)])) as number[];
      await beside;
      const q = (p: number): string => percentile(latencies, p).toFixed(2);
      process.stdout.write(
        `beside ${kind === 'none' ? 'nothing' : `${kind} every ${everyMs} ms`}: ${latencies.length} fdatasyncs, p50 ${q(50)} p90 ${q(90)} p99 ${q(99)} max ${q(100)} ms\n`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
