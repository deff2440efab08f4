/**
 * The p-th percentile by the nearest-rank method (the smallest value with at least p% of the values
 * at or below it): always a value that occurred. null for no values.
 */
export function nearestRankPercentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
