import fs from 'node:fs';
import { RunLockedError } from '../errors.js';
import { resolveLogsDir, runPaths } from '../journal/paths.js';
import { RunLock } from '../journal/run-lock.js';
import { readRunProgress, readShipTarget, removeRunProgress } from '../ship/ship-progress.js';
import { DerivedFilesLock } from '../../replay/derived-lock.js';
import { replayPaths } from '../../replay/replay-paths.js';
import { forgetRun, updateRuns } from '../../replay/replay.js';
import { finishTables } from '../../replay/finish-tables.js';
import type { RunIndexEntry } from '../../replay/run-index.js';

export interface CleanupOptions {
  readonly dir?: string;
  /** Remove runs whose last event is older than this. */
  readonly olderThanMs?: number;
  /** Keep the N most recently started runs, remove older ones. With olderThanMs too, a run must meet both. */
  readonly keepLast?: number;
  /** Say what would be removed, remove nothing. */
  readonly dryRun?: boolean;
  /** "Now" for olderThanMs; default the clock. */
  readonly now?: Date;
  readonly lockWaitMs?: number;
  /** Remove runs even when the folder is shipped (`runledger ship`) and they are not fully on the stream yet. */
  readonly force?: boolean;
  /**
   * Also remove crashed runs (no `RunFinished`, writer gone) and runs with a torn tail. They can be
   * resumed, so by default they are kept whatever their age.
   */
  readonly includeCrashed?: boolean;
}

export interface CleanupReport {
  readonly dir: string;
  readonly dryRun: boolean;
  /** Crashed or torn runs (only with `includeCrashed`) first, each with why it is resumable; then finished runs (`crashed: null`). */
  readonly removed: ReadonlyArray<{
    readonly runId: string;
    readonly startedAt: string | null;
    readonly lastEventAt: string | null;
    readonly crashed: string | null;
  }>;
  /**
   * Candidates left alone: a live writer holds them, their journal is corrupt (kept as evidence), they crashed or have a torn
   * tail (resumable; kept without `includeCrashed`), or they are not fully shipped.
   */
  readonly skipped: ReadonlyArray<{ readonly runId: string; readonly reason: string }>;
  readonly kept: number;
}

/**
 * Retention: removes finished runs (journal, derived files, quarantine) by age or count, never a
 * run whose writer holds a live lock, then rewrites the tables. A crashed run (no `RunFinished`) or
 * one with a torn tail can still be resumed, so it is kept unless `includeCrashed`; then it comes
 * first in the report, so that a dry run shows it at the top. Each run is removed while holding
 * its own writer lock, so no writer can resume it meanwhile. When the folder is shipped to
 * JetStream (`runledger ship` wrote `.ship/target.json`), a run is removed only once the shipper
 * has recorded its last verified line as on the stream (`.ship/runs/<runId>.json`), unless `force`.
 */
// eslint-disable-next-line complexity -- each check is a reason to keep a run (corrupt, unshipped, live writer), in the order tried
export async function cleanupRuns(options: CleanupOptions): Promise<CleanupReport> {
  if (options.olderThanMs === undefined && options.keepLast === undefined) {
    throw new RangeError('cleanupRuns needs olderThanMs or keepLast: it never removes everything by default');
  }
  const paths = replayPaths(resolveLogsDir(options.dir));
  const now = (options.now ?? new Date()).getTime();
  const lock = await DerivedFilesLock.acquire(paths, options.lockWaitMs ?? 60_000);
  try {
    const { index, runs } = await updateRuns(paths, lock, {});
    const newestFirst = [...index.values()].sort((a, b) => compareStart(b, a));
    const candidates = newestFirst.filter((entry, position) => {
      if (options.keepLast !== undefined && position < options.keepLast) return false;
      if (options.olderThanMs !== undefined) {
        const last = entry.lastEventAt === null ? null : Date.parse(entry.lastEventAt);
        if (last === null || now - last < options.olderThanMs) return false;
      }
      return true;
    });
    const removed: CleanupReport['removed'][number][] = [];
    const skipped: CleanupReport['skipped'][number][] = [];
    const shipped = readShipTarget(paths.logsDir);
    // Crashed and torn runs first (a stable sort keeps newest-first within each group).
    const ordered = candidates
      .map((entry) => ({ entry, crashed: whyResumable(entry) }))
      .sort((a, b) => Number(b.crashed !== null) - Number(a.crashed !== null));
    for (const { entry, crashed } of ordered) {
      if (entry.refused?.line === 0) {
        skipped.push({ runId: entry.runId, reason: `${entry.refused.problem}: never followed, kept` });
        continue;
      }
      if (entry.refused) {
        skipped.push({ runId: entry.runId, reason: `corrupt journal (line ${entry.refused.line}): kept for inspection` });
        continue;
      }
      if (crashed !== null && !options.includeCrashed) {
        skipped.push({ runId: entry.runId, reason: `${crashed}: it can be resumed, kept (--include-crashed removes it)` });
        continue;
      }
      const unshipped = shipped && !options.force ? notFullyShipped(paths.logsDir, entry, shipped.stream, now) : null;
      if (unshipped) {
        skipped.push({ runId: entry.runId, reason: unshipped });
        continue;
      }
      const run = runPaths(paths.logsDir, entry.runId);
      let writerLock: RunLock;
      try {
        writerLock = await RunLock.acquire(entry.runId, run, { waitMs: 0 });
      } catch (error) {
        if (error instanceof RunLockedError) {
          skipped.push({ runId: entry.runId, reason: 'a live writer holds it' });
          continue;
        }
        throw error;
      }
      try {
        if (!options.dryRun) {
          lock.assertHeld();
          fs.rmSync(run.runDir, { recursive: true, force: true });
          forgetRun(paths, index, entry.runId);
          removeRunProgress(paths.logsDir, entry.runId);
        }
        removed.push({ runId: entry.runId, startedAt: entry.startedAt, lastEventAt: entry.lastEventAt, crashed });
      } finally {
        writerLock.releaseSync();
      }
    }
    if (!options.dryRun) await finishTables(paths, lock, index, runs);
    return {
      dir: paths.logsDir,
      dryRun: options.dryRun ?? false,
      removed,
      skipped,
      kept: index.size - (options.dryRun ? removed.length : 0),
    };
  } finally {
    lock.release();
  }
}

/**
 * Why a run is not finished but resumable: it crashed (no `RunFinished`, or a `RunResumed` after it,
 * and no live writer; a live writer is found by its lock later) or its journal has a torn tail. Null for a finished run.
 */
function whyResumable(entry: RunIndexEntry): string | null {
  if (entry.tornTail !== null) return `torn tail at byte ${entry.tornTail.offset}`;
  if (entry.unfinished && !entry.writerAlive) return 'crashed (no RunFinished)';
  return null;
}

/**
 * JetStream 2.9 acknowledges a message once a quorum of its replicas holds it, and fsyncs its
 * files every two minutes (not configurable before 2.10): until then a power loss of that quorum
 * could lose acknowledged lines, which the local journal can still give again.
 */
const JETSTREAM_SYNC_MS = 2 * 60_000;

/** Why a run is not yet wholly and safely on the stream the folder is shipped to; null when it is. */
function notFullyShipped(logsDir: string, entry: RunIndexEntry, stream: string, now: number): string | null {
  const progress = readRunProgress(logsDir, entry.runId);
  const last = entry.checkpoint;
  if (progress === null || progress.seq === 0)
    return `not shipped: none of its ${last.seq} line(s) is recorded on stream ${stream} yet (run "runledger ship", or --force)`;
  if (progress.seq < last.seq)
    return `not fully shipped: seq ${progress.seq} of ${last.seq} is on stream ${progress.stream} (let "runledger ship" catch up, or --force)`;
  if (progress.seq !== last.seq || progress.hash !== last.hash)
    return `not shipped as it is: the stream's seq ${progress.seq} is not this journal's last line (see "runledger ship"), or --force`;
  if (now - progress.recordedAtMs < JETSTREAM_SYNC_MS)
    return `shipped less than 2 minutes ago: JetStream may not have fsync'd it yet (or --force)`;
  return null;
}

function compareStart(a: RunIndexEntry, b: RunIndexEntry): number {
  const sa = a.startedAt ?? '';
  const sb = b.startedAt ?? '';
  return sa < sb ? -1 : sa > sb ? 1 : a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}

/** "30d", "12h", "90m", "45s", "2w" as milliseconds; null when it is not such a duration. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(w|d|h|m|s)$/.exec(text.trim());
  if (!match) return null;
  const unit = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[match[2] as 'w' | 'd' | 'h' | 'm' | 's'];
  return Number(match[1]) * unit;
}
