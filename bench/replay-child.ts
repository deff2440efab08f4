/**
 * A replay in a process of its own, so that its peak RSS is replay's alone:
 * argv[2] = the logs folder, argv[3] = "full" to ignore checkpoints. Prints
 * {"events": N, "ms": N, "peakRssBytes": N} on stdout.
 */
import { replay } from '../replay/index.js';
import { peakRssBytes } from './peak-rss.js';

const [dir, mode] = process.argv.slice(2);
if (!dir) throw new Error('usage: replay-child.js <logsDir> [full]');
const start = performance.now();
const report = await replay({ dir, full: mode === 'full' });
const ms = performance.now() - start;
if (!report.ok) throw new Error(`replay refused a run: ${JSON.stringify(report.runs.find((r) => r.refused))}`);
const events = report.runs.reduce((sum, run) => sum + run.newEvents, 0);
process.stdout.write(`${JSON.stringify({ events, ms, peakRssBytes: peakRssBytes() })}\n`);
