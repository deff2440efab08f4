import type { ConditionalPrice, ModelInfo, ModelPrice } from '@pydantic/genai-prices';

/** Token counts as the package's calcPrice is given them (see price-book.ts). */
export interface PlainUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

/** The package's result fields: input_price, output_price, total_price. */
interface PlainCost {
  readonly input: number;
  readonly output: number;
  readonly total: number;
}

/** Prices a usage at a time; null where calcPrice would throw (and the usage goes unpriced). */
export type PlainPrices = (usage: PlainUsage, at: Date) => PlainCost | null;

/**
 * genai-prices' calcPrice rebuilds and re-checks a model's price units on every call (sets, sorts,
 * JSON keys: about 10 µs, most of a TokensUsed call). Most of its table is plain per-million prices
 * of input, output, cache-read and cache-write tokens, sometimes switched by a start date or a time
 * of day. For those models this computes the same result from a few multiplications, in the
 * package's own order of operations (its functions `we`, `ne` and `he` in dist/index.js), so the
 * floats are bit for bit its own: test/prices.plain-prices.test.ts checks every model of the
 * bundled table against calcPrice. Anything else (tiers, other units, other constraints) compiles
 * to null and stays with calcPrice.
 */
export function compilePlainPrices(model: ModelInfo): PlainPrices | null {
  if (!Array.isArray(model.prices)) {
    const prices = compilePriceSet(model.prices);
    return prices && ((usage) => prices(usage));
  }
  const schedule = compileSchedule(model.prices);
  if (!schedule) return null;
  const [first] = schedule;
  return (usage, at) => {
    const ms = at.getTime();
    if (Number.isNaN(ms)) return null; // calcPrice throws RangeError("Invalid time value")
    // Like the package: the last entry whose constraint holds wins, else the first entry.
    for (let i = schedule.length - 1; i >= 0; i -= 1) {
      const entry = schedule[i]!;
      if (entry.holds(at, ms)) return entry.prices(usage);
    }
    return first!.prices(usage);
  };
}

interface ScheduleEntry {
  readonly holds: (at: Date, ms: number) => boolean;
  readonly prices: (usage: PlainUsage) => PlainCost | null;
}

function compileSchedule(entries: readonly ConditionalPrice[]): ScheduleEntry[] | null {
  if (entries.length === 0) return null;
  const schedule: ScheduleEntry[] = [];
  for (const entry of entries) {
    const holds = compileConstraint(entry.constraint);
    if (!holds) return null;
    // A set this cannot compute is calcPrice's to refuse or price: the whole model stays with it.
    const prices = compilePriceSet(entry.prices);
    if (!prices) return null;
    schedule.push({ holds, prices });
  }
  return schedule;
}

function hasExactKeys(o: object, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  return own.length === keys.length && own.every((key) => keys.includes(key));
}

/** The constraints the package accepts in their typed form (its `Me`); anything else is left to it. */
function compileConstraint(constraint: ConditionalPrice['constraint'] | undefined): ScheduleEntry['holds'] | null {
  if (constraint === undefined) return () => true;
  if (constraint === null || typeof constraint !== 'object' || Array.isArray(constraint)) return null;
  if (constraint.type === 'start_date') {
    if (!hasExactKeys(constraint, ['start_date', 'type']) || !isCalendarDate(constraint.start_date)) return null;
    const from = new Date(constraint.start_date).getTime();
    return (_at, ms) => ms >= from;
  }
  if (constraint.type === 'time_of_date') {
    if (!hasExactKeys(constraint, ['end_time', 'start_time', 'type'])) return null;
    const start = secondsOfDay(constraint.start_time);
    const end = secondsOfDay(constraint.end_time);
    if (start === null || end === null) return null;
    return (at) => {
      const now = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds() + at.getUTCMilliseconds() / 1e3;
      return end < start ? now >= start || now < end : now >= start && now < end;
    };
  }
  return null;
}

function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1 && date.toISOString().startsWith(value);
}

/** A time-of-day constraint's bound in seconds after midnight UTC (the package's `A`), or null if it would throw. */
function secondsOfDay(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(value);
  if (!match) return null;
  const [, h, m, s, fraction = '', zone, sign, zoneHours = '00', zoneMinutes = '00'] = match as unknown as string[];
  const hours = Number(h);
  const minutes = Number(m);
  const seconds = Number(s);
  const offset = (Number(zoneHours) * 60 + Number(zoneMinutes)) * 60;
  if (hours > 23 || minutes > 59 || seconds > 59 || zoneHours > '23' || zoneMinutes > '59') return null;
  const local = hours * 3600 + minutes * 60 + seconds + +`0.${fraction}`;
  const shift = zone === 'Z' ? 0 : sign === '+' ? offset : -offset;
  return (local - shift + 86400) % 86400;
}

type TokenKind = 'input' | 'output' | 'cacheRead' | 'cacheWrite';
const KIND_OF_PRICE_KEY: Readonly<Record<string, TokenKind>> = {
  input_mtok: 'input',
  output_mtok: 'output',
  cache_read_mtok: 'cacheRead',
  cache_write_mtok: 'cacheWrite',
};

/** The package's check of a usage value (its `b`): a finite number >= 0, or it throws. */
const isUsageValue = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * One set of per-million prices. The package's steps, for these four units only:
 * - every unit priced needs its ancestors priced (cache reads and writes are parts of the input);
 * - leaf values, most specific unit first: cache reads, cache writes, then input minus both of the
 *   ones priced (rounding within a few ulps to 0, else refused), output as given;
 * - each price in the set's key order adds price * leaf / 1e6 to its direction; total = input + output.
 */
function compilePriceSet(prices: ModelPrice): ((usage: PlainUsage) => PlainCost | null) | null {
  if (prices === null || typeof prices !== 'object' || Array.isArray(prices)) return null;
  const terms: Array<{ readonly kind: TokenKind; readonly price: number }> = [];
  for (const [key, price] of Object.entries(prices)) {
    if (price === undefined) continue;
    const kind = KIND_OF_PRICE_KEY[key];
    if (kind === undefined || typeof price !== 'number' || !Number.isFinite(price) || price < 0) return null;
    terms.push({ kind, price });
  }
  const priced = new Set(terms.map((term) => term.kind));
  const hasInput = priced.has('input');
  const hasOutput = priced.has('output');
  const hasCacheRead = priced.has('cacheRead');
  const hasCacheWrite = priced.has('cacheWrite');
  if ((hasCacheRead || hasCacheWrite) && !hasInput) return null; // calcPrice throws: missing ancestor price
  const units = priced.size;
  // eslint-disable-next-line complexity -- mirrors calcPrice's arithmetic branch for branch, to stay bit-for-bit equal
  return (usage) => {
    let inputLeaf = 0;
    let outputLeaf = 0;
    let cacheRead = 0;
    let cacheWrite = 0;
    if (hasCacheRead) {
      if (!isUsageValue(usage.cacheReadTokens)) return null;
      cacheRead = usage.cacheReadTokens;
    }
    if (hasCacheWrite) {
      if (!isUsageValue(usage.cacheWriteTokens)) return null;
      cacheWrite = usage.cacheWriteTokens;
    }
    if (hasInput) {
      if (!isUsageValue(usage.inputTokens)) return null;
      let parts = 0;
      if (hasCacheRead) parts += cacheRead;
      if (hasCacheWrite) parts += cacheWrite;
      inputLeaf = usage.inputTokens - parts;
      if (inputLeaf < 0) {
        const tolerance = Number.EPSILON * Math.max(1, Math.abs(usage.inputTokens), Math.abs(parts)) * (units + 1);
        if (Math.abs(inputLeaf) > tolerance) return null;
        inputLeaf = 0;
      }
    }
    if (hasOutput) {
      if (!isUsageValue(usage.outputTokens)) return null;
      outputLeaf = usage.outputTokens;
    }
    let input = 0;
    let output = 0;
    for (const { kind, price } of terms) {
      if (kind === 'output') output += (price * outputLeaf) / 1e6;
      else input += (price * (kind === 'input' ? inputLeaf : kind === 'cacheRead' ? cacheRead : cacheWrite)) / 1e6;
    }
    return { input, output, total: input + output };
  };
}
