/** Milliseconds between two ISO timestamps of the journal; null when either is missing. */
export function msBetween(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  return Math.max(0, Date.parse(to) - Date.parse(from));
}
