import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { LegResult } from './leg.js';
import { elapsedMs } from './stats.js';

/** Every run's journal under `logsDir/runs`, in name order (what replay reads). */
function journalFiles(logsDir: string): string[] {
  const runsDir = path.join(logsDir, 'runs');
  return fs
    .readdirSync(runsDir)
    .sort()
    .map((runId) => path.join(runsDir, runId, 'events.ndjson'))
    .filter((file) => fs.existsSync(file));
}

function parseFile(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let lines = 0;
    const input = fs.createReadStream(file);
    input.on('error', reject);
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    rl.on('line', (line) => {
      JSON.parse(line);
      lines += 1;
    });
    rl.on('close', () => resolve(lines));
  });
}

/**
 * The replay baseline: Node's own way to read NDJSON, `readline` over a read stream and
 * `JSON.parse` of each line, over the same journals, one file after another. No hash, no chain,
 * no schema, no projection, nothing written.
 */
export async function bareParseLeg(logsDir: string): Promise<LegResult> {
  const start = performance.now();
  let lines = 0;
  for (const file of journalFiles(logsDir)) lines += await parseFile(file);
  return { lines, ms: elapsedMs(start) };
}
