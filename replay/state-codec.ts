/**
 * Projection states hold Maps (keys are user strings such as tool names, which must never meet
 * an object's prototype). JSON has no Map: encode each as {"$map": [[key, value], ...]}.
 */
export function encodeState(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? { $map: [...v.entries()] } : v));
}

export function decodeState<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && Array.isArray((v as { $map?: unknown }).$map)) {
      return new Map((v as { $map: Array<[unknown, unknown]> }).$map);
    }
    return v;
  }) as T;
}
