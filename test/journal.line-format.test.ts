import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLine, encodeLine, sha256Hex } from '../src/index.js';
import { LineEncoder } from '../src/journal/line-encoder.js';

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

describe("the writer's LineEncoder", () => {
  // Any text in data and type: non-ASCII, astral and lone surrogates too (the byte length must follow).
  const anyText = fc.string({ unit: 'binary', maxLength: 40 });
  const writerFields = fc.record({
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    ts: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    runId: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
    type: fc.oneof(fc.constantFrom('TokensUsed', 'ToolCallEnded'), anyText),
    data: fc.dictionary(anyText, fc.oneof(fc.jsonValue({ maxDepth: 3 }), anyText, fc.double({ noNaN: true, noDefaultInfinity: true }))),
    prev: fc.stringMatching(/^[0-9a-f]{64}$/),
  });

  it('writes the bytes encodeLine writes, with the same byte length and entry, line after line of one run', () => {
    fc.assert(
      fc.property(writerFields, fc.array(writerFields, { maxLength: 4 }), (first, more) => {
        const encoder = new LineEncoder(first.runId);
        for (const f of [first, ...more]) {
          const expected = encodeLine({
            v: 1,
            seq: f.seq,
            ts: f.ts,
            runId: first.runId,
            type: f.type as never,
            data: f.data as never,
            prev: f.prev,
          });
          const actual = encoder.encode(f.seq, f.ts, f.type as never, f.data as never, f.prev);
          expect(actual.text).toBe(expected.text);
          expect(actual.byteLength).toBe(Buffer.byteLength(expected.text));
          expect(actual.entry).toEqual(expected.entry);
        }
      }),
      { numRuns: 500 },
    );
  });
});
