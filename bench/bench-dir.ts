import fs from 'node:fs';
import path from 'node:path';

/**
 * The scratch folder: under the project's own `.bench-tmp/`, so journals and baselines share one
 * disk with the project (os.tmpdir() can be a tmpfs, where fdatasync costs nothing).
 */
export function makeBenchDir(projectRoot: string): string {
  const parent = path.join(projectRoot, '.bench-tmp');
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, 'run-'));
}

/** Removes the scratch folder, and `.bench-tmp/` too once no other bench run uses it. */
export function removeBenchDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.rmdirSync(path.dirname(dir));
  } catch {
    // another bench run still has its folder there
  }
}

export interface FileSystemInfo {
  readonly type: string;
  readonly device: string;
  readonly mountPoint: string;
}

/** The mount holding `dir`, from /proc/mounts: the longest mount point that is a prefix of its real path. */
export function fileSystemOf(dir: string): FileSystemInfo {
  const real = fs.realpathSync(dir);
  let best: FileSystemInfo = { type: 'unknown', device: 'unknown', mountPoint: '' };
  let mounts: string;
  try {
    mounts = fs.readFileSync('/proc/mounts', 'utf8');
  } catch {
    return best;
  }
  for (const line of mounts.split('\n')) {
    const [device, rawMountPoint, type] = line.split(' ');
    if (!device || !rawMountPoint || !type) continue;
    // /proc/mounts escapes spaces, tabs, newlines and backslashes as octal.
    const mountPoint = rawMountPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    const covers = mountPoint === '/' || real === mountPoint || real.startsWith(`${mountPoint}/`);
    // `>=`: of two mounts on one point, the later line is the one in effect.
    if (covers && mountPoint.length >= best.mountPoint.length) best = { type, device, mountPoint };
  }
  return best;
}

/** Refuses to start when the disk holding `dir` has less than `bytes` free, saying how much is needed. */
export function assertFreeSpace(dir: string, bytes: number): void {
  const stats = fs.statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  if (free < bytes) {
    const gib = (n: number): string => `${(n / 2 ** 30).toFixed(1)} GiB`;
    throw new Error(
      `the bench needs about ${gib(bytes)} free under ${dir} for its generated histories, and ${gib(free)} is free: free some space (or run npm run bench:quick)`,
    );
  }
}
