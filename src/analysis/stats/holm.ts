/**
 * Holm's step-down adjustment of p-values for multiple comparisons (S. Holm, "A simple sequentially
 * rejective multiple test procedure", Scand. J. Statist. 1979): sort ascending, multiply the i-th
 * smallest (0-based) by (m - i), carry the running maximum, cap at 1. Returned in input order;
 * nulls (no test) are kept as null and do not count towards m.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null);
  tested.sort((x, y) => x.p - y.p);
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  tested.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (tested.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
