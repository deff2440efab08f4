/**
 * Projection states hold Maps (keys are user strings such as tool names, which must never meet an
 * object's prototype). JSON has no Map: a Map is written as {"$map": [[key, value], ...]}. States
 * also hold free-form user JSON (the run's config), which may itself have a key "$map": so every
 * object key that starts with "$" is escaped with one more "$" on the way out and unescaped on the
 * way in, and only an unescaped {"$map": [...]} can be a Map.
 *
 * Both ways walk the value once themselves: JSON.stringify's replacer and JSON.parse's reviver call
 * back for every value, which made this codec a visible part of replay's time.
 */
export function encodeState(value: unknown): string {
  return JSON.stringify(toJson(value));
}

export function decodeState<T>(text: string): T {
  return fromJson(JSON.parse(text)) as T;
}

function toJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Map) return { $map: Array.from(v, ([key, value]) => [toJson(key), toJson(value)]) };
  if (Array.isArray(v)) return v.map(toJson);
  const toJsonMethod = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJsonMethod === 'function') return toJson(toJsonMethod.call(v));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    const value = toJson((v as Record<string, unknown>)[key]);
    if (key === '__proto__')
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true }); // user data, never a prototype
    else out[key.startsWith('$') ? `$${key}` : key] = value;
  }
  return out;
}

function fromJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i += 1) v[i] = fromJson(v[i]);
    return v;
  }
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === '$map' && Array.isArray(record.$map))
    return new Map(fromJson(record.$map) as Array<[unknown, unknown]>);
  if (!keys.some((k) => k.startsWith('$'))) {
    for (const key of keys) record[key] = fromJson(record[key]);
    return record;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    Object.defineProperty(out, key.startsWith('$') ? key.slice(1) : key, {
      value: fromJson(record[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
