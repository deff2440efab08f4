import fs from 'node:fs';
import path from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it, vi } from 'vitest';
import { PriceBook, pricePackageVersion } from '../src/index.js';
import { readLines, startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/** The package's own per-million prices for a model, read from its bundled data. */
function packagePrices(model: string, providerId: string): Record<string, number> {
  const result = calcPrice({ input_tokens: 1, output_tokens: 1 }, model, { providerId });
  if (!result) throw new Error(`no price for ${model}`);
  return result.model_price as Record<string, number>;
}

const usage = (model: string, provider: string | null, input: number, output: number, cacheRead = 0, cacheWrite = 0) => ({
  model,
  provider,
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: cacheRead,
  cacheWriteTokens: cacheWrite,
});

describe('costs come from @pydantic/genai-prices and match a hand computation', () => {
  const book = new PriceBook({ overrideFile: null, onUnpriced: () => {} });

  it("deepseek-chat: input and output at the package's per-million prices", () => {
    const p = packagePrices('deepseek-chat', 'deepseek');
    const quote = book.quote(usage('deepseek-chat', 'deepseek', 1500, 800));
    expect(quote.cost!.inputUsd).toBeCloseTo((1500 * p.input_mtok!) / 1e6, 12);
    expect(quote.cost!.outputUsd).toBeCloseTo((800 * p.output_mtok!) / 1e6, 12);
    expect(quote.cost!.totalUsd).toBeCloseTo((1500 * p.input_mtok! + 800 * p.output_mtok!) / 1e6, 12);
    expect(quote.priceSource).toEqual({
      kind: 'package',
      package: '@pydantic/genai-prices',
      version: pricePackageVersion(),
      providerId: 'deepseek',
      modelId: 'deepseek-chat',
    });
  });

  it('cache tokens are parts of the input, priced at their own rates, never added on top', () => {
    const p = packagePrices('claude-sonnet-4-20250514', 'anthropic');
    const quote = book.quote(usage('claude-sonnet-4-20250514', 'anthropic', 10_000, 1000, 6000, 1000));
    const expectedInput = (3000 * p.input_mtok! + 6000 * p.cache_read_mtok! + 1000 * p.cache_write_mtok!) / 1e6;
    expect(quote.cost!.inputUsd).toBeCloseTo(expectedInput, 12);
    expect(quote.cost!.totalUsd).toBeCloseTo(expectedInput + (1000 * p.output_mtok!) / 1e6, 12);
  });

  it("the v2 metrics spec's worked example: 1M input and 0.5M output tokens of gpt-4", () => {
    const p = packagePrices('gpt-4', 'openai');
    expect(book.quote(usage('gpt-4', 'openai', 1_000_000, 500_000)).cost!.totalUsd).toBeCloseTo(p.input_mtok! + p.output_mtok! / 2, 9);
  });

  it('a provider the table does not know still prices a model it does know', () => {
    const quote = book.quote(usage('gpt-4o', 'my-gateway', 1000, 1000));
    expect(quote.priceSource).toMatchObject({ kind: 'package', providerId: 'openai' });
  });

  it('an unknown model is unpriced (null, source none), never $0, with one warning per model', () => {
    const warned: string[] = [];
    const quiet = new PriceBook({ overrideFile: null, onUnpriced: (model) => warned.push(model) });
    expect(quiet.quote(usage('acme-llm-9000', null, 100, 100))).toEqual({ cost: null, priceSource: { kind: 'none' } });
    quiet.quote(usage('acme-llm-9000', null, 5, 5));
    quiet.quote(usage('other-unknown', null, 5, 5));
    expect(warned).toEqual(['acme-llm-9000', 'other-unknown']);
  });
});

describe('the price override file', () => {
  function overrideFile(content: unknown): string {
    const file = path.join(tempDir(), 'prices.json');
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  it('wins over the package, provider:model before model, and is named as the source with its hash', () => {
    const file = overrideFile({
      models: { 'deepseek-chat': { input: 1, output: 2 }, 'deepseek:deepseek-chat': { input: 10, output: 20, cacheRead: 1 } },
    });
    const book = new PriceBook({ overrideFile: file });
    const quote = book.quote(usage('deepseek-chat', 'deepseek', 1_000_000, 1_000_000, 500_000));
    expect(quote.cost).toEqual({ inputUsd: 5 + 0.5, outputUsd: 20, totalUsd: 25.5 });
    expect(quote.priceSource).toMatchObject({ kind: 'override', file, entry: 'deepseek:deepseek-chat' });
    expect(book.quote(usage('deepseek-chat', null, 1_000_000, 0)).cost!.totalUsd).toBe(1);
    expect(book.tableInfo.overrideFile).toBe(file);
    expect(book.tableInfo.overrideSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('cache prices default to the input price', () => {
    const book = new PriceBook({ overrideFile: overrideFile({ models: { m: { input: 4, output: 8 } } }) });
    expect(book.quote(usage('m', null, 1_000_000, 0, 250_000, 250_000)).cost!.inputUsd).toBe(4);
  });

  it('is read from RUNLEDGER_PRICES when no option is given', () => {
    const file = overrideFile({ models: { 'house-model': { input: 1, output: 1 } } });
    vi.stubEnv('RUNLEDGER_PRICES', file);
    try {
      expect(new PriceBook().quote(usage('house-model', null, 1_000_000, 0)).cost!.totalUsd).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.each([
    ['missing', null, /cannot be read/],
    ['not JSON', '{"models": ', /is not valid JSON/],
    ['a negative price', { models: { m: { input: -1, output: 1 } } }, /models\.m\.input/],
    ['an unknown field', { models: { m: { input: 1, output: 1, inputt: 3 } } }, /inputt/],
    ['no models key', { prices: {} }, /models/],
  ])('refuses a file that is %s, before any run starts', async (_name, content, message) => {
    const file = content === null ? '/nonexistent/prices.json' : overrideFile(content);
    expect(() => new PriceBook({ overrideFile: file })).toThrow(
      expect.objectContaining({ code: 'PRICE_FILE_INVALID', message: expect.stringMatching(message) }),
    );
    const dir = tempDir();
    await expect(startRun(dir, { prices: file })).rejects.toMatchObject({ code: 'PRICE_FILE_INVALID' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('TokensUsed events store cost and price source, so replays never re-price', () => {
  it('records the cost and the package version at the time of the call', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 't' });
    const returned = c.recordTokenUsage({
      model: 'deepseek-chat',
      provider: 'deepseek',
      inputTokens: 1500,
      outputTokens: 800,
      reasoningTokens: 300,
    });
    c.recordTokenUsage({ model: 'in-house-model', inputTokens: 10, outputTokens: 10 });
    c.finalizeRun();
    const events = readLines(c.journalPath).map((l) => JSON.parse(l));
    const [priced, unpriced] = events.filter((e) => e.type === 'TokensUsed');
    expect(priced.data).toEqual(returned);
    expect(priced.data.cost.totalUsd).toBeGreaterThan(0);
    expect(priced.data.reasoningTokens).toBe(300);
    expect(unpriced.data.cost).toBeNull();
    expect(unpriced.data.priceSource).toEqual({ kind: 'none' });
    expect(events[0].data.priceTable).toEqual({
      package: '@pydantic/genai-prices',
      version: pricePackageVersion(),
      overrideFile: null,
      overrideSha256: null,
    });
  });
});
