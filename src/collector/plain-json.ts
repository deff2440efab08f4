import { InvalidConfigError } from '../errors.js';
import type { JsonValue } from '../../events/config.js';

const MAX_DEPTH = 32;
export const MAX_CONFIG_BYTES = 65_536;

/**
 * Copies `value` as plain JSON data or refuses it, naming the path: only null, booleans, finite
 * numbers, strings, arrays and plain objects. Class instances, functions, Dates, Maps, NaN, cycles
 * and undefined inside arrays are refused; undefined object properties are dropped (as JSON does).
 * Keys such as `__proto__` are kept as ordinary data, never as prototypes.
 */
// eslint-disable-next-line complexity -- one branch per JSON kind and per refused kind: the whole definition of plain JSON
export function toPlainJson(value: unknown, path = '', seen: Set<object> = new Set(), depth = 0): JsonValue {
  const where = path || '(config)';
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidConfigError(where, value, 'a finite number (JSON has no NaN or Infinity)');
    return value;
  }
  if (typeof value !== 'object')
    throw new InvalidConfigError(where, value, 'plain JSON data (null, boolean, number, string, array or plain object)');
  if (depth >= MAX_DEPTH) throw new InvalidConfigError(where, '…', `at most ${MAX_DEPTH} levels of nesting`);
  if (seen.has(value)) throw new InvalidConfigError(where, '[circular]', 'plain JSON data without cycles');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      // By index, not map(): map() skips the holes of a sparse array, which JSON.stringify writes as null.
      const items: JsonValue[] = [];
      for (let i = 0; i < value.length; i += 1) {
        const item: unknown = value[i];
        if (item === undefined) throw new InvalidConfigError(`${path}[${i}]`, item, 'a JSON value (undefined and array holes are not)');
        items.push(toPlainJson(item, `${path}[${i}]`, seen, depth + 1));
      }
      return items;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidConfigError(where, value, `a plain object, not a ${value.constructor?.name ?? 'class instance'}`);
    }
    const copy: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      const child = toPlainJson(item, path ? `${path}.${key}` : key, seen, depth + 1);
      Object.defineProperty(copy, key, { value: child, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}
