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

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export const pValue = (p: number | null | undefined): string =>
  p === null || p === undefined ? '–' : p < 0.0001 ? '<0.0001' : p.toFixed(4);
export const num = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '–' : x.toFixed(digits));
