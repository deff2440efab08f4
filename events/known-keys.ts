import { InvalidEventError } from '../src/errors.js';

/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive: the
 * number of one-character insertions, deletions, substitutions and swaps from `a` to `b`.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows: the previous two and the current one.
  let before: number[] = [];
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= t.length; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[t.length]!;
}

/**
 * The known key a misspelt `key` most likely meant, or null when none is close: at most a third of
 * the longer name's characters (and at least 2) differ. Ties go to the key listed first.
 */
export function closestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    const limit = Math.max(2, Math.floor(Math.max(key.length, candidate.length) / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** What an unknown key is refused with: the closest known key when there is one, and the known keys. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const closest = closestKey(key, known);
  const list = `known keys: ${known.join(', ')}`;
  return closest === null ? `an unknown key (${list})` : `an unknown key: did you mean "${closest}"? (${list})`;
}

/** The first own key of `value` that is not in `known`, with what to say of it; null when every key is known. */
export function firstUnknownKey(value: object, known: readonly string[]): { key: string; message: string } | null {
  for (const key of Object.keys(value)) if (!known.includes(key)) return { key, message: unknownKeyMessage(key, known) };
  return null;
}

/**
 * Refuses the first own key of `value` that is not in `known` with EVENT_INVALID, naming the key
 * (prefixed with `where` when given, as in `code.linesAddedd`) and the closest known key. Options
 * objects are closed: a typo must never be dropped silently and leave a default in its place.
 */
export function assertKnownKeys(eventType: string, where: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    throw new InvalidEventError(
      eventType,
      where ? `${where}.${key}` : key,
      (value as Record<string, unknown>)[key],
      unknownKeyMessage(key, known),
    );
  }
}
