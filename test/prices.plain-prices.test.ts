import { calcPrice, waitForUpdate, type ModelInfo, type Provider } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriceBook } from '../src/index.js';
import { compilePlainPrices, type PlainUsage } from '../src/prices/plain-prices.js';

/** What calcPrice says for one model alone (the way PriceBook asks it after the first quote), or null where it throws. */
function packageCost(
  provider: Provider,
  model: ModelInfo,
  usage: PlainUsage,
  at: Date,
): { input: number; output: number; total: number } | null | 'unmatched' {
  let result;
  try {
    result = calcPrice(
      {
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
        cache_read_tokens: usage.cacheReadTokens,
        cache_write_tokens: usage.cacheWriteTokens,
      },
      model.id,
      { provider: { ...provider, models: [model] }, timestamp: at },
    );
  } catch {
    return null;
  }
  return result ? { input: result.input_price, output: result.output_price, total: result.total_price } : 'unmatched';
}

const tokens = fc.oneof(
  fc.integer({ min: 0, max: 2_000_000 }),
  fc.integer({ min: 0, max: 1_000_000_000_000 }),
  fc.constantFrom(0, 1, 999_999, 1_000_000),
);
/** Counts as the collector sends them, and some it refuses before pricing (cache beyond the input, fractions, negatives). */
const usageArb = fc.oneof(
  fc.record({ inputTokens: tokens, outputTokens: tokens, cacheReadTokens: tokens, cacheWriteTokens: tokens }).map((u) => ({
    ...u,
    inputTokens: u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens,
  })),
  fc.record({ inputTokens: tokens, outputTokens: tokens, cacheReadTokens: tokens, cacheWriteTokens: tokens }),
  fc.record({
    inputTokens: fc.double({ min: -10, max: 1e7, noNaN: true }),
    outputTokens: fc.double({ min: -10, max: 1e7, noNaN: true }),
    cacheReadTokens: fc.double({ min: -10, max: 1e5, noNaN: true }),
    cacheWriteTokens: fc.double({ min: -10, max: 1e5, noNaN: true }),
  }),
);
/** Any time from 2022 to 2030, and times of day around the half hours where time-of-day prices switch. */
const atArb = fc.oneof(
  fc.integer({ min: Date.UTC(2022, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 23 }),
      fc.constantFrom(0, 29, 30, 31),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 999 }),
    )
    .map(([h, m, s, ms]) => new Date(Date.UTC(2026, 5, 1, h, m, s, ms))),
);

/** The instants where a model's prices switch, and a millisecond either side: where an off-by-one would show. */
function switchTimes(model: ModelInfo): Date[] {
  if (!Array.isArray(model.prices)) return [];
  const instants: number[] = [];
  for (const { constraint } of model.prices) {
    if (constraint?.type === 'start_date') instants.push(Date.parse(constraint.start_date));
    if (constraint?.type === 'time_of_date') {
      for (const time of [constraint.start_time, constraint.end_time]) instants.push(Date.parse(`2026-06-01T${time}`));
    }
  }
  return instants.flatMap((ms) => [ms - 1, ms, ms + 1]).map((ms) => new Date(ms));
}

describe('plain per-token prices are computed bit for bit as genai-prices computes them', async () => {
  const providers = await waitForUpdate();
  if (providers === null) throw new Error('@pydantic/genai-prices has no price table');
  const models = providers.flatMap((provider) => provider.models.map((model) => ({ provider, model })));

  it('covers most of the bundled table (the rest stays with calcPrice)', () => {
    const compiled = models.filter(({ model }) => compilePlainPrices(model) !== null);
    expect(models.length).toBeGreaterThan(1000);
    expect(compiled.length / models.length).toBeGreaterThan(0.8);
  });

  it('every compiled model of the table, at any usage and time: the same three floats, or unpriced where calcPrice throws', () => {
    let compared = 0;
    for (const { provider, model } of models) {
      const plain = compilePlainPrices(model);
      if (!plain) continue;
      fc.assert(
        fc.property(
          usageArb,
          switchTimes(model).length > 0 ? fc.oneof(atArb, fc.constantFrom(...switchTimes(model))) : atArb,
          (usage, at) => {
            const expected = packageCost(provider, model, usage, at);
            if (expected === 'unmatched') return; // the model's id is not a name its own match rule takes
            compared += 1;
            const actual = plain(usage, at);
            if (expected === null) expect(actual).toBeNull();
            else {
              expect(actual).not.toBeNull();
              // Object.is: the same float, bit for bit (and -0 is not 0).
              expect([
                Object.is(actual!.input, expected.input),
                Object.is(actual!.output, expected.output),
                Object.is(actual!.total, expected.total),
              ]).toEqual([true, true, true]);
            }
          },
        ),
        { numRuns: 40, seed: 8 },
      );
    }
    expect(compared).toBeGreaterThan(40_000);
  });

  it('an invalid time is unpriced for a model with time-dependent prices, as calcPrice throws for it', () => {
    const { provider, model } = models.find(({ model }) => model.id === 'deepseek-chat' && Array.isArray(model.prices))!;
    const usage = { inputTokens: 10, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 };
    expect(packageCost(provider, model, usage, new Date(Number.NaN))).toBeNull();
    expect(compilePlainPrices(model)!(usage, new Date(Number.NaN))).toBeNull();
  });

  it('tiered prices, other units and unknown constraints compile to null', () => {
    const base: ModelInfo = { id: 'm', match: { equals: 'm' }, prices: { input_mtok: 1, output_mtok: 2 } };
    expect(compilePlainPrices(base)).not.toBeNull();
    expect(
      compilePlainPrices({ ...base, prices: { input_mtok: { base: 1, tiers: [{ start: 200_000, price: 2 }] }, output_mtok: 2 } }),
    ).toBeNull();
    expect(compilePlainPrices({ ...base, prices: { input_mtok: 1, output_mtok: 2, web_searches_kcount: 10 } })).toBeNull();
    expect(compilePlainPrices({ ...base, prices: { cache_read_mtok: 1, output_mtok: 2 } })).toBeNull();
    expect(
      compilePlainPrices({
        ...base,
        prices: [{ prices: { input_mtok: 1 } }, { constraint: { type: 'weekday' } as never, prices: { input_mtok: 2 } }],
      }),
    ).toBeNull();
    expect(
      compilePlainPrices({
        ...base,
        prices: [
          { prices: { input_mtok: 1 } },
          { constraint: { type: 'time_of_date', start_time: '25:00:00Z', end_time: '01:00:00Z' }, prices: { input_mtok: 2 } },
        ],
      }),
    ).toBeNull();
  });
});

describe('PriceBook: the quote after the first one for a model is the quote calcPrice gives', () => {
  it.each([
    ['deepseek-chat', 'deepseek'],
    ['claude-sonnet-4-20250514', 'anthropic'],
    ['gpt-4o', 'openai'],
    ['gpt-4o', 'my-gateway'],
    ['gemini-2.5-pro', 'google'],
  ])('%s (provider %s), at times across a day and a year', (model, provider) => {
    const book = new PriceBook({ overrideFile: null, onUnpriced: () => {} });
    const usage = { model, provider, inputTokens: 300_000, outputTokens: 7001, cacheReadTokens: 1234, cacheWriteTokens: 99 };
    const times = Array.from({ length: 96 }, (_, i) => new Date(Date.UTC(2025, i % 12, 1 + (i % 28), Math.floor(i / 4), (i % 4) * 15, 7)));
    const quotes = times.map((at) => book.quote(usage, at));
    const fresh = times.map((at) => new PriceBook({ overrideFile: null, onUnpriced: () => {} }).quote(usage, at));
    expect(quotes).toEqual(fresh);
    expect(quotes[0]!.cost).not.toBeNull();
  });
});
