/**
 * Projection states hold Maps (keys are user strings such as tool names, which must never meet an
 * object's prototype). JSON has no Map: a Map is written as {"$map": [[key, value], ...]}. States
 * also hold free-form user JSON (the run's config), which may itself have a key "$map": so every
 * object key that starts with "$" is escaped with one more "$" on the way out and unescaped on the
 * way in, and only an unescaped {"$map": [...]} can be a Map.
 */
export function encodeState(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return { $map: [...v.entries()] };
    if (isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'))) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.startsWith('$') ? `$${k}` : k, x]));
    }
    return v;
  });
}

export function decodeState<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (!isPlainObject(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$map' && Array.isArray(v.$map)) return new Map(v.$map as Array<[unknown, unknown]>);
    if (!keys.some((k) => k.startsWith('$'))) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.startsWith('$') ? k.slice(1) : k, x]));
  }) as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map);
}
