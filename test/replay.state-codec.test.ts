import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../replay/state-codec.js';

/** The codec as it was written first, with JSON.stringify's replacer and JSON.parse's reviver: the reference. */
function referenceEncode(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return { $map: [...v.entries()] };
    if (isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'))) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.startsWith('$') ? `$${k}` : k, x]));
    }
    return v;
  });
}
function referenceDecode(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (!isPlainObject(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$map' && Array.isArray(v.$map)) return new Map(v.$map as Array<[unknown, unknown]>);
    if (!keys.some((k) => k.startsWith('$'))) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.startsWith('$') ? k.slice(1) : k, x]));
  });
}
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map);
}

const key = fc.oneof(fc.string(), fc.constantFrom('$map', '$$map', '$', '$x', '__proto__', 'constructor', 'toJSON'));
const state = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    // JSON has no -0: it comes back as 0.
    fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
      fc.boolean(),
      fc.constant(null),
    ),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      return o;
    }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
  ),
})).value;

describe('the replay state codec', () => {
  it('writes the same bytes as the replacer-based codec, and reads back what either wrote', () => {
    fc.assert(
      fc.property(state, (value) => {
        const text = encodeState(value);
        expect(text).toBe(referenceEncode(value));
        expect(decodeState(text)).toEqual(referenceDecode(text));
        expect(decodeState(text)).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a "__proto__" key of user data as data, never as a prototype', () => {
    const value = JSON.parse('{"config":{"__proto__":{"polluted":true},"$map":[1]}}') as unknown;
    const back = decodeState<{ config: Record<string, unknown> }>(encodeState(value));
    expect(Object.getPrototypeOf(back.config)).toBe(Object.prototype);
    expect(Object.keys(back.config)).toEqual(['__proto__', '$map']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
