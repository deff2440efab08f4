import { nodeFileOps, type FileOps } from '../../src/index.js';

export interface OpsLog {
  readonly calls: string[];
  count(name: string): number;
}

/** nodeFileOps that logs each call's name (and, for open, the path's last part). */
export function recordingOps(): { ops: FileOps; log: OpsLog } {
  const calls: string[] = [];
  const ops: FileOps = {
    ...nodeFileOps,
    openSync: (p, flags, mode) => {
      calls.push(`openSync ${p.split('/').pop()}`);
      return nodeFileOps.openSync(p, flags, mode);
    },
    writeSync: (...args) => {
      calls.push('writeSync');
      return nodeFileOps.writeSync(...args);
    },
    fdatasyncSync: (fd) => {
      calls.push('fdatasyncSync');
      nodeFileOps.fdatasyncSync(fd);
    },
    fdatasync: (fd, cb) => {
      calls.push('fdatasync');
      nodeFileOps.fdatasync(fd, cb);
    },
    fsyncSync: (fd) => {
      calls.push('fsyncSync');
      nodeFileOps.fsyncSync(fd);
    },
    ftruncateSync: (fd, len) => {
      calls.push(`ftruncateSync ${len}`);
      nodeFileOps.ftruncateSync(fd, len);
    },
  };
  return { ops, log: { calls, count: (name) => calls.filter((c) => c === name).length } };
}

/** Fails the n-th call (1-based) of `op` with the given errno code, passing every other call through. */
export function failingOps(base: FileOps, op: 'writeSync' | 'fdatasyncSync' | 'fdatasync', n: number, code: 'ENOSPC' | 'EIO'): FileOps {
  let seen = 0;
  const error = (): NodeJS.ErrnoException => Object.assign(new Error(`${code}: injected failure of ${op} #${n}`), { code });
  const shouldFail = (): boolean => {
    seen += 1;
    return seen === n;
  };
  switch (op) {
    case 'writeSync':
      return {
        ...base,
        writeSync: (fd, b, o, l, p) => {
          if (shouldFail()) {
            // A short write of half the bytes, then the error: the worst case for a half line.
            base.writeSync(fd, b, o, Math.floor(l / 2), p);
            throw error();
          }
          return base.writeSync(fd, b, o, l, p);
        },
      };
    case 'fdatasyncSync':
      return {
        ...base,
        fdatasyncSync: (fd) => {
          if (shouldFail()) throw error();
          base.fdatasyncSync(fd);
        },
      };
    case 'fdatasync':
      return {
        ...base,
        fdatasync: (fd, cb) => {
          if (shouldFail()) return process.nextTick(() => cb(error()));
          base.fdatasync(fd, cb);
        },
      };
  }
}
