import type { Estimate } from '../stats/bootstrap.js';

export const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);

/** A rate with its interval beside it: "62.5% [51.2–72.6]". */
export function pctInterval(i: Estimate | null | undefined): string {
  if (!i) return '–';
  if (i.low === null || i.high === null) return `${pct(i.estimate)} [no interval]`;
  return `${pct(i.estimate)} [${(i.low * 100).toFixed(1)}–${(i.high * 100).toFixed(1)}]`;
}

/** A proportion as percentage points, "5.0" (or "+5.0" signed). */
export const pp = (x: number, signed = false): string => `${signed && x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;

/** A design effect: "1.0", "3.4"; "–" without one. */
export const deff = (rate: { readonly designEffect: number } | null | undefined): string => (rate ? rate.designEffect.toFixed(1) : '–');

/** A difference in percentage points with its interval: "+12.5 pp [2.1, 22.0]". */
export function ppInterval(i: Estimate | null | undefined): string {
  if (!i) return '–';
  const pp = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  return i.low === null || i.high === null ? `${pp(i.estimate)} pp` : `${pp(i.estimate)} pp [${pp(i.low)}, ${pp(i.high)}]`;
}

/** Dollars with four significant digits, enough for $0.0004 and $85.12 alike. */
export function usd(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (x === 0) return '$0';
  const abs = Math.abs(x);
  return `${x < 0 ? '-' : ''}$${abs >= 100 ? abs.toFixed(2) : abs.toPrecision(4)}`;
}

export function usdInterval(i: Estimate | null | undefined): string {
  if (!i) return '–';
  return i.low === null || i.high === null ? `${usd(i.estimate)} [no interval]` : `${usd(i.estimate)} [${usd(i.low)}–${usd(i.high)}]`;
}

/** One duration on its own (in a sentence): its unit picked from its own size. */
export function duration(ms: number | null | undefined): string {
  return durationColumn([ms])(ms);
}

export type DurationFormat = (ms: number | null | undefined) => string;

const UNITS = [
  { name: 'ms', ms: 1, below: 1000, digits: 0 },
  { name: 's', ms: 1000, below: 120_000, digits: 1 },
  { name: 'min', ms: 60_000, below: 7_200_000, digits: 1 },
  { name: 'h', ms: 3_600_000, below: Number.POSITIVE_INFINITY, digits: 1 },
] as const;

/**
 * The formatter for a whole column of durations: one unit for every cell, picked from the largest
 * value (ms only when all are under 1 s; s under 2 min; min under 2 h; else h), so "1.5 s" never
 * stands above "800 ms". Unknown values are "–".
 */
export function durationColumn(values: Iterable<number | null | undefined>): DurationFormat {
  let largest = 0;
  for (const v of values) if (v !== null && v !== undefined && Number.isFinite(v) && v > largest) largest = v;
  const unit = UNITS.find((u) => largest < u.below) ?? UNITS[UNITS.length - 1]!;
  return (ms) => (ms === null || ms === undefined || !Number.isFinite(ms) ? '–' : `${(ms / unit.ms).toFixed(unit.digits)} ${unit.name}`);
}

export const pValue = (p: number | null | undefined): string =>
  p === null || p === undefined ? '–' : p < 0.0001 ? '<0.0001' : p.toFixed(4);
export const num = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '–' : x.toFixed(digits));
