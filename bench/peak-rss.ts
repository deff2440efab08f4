import fs from 'node:fs';

/**
 * This process's peak resident set, in bytes: VmHWM of /proc/self/status. Not
 * `process.resourceUsage().maxRSS`: on Linux a child's ru_maxrss starts from its parent's high-water
 * mark at fork (kept across exec), so a 40 MB child of a 300 MB bench process reports 300 MB.
 */
export function peakRssBytes(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kilobytes = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!kilobytes) throw new Error('no VmHWM in /proc/self/status: the bench measures memory on Linux only');
  return Number(kilobytes[1]) * 1024;
}

/** The same, as a line of JavaScript for `node -e` baselines. */
export const PEAK_RSS_EXPRESSION = "Number(/^VmHWM:\\s+(\\d+) kB$/m.exec(require('fs').readFileSync('/proc/self/status','utf8'))[1])*1024";
