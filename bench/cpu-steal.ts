import fs from 'node:fs';

/** The machine's CPU time so far, from /proc/stat's "cpu" line, in clock ticks: all of it, and what the hypervisor stole. */
export interface CpuTicks {
  readonly total: number;
  readonly steal: number;
}

/** Null where /proc/stat is not there (not Linux): the figure is then left out. */
export function cpuTicks(): CpuTicks | null {
  let line: string | undefined;
  try {
    line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  const fields = (line ?? '').trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is counted in user already.
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return null;
  return { total: fields.slice(0, 8).reduce((sum, n) => sum + n, 0), steal: fields[7]! };
}

/**
 * The share of the machine's CPU time the hypervisor gave to others between two readings: a leg
 * measured while the host was busy shows it, where the latencies alone would only look noisy.
 */
export function stealShare(before: CpuTicks | null, after: CpuTicks | null): number | null {
  if (before === null || after === null || after.total <= before.total) return null;
  return (after.steal - before.steal) / (after.total - before.total);
}
