/** Scales and axis ticks for the SVG charts: pure arithmetic, the same output for the same input. */

export interface Scale {
  (value: number): number;
  readonly ticks: readonly number[];
  readonly log: boolean;
}

/** A "nice" step (1, 2 or 5 × 10^k) giving about `count` ticks over [min, max]. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** Rounds away binary noise (0.30000000000000004) so tick labels and positions stay clean. */
const clean = (x: number): number => Number.parseFloat(x.toPrecision(12));

/**
 * The domain widened to nice ticks; a zero-width domain is opened up around its value. A domain
 * that starts at 0 or above never reaches below 0: costs, durations and counts have no negative
 * axis (all-$0 runs get [0, 1], not [-1, 1]).
 */
export function niceDomain(min: number, max: number, count = 5): { min: number; max: number; ticks: number[] } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1, ticks: [0, 0.5, 1] };
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.5;
    min = min >= 0 ? Math.max(0, min - pad) : min - pad;
    max += pad;
  }
  const step = niceStep(max - min, count);
  const lo = clean(Math.floor(min / step) * step);
  const hi = clean(Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 1e6; i += 1) ticks.push(clean(lo + i * step));
  return { min: lo, max: hi, ticks };
}

/** Maps [d0, d1] onto [r0, r1] linearly. */
export function linearScale(d0: number, d1: number, r0: number, r1: number, ticks: readonly number[] = []): Scale {
  const span = d1 - d0 || 1;
  const f = (value: number): number => r0 + ((value - d0) / span) * (r1 - r0);
  return Object.assign(f, { ticks, log: false });
}

/** Maps [d0, d1] (both > 0) onto [r0, r1] by log10, with ticks at 1, 2 and 5 × 10^k inside the domain. */
export function logScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const span = l1 - l0 || 1;
  const f = (value: number): number => r0 + ((Math.log10(value) - l0) / span) * (r1 - r0);
  const ticks: number[] = [];
  for (let k = Math.floor(l0); k <= Math.ceil(l1); k += 1) {
    for (const m of [1, 2, 5]) {
      const t = clean(m * 10 ** k);
      if (t >= d0 * (1 - 1e-9) && t <= d1 * (1 + 1e-9)) ticks.push(t);
    }
  }
  return Object.assign(f, { ticks, log: true });
}

/** Coordinates in SVG are written with at most two decimals: smaller files, identical bytes. */
export const px = (x: number): string => String(Math.round(x * 100) / 100);

/** Dollar tick labels: as many digits as the tick needs ($0, $0.05, $0.2, $1.5, $20). */
export function usdTick(v: number): string {
  if (v === 0) return '$0';
  const sign = v < 0 ? '-' : '';
  const abs = Math.abs(v);
  return `${sign}$${Number.parseFloat(abs.toPrecision(abs >= 1 ? 3 : 2))}`;
}

/** Percent tick labels for rates in [0, 1]. */
export const pctTick = (v: number): string => `${Math.round(v * 100)}%`;
