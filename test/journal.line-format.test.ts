import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLine, encodeLine, sha256Hex } from '../src/index.js';

const json = fc.jsonValue({ maxDepth: 4 });
const fields = fc.record({
  v: fc.integer({ min: 1, max: 9 }),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  ts: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  runId: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
  type: fc.string({ minLength: 1, maxLength: 30 }),
  data: fc.dictionary(fc.string(), json),
  prev: fc.stringMatching(/^[0-9a-f]{64}$/),
});

describe('the journal line format', () => {
  it('is byte for byte JSON.stringify of {v, seq, ts, runId, type, data, prev, hash}, one line', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const { text, byteLength, entry } = encodeLine(f as never);
        const { v, seq, ts, runId, type, data, prev } = f;
        expect(text).toBe(`${JSON.stringify({ v, seq, ts, runId, type, data, prev, hash: entry.hash })}\n`);
        expect(byteLength).toBe(Buffer.byteLength(text));
        expect(text.indexOf('\n')).toBe(text.length - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('hashes exactly the bytes before ,"hash":" and checkLine accepts it; any changed byte is caught', () => {
    fc.assert(
      fc.property(fields, fc.nat(), (f, at) => {
        const { text, entry } = encodeLine(f as never);
        const line = Buffer.from(text.slice(0, -1));
        const cut = line.length - (',"hash":"'.length + 64 + 2);
        expect(entry.hash).toBe(sha256Hex(line.subarray(0, cut)));
        expect(checkLine(line)).toMatchObject({ ok: true, hash: entry.hash });
        const flipped = Buffer.from(line);
        const i = at % flipped.length;
        flipped[i] = flipped[i]! ^ 0x20;
        expect(checkLine(flipped).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
