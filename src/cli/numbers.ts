import { UsageError } from './exit-codes.js';

/**
 * The bounds of every numeric option: a value outside them is refused before any work, as a
 * bootstrap of 10^12 resamples or a `-n` of 10^15 would run out of memory instead of answering.
 */
export const BOUNDS = {
  resamples: { min: 1, max: 100_000 },
  seed: { min: -(2 ** 31), max: 2 ** 32 - 1 },
  last: { min: 1, max: 1_000_000 },
  suggestedRuns: { min: 1, max: 10_000 },
  lines: { min: 0, max: 1_000_000 },
  keepLast: { min: 0, max: 1_000_000 },
  replicas: { min: 1, max: 5 },
  port: { min: 0, max: 65_535 },
  bodyLimit: { min: 1024, max: 256 * 1024 * 1024 },
  refreshMs: { min: 10, max: 3_600_000 },
  maxLabelValues: { min: 1, max: 1000 },
} as const;

/** A whole number written in decimal digits (no 1e5, 0x10, " 7" or 7.0), from `min` to `max`. */
export function wholeNumber(name: string, text: string, bounds: { readonly min: number; readonly max: number }): number {
  const n = /^-?\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < bounds.min || n > bounds.max)
    throw new UsageError(`${name} ${JSON.stringify(text)} is not a whole number from ${bounds.min} to ${bounds.max}`);
  return n;
}

/** wholeNumber for an option that may be left out. */
export function optionalWholeNumber(
  name: string,
  text: string | undefined,
  bounds: { readonly min: number; readonly max: number },
): number | undefined {
  return text === undefined ? undefined : wholeNumber(name, text, bounds);
}
