/**
 * `runledger verify` in a process of its own, so that its time and peak RSS are the command's alone:
 * argv[2] = where to write {"ms": N, "peakRssBytes": N, "exitCode": N}, argv[3] = the logs folder.
 * The command runs in this process (its main module, as the `runledger` binary runs it).
 */
import fs from 'node:fs';
import { peakRssBytes } from './peak-rss.js';

const [resultFile, dir] = process.argv.slice(2);
if (!resultFile || !dir) throw new Error('usage: verify-child.js <resultFile> <logsDir>');
process.argv = [process.argv[0]!, 'runledger', 'verify', '--dir', dir];
const start = performance.now();
await import('../src/cli/main.js');
const ms = performance.now() - start;
fs.writeFileSync(resultFile, JSON.stringify({ ms, peakRssBytes: peakRssBytes(), exitCode: process.exitCode ?? 0 }));
