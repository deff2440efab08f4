/**
 * A replay in a process of its own, so that its peak RSS is replay's alone:
 * argv[2] = the logs folder, argv[3] = "full" to ignore checkpoints. Prints
 * {"events": N, "ms": N, "cpuMs": N, "peakRssBytes": N} on stdout (cpuMs: the replay's user + system CPU time,
 * the main thread's and libuv's threads' alike).
 */
import { replay } from '../replay/index.js';
import { peakRssBytes } from './peak-rss.js';

const [dir, mode] = process.argv.slice(2);
if (!dir) throw new Error('usage: replay-child.js <logsDir> [full]');
const start = performance.now();
const cpuStart = process.cpuUsage();
const report = await replay({ dir, full: mode === 'full' });
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
if (!report.ok) throw new Error(`replay refused a run: ${JSON.stringify(report.runs.find((r) => r.refused))}`);
const events = report.runs.reduce((sum, run) => sum + run.newEvents, 0);
process.stdout.write(`${JSON.stringify({ events, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRssBytes: peakRssBytes() })}\n`);
