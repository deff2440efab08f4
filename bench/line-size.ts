import fs from 'node:fs';

const MIX_TYPES = new Set(['TokensUsed', 'ToolCallStarted', 'ToolCallEnded', 'ErrorRecorded']);
// The envelope's "type" comes before "data", so the first match is the event type.
const TYPE_FIELD = /"type":"([A-Za-z]+)"/;

/** Average bytes (newline included) of the mix's lines in a journal; setup and RunFinished lines are left out. */
export function averageMixLineBytes(journalPath: string): number {
  const text = fs.readFileSync(journalPath, 'utf8');
  let total = 0;
  let lines = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (!MIX_TYPES.has(TYPE_FIELD.exec(line)?.[1] ?? '')) continue;
    total += Buffer.byteLength(line, 'utf8') + 1;
    lines += 1;
  }
  if (lines === 0) throw new Error(`${journalPath} holds no line of the event mix`);
  return total / lines;
}

/** A JSON line of exactly `bytes` bytes, newline included: what the bare baselines write. */
export function paddedLine(bytes: number): Buffer {
  const frame = '{"pad":""}\n';
  if (bytes < frame.length) throw new Error(`a line of ${bytes} bytes is too short to pad`);
  return Buffer.from(`{"pad":"${'x'.repeat(bytes - frame.length)}"}\n`, 'utf8');
}
