import fs from 'node:fs';
import { fsyncAsync, nodeFileOps } from '../src/durable/file-ops.js';
import { ASSEMBLED_FILES } from './assembled-files.js';
import { removeAssemblyRecord, type AssemblyRecord } from './assembly-record.js';
import { identityOfStat, type FileIdentity } from './file-identity.js';
import { headerOf, openRecorded } from './csv-assembly.js';
import { FragmentReader } from './fragment-file.js';
import { runRowsFile, type ReplayPaths } from './replay-paths.js';
import { markTablesStale } from './tables-stale.js';
import { planTail, type TailPlan } from './tail-plan.js';
import type { RunIndexEntry } from './run-index-entry.js';

/**
 * The most bytes an in-place rewrite holds in memory (the old part from the first changed run on, and
 * the new one): above it, a whole assembly, which streams.
 */
export const TAIL_REWRITE_MAX_BYTES = 32 * 1024 * 1024;

export type TailRewrite =
  | { readonly files: Record<string, FileIdentity> }
  /** The files are not what the record says, or the change is too large to hold: assemble whole. */
  | { readonly whole: string }
  | { readonly unverified: ReadonlyArray<{ readonly runId: string; readonly problem: string }> };

const sum = (runs: Iterable<{ readonly bytes: Readonly<Record<string, number>> }>, file: string): number => {
  let total = 0;
  for (const run of runs) total += run.bytes[file] ?? 0;
  return total;
};

/**
 * Rewrites the assembled files in place from the plan's first changed run on (docs/DESIGN.md §6.3):
 * the bytes before it stay where they are, the rest is written over and each file cut to its new
 * length and fsync'd. O(the runs from the first change on), whatever the size of the history.
 * Everything that can fail is done before a byte is written: the files are checked against the record
 * (identities), the old part read, the changed runs' fragments read and verified. Then the record
 * is removed (durably) and `tables-stale.json` written if absent, so that a crash while writing
 * leaves files the next replay assembles whole from the fragments, and says so until then; the
 * caller writes the new record after. The caller holds the derived-files lock.
 */
export async function rewriteTail(paths: ReplayPaths, record: AssemblyRecord, plan: TailPlan): Promise<TailRewrite> {
  const oldBytes = Object.fromEntries(ASSEMBLED_FILES.map((file) => [file, sum(plan.oldSuffix, file)]));
  const newBytes = Object.fromEntries(
    ASSEMBLED_FILES.map((file) => [
      file,
      sum(
        plan.newSuffix.map(({ run }) => run),
        file,
      ),
    ]),
  );
  const held = ASSEMBLED_FILES.reduce((total, file) => total + oldBytes[file]! + newBytes[file]!, 0);
  if (held > TAIL_REWRITE_MAX_BYTES) return { whole: `the rewrite would hold ${held} bytes` };
  const opened = openRecorded(paths, record, 'r+');
  if (!opened) return { whole: 'the assembled files are not the ones the record describes' };
  try {
    const starts = new Map<string, number>();
    const olds = new Map<string, Buffer>();
    for (const file of ASSEMBLED_FILES) {
      const start = record.files[file]!.size - oldBytes[file]!;
      if (start < Buffer.byteLength(headerOf(file))) return { whole: `${file} is shorter than its recorded runs` };
      starts.set(file, start);
      const old = Buffer.allocUnsafe(oldBytes[file]!);
      for (let at = 0; at < old.length;) {
        const n = fs.readSync(opened.get(file)!, old, at, old.length - at, start + at);
        if (n <= 0) return { whole: `${file} ended early` };
        at += n;
      }
      olds.set(file, old);
    }
    const composed = compose(paths, plan, olds);
    if ('unverified' in composed) return composed;
    // Not current while they are written: the marker says so, and a crash leaves no record to trust them by.
    markTablesStale(paths, Date.now());
    removeAssemblyRecord(paths);
    for (const file of ASSEMBLED_FILES) {
      const fd = opened.get(file)!;
      const bytes = Buffer.concat(composed.parts.get(file)!);
      for (let at = 0; at < bytes.length;) at += nodeFileOps.writeSync(fd, bytes, at, bytes.length - at, starts.get(file)! + at);
      fs.ftruncateSync(fd, starts.get(file)! + bytes.length);
    }
    // Together, on libuv's threads: a supervisor's event loop, whose timer ran this, does not wait on them.
    await Promise.all([...opened.values()].map((fd) => fsyncAsync(nodeFileOps, fd)));
    const files: Record<string, FileIdentity> = {};
    for (const file of ASSEMBLED_FILES) {
      files[file] = identityOfStat(fs.fstatSync(opened.get(file)!));
    }
    return { files };
  } finally {
    for (const fd of opened.values()) fs.closeSync(fd);
  }
}

/**
 * The `changed` runs (their new entries; null for a run gone) taken into the files `record`
 * describes, in place (planTail, then rewriteTail): what the new record must say, the runs whose
 * fragments do not verify, or null when only a whole assembly can do it.
 */
export async function rewriteChangedRuns(
  paths: ReplayPaths,
  record: AssemblyRecord,
  changed: ReadonlyMap<string, RunIndexEntry | null>,
  assembled?: ReadonlyMap<string, RunIndexEntry>,
): Promise<
  | Pick<AssemblyRecord, 'files' | 'rows' | 'tail' | 'tailIsAll'>
  | { readonly unverified: ReadonlyArray<{ readonly runId: string; readonly problem: string }> }
  | null
> {
  const plan = planTail(record, changed, assembled);
  if (plan === null) return null;
  const rewrite = await rewriteTail(paths, record, plan);
  if ('whole' in rewrite) return null;
  if ('unverified' in rewrite) return rewrite;
  return { files: rewrite.files, rows: plan.rows, tail: plan.tail, tailIsAll: plan.tailIsAll };
}

/** The new part of each file: unchanged runs' bytes from the old part, changed runs' from their fragments. */
function compose(
  paths: ReplayPaths,
  plan: TailPlan,
  olds: ReadonlyMap<string, Buffer>,
): { parts: Map<string, Buffer[]> } | { unverified: Array<{ runId: string; problem: string }> } {
  const oldAt = new Map<string, Map<string, number>>();
  const offsets = Object.fromEntries(ASSEMBLED_FILES.map((file) => [file, 0]));
  for (const run of plan.oldSuffix) {
    oldAt.set(run.runId, new Map(ASSEMBLED_FILES.map((file) => [file, offsets[file]!])));
    for (const file of ASSEMBLED_FILES) offsets[file]! += run.bytes[file] ?? 0;
  }
  const parts = new Map(ASSEMBLED_FILES.map((file) => [file, [] as Buffer[]]));
  const fragments = new FragmentReader();
  const unverified: Array<{ runId: string; problem: string }> = [];
  for (const { run, changed } of plan.newSuffix) {
    if (!changed) {
      const at = oldAt.get(run.runId)!;
      for (const file of ASSEMBLED_FILES)
        parts.get(file)!.push(olds.get(file)!.subarray(at.get(file), at.get(file)! + (run.bytes[file] ?? 0)));
      continue;
    }
    const read = fragments.read(runRowsFile(paths, run.runId));
    if (typeof read === 'string') {
      unverified.push({ runId: run.runId, problem: read });
      continue;
    }
    for (const file of ASSEMBLED_FILES) {
      const part = read.get(file)!;
      // The entry's lengths are what the record will say: a fragment of other lengths is not this entry's.
      if (part.length !== (run.bytes[file] ?? 0)) {
        unverified.push({
          runId: run.runId,
          problem: `its ${file} part is ${part.length} bytes, not the ${run.bytes[file] ?? 0} of its entry`,
        });
        break;
      }
      // The reader's buffer is reused by the next read: keep a copy.
      parts.get(file)!.push(Buffer.from(part));
    }
  }
  return unverified.length > 0 ? { unverified } : { parts };
}
