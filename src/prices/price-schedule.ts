import type { ConditionalPrice, ModelInfo, ModelPrice, TieredPrices } from '@pydantic/genai-prices';
import type { OverridePrice } from './override-file.js';

/** A price per million tokens: `base`, or a tier's price when the call's input tokens exceed its threshold. */
export interface PriceRate {
  readonly base: number;
  /** Ascending; the last tier whose `aboveInputTokens` the call's input tokens exceed applies. */
  readonly tiers: readonly { readonly aboveInputTokens: number; readonly price: number }[];
}

export type PriceCondition =
  | { readonly kind: 'always' }
  /** The first entry of a schedule applies when no later one does. */
  | { readonly kind: 'otherwise' }
  | { readonly kind: 'from-date'; readonly startDate: string }
  | { readonly kind: 'time-of-day'; readonly startTime: string; readonly endTime: string };

/** One set of prices of a model, with the condition under which it applies. */
export interface PriceVariant {
  readonly condition: PriceCondition;
  /** Whether this variant applies at the time asked about (a call made then gets it). */
  readonly appliesNow: boolean;
  /** Cache prices absent from the data are charged at the input price, as genai-prices does. */
  readonly perMillion: {
    readonly input: PriceRate;
    readonly output: PriceRate;
    readonly cacheRead: PriceRate;
    readonly cacheWrite: PriceRate;
  };
}

/** Every price a model has: its variants (dates, times of day), each with its input-size tiers. */
export interface PriceSchedule {
  readonly variants: readonly PriceVariant[];
  /** The prices a typical call gets now: the variant that applies now, below every tier threshold. */
  readonly typical: { readonly input: number; readonly output: number; readonly cacheRead: number; readonly cacheWrite: number };
}

function rate(value: number | TieredPrices | undefined): PriceRate | null {
  if (value === undefined) return null;
  if (typeof value === 'number') return { base: value, tiers: [] };
  return {
    base: value.base,
    tiers: [...value.tiers].sort((a, b) => a.start - b.start).map((t) => ({ aboveInputTokens: t.start, price: t.price })),
  };
}

function perMillion(prices: ModelPrice): PriceVariant['perMillion'] {
  const input = rate(prices.input_mtok) ?? { base: 0, tiers: [] };
  return {
    input,
    output: rate(prices.output_mtok) ?? { base: 0, tiers: [] },
    cacheRead: rate(prices.cache_read_mtok) ?? input,
    cacheWrite: rate(prices.cache_write_mtok) ?? input,
  };
}

function secondsOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?/.exec(time);
  if (!match) return Number.NaN;
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(time);
  const local = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0);
  const shift = offset ? (offset[1] === '+' ? 1 : -1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60) : 0;
  return (local - shift + 86400) % 86400;
}

function holds(constraint: ConditionalPrice['constraint'], at: Date): boolean {
  if (constraint === undefined) return true;
  if (constraint.type === 'start_date') return at.getTime() >= new Date(constraint.start_date).getTime();
  const start = secondsOfDay(constraint.start_time);
  const end = secondsOfDay(constraint.end_time);
  const now = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds();
  return end < start ? now >= start || now < end : now >= start && now < end;
}

function condition(constraint: ConditionalPrice['constraint'], alone: boolean): PriceCondition {
  if (constraint === undefined) return alone ? { kind: 'always' } : { kind: 'otherwise' };
  if (constraint.type === 'start_date') return { kind: 'from-date', startDate: constraint.start_date };
  return { kind: 'time-of-day', startTime: constraint.start_time, endTime: constraint.end_time };
}

function withTypical(variants: PriceVariant[]): PriceSchedule {
  const now = variants.find((v) => v.appliesNow) ?? variants[0]!;
  const p = now.perMillion;
  return { variants, typical: { input: p.input.base, output: p.output.base, cacheRead: p.cacheRead.base, cacheWrite: p.cacheWrite.base } };
}

/** A bundled model's schedule at `at`: like calcPrice, the last entry whose constraint holds wins, else the first. */
export function scheduleOfModel(model: ModelInfo, at: Date): PriceSchedule {
  const entries: readonly ConditionalPrice[] = Array.isArray(model.prices) ? model.prices : [{ prices: model.prices }];
  let current = 0;
  entries.forEach((entry, i) => {
    if (holds(entry.constraint, at)) current = i;
  });
  return withTypical(
    entries.map((entry, i) => ({
      condition: condition(entry.constraint, entries.length === 1),
      appliesNow: i === current,
      perMillion: perMillion(entry.prices),
    })),
  );
}

/** An override entry: one flat price set. */
export function scheduleOfOverride(price: OverridePrice): PriceSchedule {
  const flat = (base: number): PriceRate => ({ base, tiers: [] });
  return withTypical([
    {
      condition: { kind: 'always' },
      appliesNow: true,
      perMillion: {
        input: flat(price.input),
        output: flat(price.output),
        cacheRead: flat(price.cacheRead ?? price.input),
        cacheWrite: flat(price.cacheWrite ?? price.input),
      },
    },
  ]);
}
