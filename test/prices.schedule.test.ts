import { describe, expect, it } from 'vitest';
import { PriceBook } from '../src/prices/price-book.js';

const book = new PriceBook({ overrideFile: null, onUnpriced: () => {} });

describe('PriceBook.schedule: every tier and variant, and what a typical call gets', () => {
  it('a tiered model: the typical price is the base tier, the >200K tier is listed with its threshold', () => {
    const found = book.schedule('claude-sonnet-4-5', null, new Date('2026-01-01T12:00:00Z'))!;
    expect(found.schedule.typical).toEqual({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
    expect(found.schedule.variants).toHaveLength(1);
    expect(found.schedule.variants[0]!.perMillion.input).toEqual({ base: 3, tiers: [{ aboveInputTokens: 200_000, price: 6 }] });
    expect(found.schedule.variants[0]!.perMillion.output).toEqual({ base: 15, tiers: [{ aboveInputTokens: 200_000, price: 22.5 }] });
    // The schedule agrees with what a recorded call is charged on either side of the threshold.
    const quote = (input: number) =>
      book.quote({
        model: 'claude-sonnet-4-5',
        provider: null,
        inputTokens: input,
        outputTokens: 1_000_000,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      }).cost!;
    expect(quote(1000).outputUsd).toBeCloseTo(15, 9);
    expect(quote(200_001).outputUsd).toBeCloseTo(22.5, 9);
    const gemini = book.schedule('gemini-2.5-pro', null)!.schedule;
    expect(gemini.typical).toMatchObject({ input: 1.25, output: 10 });
    expect(gemini.variants[0]!.perMillion.input.tiers).toEqual([{ aboveInputTokens: 200_000, price: 2.5 }]);
  });

  it('a time-of-day model: both variants with their condition, the one in force marked', () => {
    const night = book.schedule('deepseek-chat', 'deepseek', new Date('2026-01-01T20:00:00Z'))!.schedule;
    const day = book.schedule('deepseek-chat', 'deepseek', new Date('2026-01-01T10:00:00Z'))!.schedule;
    expect(night.variants.map((v) => [v.condition, v.appliesNow])).toEqual([
      [{ kind: 'otherwise' }, true],
      [{ kind: 'time-of-day', startTime: '00:30:00Z', endTime: '16:30:00Z' }, false],
    ]);
    expect(day.variants.map((v) => v.appliesNow)).toEqual([false, true]);
    expect(night.typical).toMatchObject({ input: 0.135, output: 0.55 });
    expect(day.typical).toMatchObject({ input: 0.27, output: 1.1 });
  });

  it('an unknown model has no schedule', () => {
    expect(book.schedule('acme-9000', null)).toBeNull();
  });
});
