import { nodeFileOps, type FileOps } from '../../../src/index.js';

export type FaultOp = 'writeSync' | 'fdatasyncSync' | 'fdatasync';
export type FaultCode = 'ENOSPC' | 'EIO';
/** How much of the failing write reached the file before the error: none, half (a short write), or all of it. */
export type WriteDamage = 'none' | 'half' | 'all';

export interface Fault {
  readonly op: FaultOp;
  /** The n-th call (1-based) of `op` fails; every other call goes through. */
  readonly n: number;
  readonly code: FaultCode;
  readonly writeDamage?: WriteDamage;
  /** The truncation that follows the failure fails too (EIO), so the damage stays in the file. */
  readonly truncateFails?: boolean;
}

/** Counts the calls of each operation (for a dry run that tells how many calls a scenario makes). */
export function countingOps(): { ops: FileOps; counts: Record<FaultOp, number> } {
  const counts: Record<FaultOp, number> = { writeSync: 0, fdatasyncSync: 0, fdatasync: 0 };
  const ops: FileOps = {
    ...nodeFileOps,
    writeSync: (fd, b, o, l, p) => {
      counts.writeSync += 1;
      return nodeFileOps.writeSync(fd, b, o, l, p);
    },
    fdatasyncSync: (fd) => {
      counts.fdatasyncSync += 1;
      nodeFileOps.fdatasyncSync(fd);
    },
    fdatasync: (fd, cb) => {
      counts.fdatasync += 1;
      nodeFileOps.fdatasync(fd, cb);
    },
  };
  return { ops, counts };
}

/** nodeFileOps with one injected failure; `fired` tells whether it happened. */
export function faultyOps(fault: Fault): { ops: FileOps; fired: () => boolean } {
  let seen = 0;
  let fired = false;
  const error = (): NodeJS.ErrnoException =>
    Object.assign(new Error(`${fault.code}: injected failure of ${fault.op} #${fault.n}`), {
      code: fault.code,
      errno: fault.code === 'EIO' ? -5 : -28,
      syscall: fault.op,
    });
  const hit = (op: FaultOp): boolean => {
    if (op !== fault.op || fired) return false;
    seen += 1;
    if (seen !== fault.n) return false;
    fired = true;
    return true;
  };
  const ops: FileOps = {
    ...nodeFileOps,
    writeSync: (fd, b, o, l, p) => {
      if (hit('writeSync')) {
        const damage = fault.writeDamage ?? 'half';
        if (damage !== 'none') nodeFileOps.writeSync(fd, b, o, damage === 'half' ? Math.floor(l / 2) : l, p);
        throw error();
      }
      return nodeFileOps.writeSync(fd, b, o, l, p);
    },
    fdatasyncSync: (fd) => {
      if (hit('fdatasyncSync')) throw error();
      nodeFileOps.fdatasyncSync(fd);
    },
    fdatasync: (fd, cb) => {
      if (hit('fdatasync')) return process.nextTick(() => cb(error()));
      nodeFileOps.fdatasync(fd, cb);
    },
    ftruncateSync: (fd, len) => {
      if (fired && fault.truncateFails) throw Object.assign(new Error('EIO: injected failure of ftruncate'), { code: 'EIO' });
      nodeFileOps.ftruncateSync(fd, len);
    },
  };
  return { ops, fired: () => fired };
}
