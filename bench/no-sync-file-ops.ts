import { nodeFileOps, type FileOps } from '../src/index.js';

/** The real file seam with every fsync turned into a no-op: what is left is the collector's CPU cost. */
export const noSyncFileOps: FileOps = {
  ...nodeFileOps,
  fdatasyncSync: () => {},
  fdatasync: (_fd, callback) => process.nextTick(callback, null),
  fsyncSync: () => {},
};
