import fs from 'node:fs';
import ndjson from 'ndjson';
import type { RunEntry } from '../journal/envelope.js';
import { checkJournalEvent } from '../../events/registry.js';
import { assertRunId } from '../journal/paths.js';
import { scanJournal } from '../journal/reader.js';
import { colours } from './colour.js';
import { EXIT_FINDINGS, EXIT_USAGE } from './exit-codes.js';
import { summarizeEvent } from './event-summary.js';
import { existingJournal } from './logs-dir.js';
import { printable } from '../errors.js';
import { BOUNDS, wholeNumber } from './numbers.js';

const POLL_MS = 200;

export interface TailOptions {
  dir?: string;
  lines: string;
  follow?: boolean;
  json?: boolean;
}

/**
 * Prints a run's last events and, with --follow, every event appended after them by the writer
 * (another process), as it becomes a complete, verified line. A half-written line is waited for;
 * corruption stops the tail with exit code 1. Following ends, with exit code 0, once the run has
 * finished (its last RunFinished is not followed by a RunResumed): nothing more will be appended.
 */
export async function tailCommand(runId: string, options: TailOptions): Promise<void> {
  assertRunId(runId);
  const journal = existingJournal(options.dir, runId);
  const keep = wholeNumber('-n/--lines', options.lines, BOUNDS.lines);
  const c = colours();
  const out = options.json ? ndjson.stringify() : null;
  out?.pipe(process.stdout);
  const print = (e: RunEntry): void => {
    if (out) out.write(e);
    else process.stdout.write(`${String(e.seq).padStart(5)}  ${c.dim(e.ts)}  ${e.type.padEnd(22)} ${printable(summarizeEvent(e))}\n`);
  };

  let last: RunEntry[] = [];
  let position = { offset: 0, seq: 0, hash: '0'.repeat(64) };
  /** Whether the run's latest RunFinished is not followed by a RunResumed: nothing more will be appended. */
  let finished: string | undefined;
  const readNew = (collect: (e: RunEntry) => void): boolean => {
    const scan = scanJournal(journal, { runId, checkEvent: checkJournalEvent, from: position.offset === 0 ? undefined : position }, (e) => {
      const entry = e as RunEntry;
      if (entry.type === 'RunFinished') finished = String((entry.data as { status?: unknown }).status ?? 'finished');
      else if (entry.type === 'RunResumed') finished = undefined;
      collect(entry);
    });
    position = { offset: scan.goodEnd, seq: scan.lastSeq, hash: scan.lastHash };
    if (scan.tail.kind === 'corrupt') {
      process.stderr.write(
        `runledger: run ${runId} is corrupt at line ${scan.tail.damage.line} (byte ${scan.tail.damage.offset}): ${printable(scan.tail.damage.problem)}\n`,
      );
      process.exitCode = EXIT_FINDINGS;
      return false;
    }
    return true;
  };
  const ok = readNew((e) => {
    last.push(e);
    if (last.length > keep) last.shift();
  });
  last.forEach(print);
  last = [];
  if (!ok || !options.follow) {
    out?.end();
    return;
  }
  const noteFinished = (): void => {
    process.stderr.write(`runledger: run ${runId} has finished (${printable(finished ?? '')}); nothing more to follow\n`);
  };
  if (finished !== undefined) {
    noteFinished();
    out?.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const stop = (error?: Error): void => {
      clearInterval(timer);
      if (error === undefined) resolve();
      else reject(error);
    };
    const removed = (): void => {
      // Removed under us (cleanup, or by hand): the run is gone, so is what to follow.
      process.stderr.write(`runledger: run ${runId} was removed (${journal} is gone); stopped following\n`);
      process.exitCode = EXIT_USAGE;
      stop();
    };
    const timer = setInterval(() => {
      try {
        const stat = fs.statSync(journal, { throwIfNoEntry: false });
        if (stat === undefined) removed();
        else if (stat.size > position.offset) {
          if (!readNew(print)) stop();
          else if (finished !== undefined) {
            noteFinished();
            stop();
          }
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') removed();
        else stop(error as Error);
      }
    }, POLL_MS);
    process.once('SIGINT', () => stop());
  });
  out?.end();
}
