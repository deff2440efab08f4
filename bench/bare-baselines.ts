import fs from 'node:fs';
import path from 'node:path';
import type { LegResult } from './leg.js';
import { elapsedMs } from './stats.js';

let fileCounter = 0;

interface BareFile {
  readonly fd: number;
  remove(): void;
}

/** A new file in `dir`, created as the journal creates its own (exclusively). */
function createBareFile(dir: string): BareFile {
  const file = path.join(dir, `bare-${(fileCounter += 1)}.ndjson`);
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
  return {
    fd,
    remove: () => {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
    },
  };
}

/** Baseline 1: one line per `writeSync + fdatasyncSync`, appended at explicit positions like the journal. */
export function syncFsyncLoop(dir: string, line: Buffer, legMs: number): LegResult {
  const { fd, remove } = createBareFile(dir);
  try {
    let lines = 0;
    let position = 0;
    const start = performance.now();
    while (elapsedMs(start) < legMs) {
      fs.writeSync(fd, line, 0, line.length, position);
      fs.fdatasyncSync(fd);
      position += line.length;
      lines += 1;
    }
    return { lines, ms: elapsedMs(start) };
  } finally {
    remove();
  }
}

const write = (fd: number, buffer: Buffer, position: number): Promise<number> =>
  new Promise((resolve, reject) => fs.write(fd, buffer, 0, buffer.length, position, (err, n) => (err ? reject(err) : resolve(n))));
const fdatasync = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));

/**
 * Baseline 2: `linesPerBatch` lines in one async `fs.write`, then one async `fs.fdatasync`, in a
 * loop: group commit's disk work with no journal work around it. (The journal itself writes a
 * batch with writeSync and fdatasyncs it asynchronously; either write is a page-cache copy.)
 */
export async function batchFsyncLoop(dir: string, line: Buffer, linesPerBatch: number, legMs: number): Promise<LegResult> {
  const batch = Buffer.concat(Array.from({ length: linesPerBatch }, () => line));
  const { fd, remove } = createBareFile(dir);
  try {
    let lines = 0;
    let position = 0;
    const start = performance.now();
    while (elapsedMs(start) < legMs) {
      for (let written = 0; written < batch.length;) {
        written += await write(fd, written === 0 ? batch : batch.subarray(written), position + written);
      }
      await fdatasync(fd);
      position += batch.length;
      lines += linesPerBatch;
    }
    return { lines, ms: elapsedMs(start) };
  } finally {
    remove();
  }
}

/** Baseline for the CPU figure: one `writeSync` per line and no fsync, the floor any journal pays. */
export function writeOnlyLoop(dir: string, line: Buffer, legMs: number): LegResult {
  const { fd, remove } = createBareFile(dir);
  try {
    let lines = 0;
    let position = 0;
    const start = performance.now();
    while (elapsedMs(start) < legMs) {
      fs.writeSync(fd, line, 0, line.length, position);
      position += line.length;
      lines += 1;
    }
    return { lines, ms: elapsedMs(start) };
  } finally {
    remove();
  }
}
