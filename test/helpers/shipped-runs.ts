import fs from 'node:fs';
import path from 'node:path';
import { runSubject } from '../../src/ship/subject.js';
import type { StreamMessage } from './nats-server.js';

/** A journal cut into its lines, each with its newline: what each shipped message must carry. */
export function journalLines(file: string): Buffer[] {
  const bytes = fs.readFileSync(file);
  const lines: Buffer[] = [];
  for (let start = 0; start < bytes.length;) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl === -1) break;
    lines.push(bytes.subarray(start, nl + 1));
    start = nl + 1;
  }
  return lines;
}

/**
 * Exactly once, per run: the messages on the run's subject are the journal's lines, in order,
 * each once; and the stream holds nothing else. Returns what differs (empty when all is well).
 */
export function exactlyOnceProblems(
  messages: readonly StreamMessage[],
  logsDir: string,
  stream: string,
  runs: ReadonlyArray<{ runId: string; projectId: string }>,
): string[] {
  const problems: string[] = [];
  let expectedTotal = 0;
  for (const { runId, projectId } of runs) {
    const lines = journalLines(path.join(logsDir, 'runs', runId, 'events.ndjson'));
    expectedTotal += lines.length;
    const shipped = messages.filter((m) => m.subject === runSubject(stream, projectId, runId)).map((m) => m.data);
    if (shipped.length !== lines.length) problems.push(`${runId}: ${shipped.length} message(s) for ${lines.length} line(s)`);
    const firstDiff = lines.findIndex((line, i) => shipped[i] === undefined || !line.equals(shipped[i]));
    if (firstDiff !== -1) problems.push(`${runId}: message ${firstDiff + 1} is not line ${firstDiff + 1}`);
  }
  if (messages.length !== expectedTotal)
    problems.push(`the stream holds ${messages.length} message(s) for ${expectedTotal} journal line(s)`);
  return problems;
}
