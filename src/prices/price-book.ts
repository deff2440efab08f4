import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as GenaiPrices from '@pydantic/genai-prices';
import type { PriceCalculation, PriceOptions, Provider } from '@pydantic/genai-prices';
import type { Cost, PriceSource } from '../../events/tokens.js';
import { loadOverrideFile, type OverridePrice, type OverrideTable } from './override-file.js';
import { compilePlainPrices, type PlainPrices } from './plain-prices.js';
import { scheduleOfModel, scheduleOfOverride, type PriceSchedule } from './price-schedule.js';

export const PRICE_PACKAGE = '@pydantic/genai-prices';

const requireOnDemand = createRequire(import.meta.url);
let pricesPackage: typeof GenaiPrices | null = null;

/** The bundled price table, loaded by the first quote that needs it: recording without tokens never loads it. */
function bundledPrices(): typeof GenaiPrices {
  pricesPackage ??= requireOnDemand('@pydantic/genai-prices') as typeof GenaiPrices;
  return pricesPackage;
}

export interface TokenCounts {
  readonly model: string;
  readonly provider: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

export interface PriceQuote {
  readonly cost: Cost | null;
  readonly priceSource: PriceSource;
}

export interface PriceBookOptions {
  /** Override file path; `undefined` reads RUNLEDGER_PRICES, `null` means none. */
  readonly overrideFile?: string | null;
  /** Called once per model that has no price. Default: a process warning (code RUNLEDGER_UNPRICED). */
  readonly onUnpriced?: (model: string, provider: string | null) => void;
}

let packageVersion: string | null = null;
/** Models already reported as unpriced in this process: one warning per model, however many collectors. */
const warnedModels = new Set<string>();

function warnOncePerProcess(model: string, provider: string | null): void {
  const key = `${provider ?? ''}:${model}`;
  if (warnedModels.has(key)) return;
  warnedModels.add(key);
  process.emitWarning(
    `runledger: no price for model ${JSON.stringify(model)}${provider ? ` (provider ${JSON.stringify(provider)})` : ''}; its token records are unpriced (cost null), never $0. Add it to a price override file (RUNLEDGER_PRICES).`,
    { code: 'RUNLEDGER_UNPRICED' },
  );
}
/** The version of the bundled price data, read from the installed package. */
export function pricePackageVersion(): string {
  if (packageVersion === null) {
    const entry = requireOnDemand.resolve(PRICE_PACKAGE);
    let dir = path.dirname(entry);
    while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
    packageVersion = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  }
  return packageVersion;
}

/**
 * Prices token usage: the override file first (`provider:model`, then `model`), then the price data
 * bundled in @pydantic/genai-prices. Never fetches anything. A model found in neither is unpriced:
 * cost null with source "none", never $0.
 */
export class PriceBook {
  private readonly override: OverrideTable | null;
  private readonly packagePrices = new PackagePrices();
  private readonly warned = new Set<string>();
  private readonly onUnpriced: (model: string, provider: string | null) => void;

  constructor(options: PriceBookOptions = {}) {
    const file = options.overrideFile === undefined ? process.env.RUNLEDGER_PRICES || null : options.overrideFile;
    this.override = file ? loadOverrideFile(file) : null;
    this.onUnpriced = options.onUnpriced ?? warnOncePerProcess;
  }

  /** What RunStarted records about the price table in use. */
  get tableInfo(): { package: string; version: string; overrideFile: string | null; overrideSha256: string | null } {
    return {
      package: PRICE_PACKAGE,
      version: pricePackageVersion(),
      overrideFile: this.override?.file ?? null,
      overrideSha256: this.override?.sha256 ?? null,
    };
  }

  quote(usage: TokenCounts, at: Date = new Date()): PriceQuote {
    const fromOverride = this.quoteOverride(usage);
    if (fromOverride) return fromOverride;
    const fromPackage = this.packagePrices.quote(usage, at);
    if (fromPackage) return fromPackage;
    const key = `${usage.provider ?? ''}:${usage.model}`;
    if (!this.warned.has(key)) {
      this.warned.add(key);
      this.onUnpriced(usage.model, usage.provider);
    }
    return { cost: null, priceSource: { kind: 'none' } };
  }

  /**
   * Every price the book holds for a model (its date and time-of-day variants, each with its
   * input-size tiers) and the prices a typical call gets at `at`; null when the model is unpriced.
   */
  schedule(model: string, provider: string | null, at: Date = new Date()): { schedule: PriceSchedule; priceSource: PriceSource } | null {
    const entry = this.overrideEntry(model, provider);
    if (entry && this.override) {
      return {
        schedule: scheduleOfOverride(entry.price),
        priceSource: { kind: 'override', file: this.override.file, sha256: this.override.sha256, entry: entry.key },
      };
    }
    const found = this.packagePrices.model(
      { model, provider, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      at,
    );
    if (!found) return null;
    return {
      schedule: scheduleOfModel(found.provider.models[0]!, at),
      priceSource: {
        kind: 'package',
        package: PRICE_PACKAGE,
        version: pricePackageVersion(),
        providerId: found.providerId,
        modelId: found.modelId,
      },
    };
  }

  private overrideEntry(model: string, provider: string | null): { key: string; price: OverridePrice } | null {
    if (!this.override) return null;
    for (const key of provider ? [`${provider}:${model}`, model] : [model]) {
      const price = this.override.models.get(key);
      if (price) return { key, price };
    }
    return null;
  }

  private quoteOverride(usage: TokenCounts): PriceQuote | null {
    if (!this.override) return null;
    const keys = usage.provider ? [`${usage.provider}:${usage.model}`, usage.model] : [usage.model];
    for (const key of keys) {
      const price = this.override.models.get(key);
      if (price) {
        return {
          cost: costFromOverride(usage, price),
          priceSource: { kind: 'override', file: this.override.file, sha256: this.override.sha256, entry: key },
        };
      }
    }
    return null;
  }
}

function costFromOverride(usage: TokenCounts, price: OverridePrice): Cost {
  const uncached = usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
  const inputUsd =
    (uncached * price.input +
      usage.cacheReadTokens * (price.cacheRead ?? price.input) +
      usage.cacheWriteTokens * (price.cacheWrite ?? price.input)) /
    1e6;
  const outputUsd = (usage.outputTokens * price.output) / 1e6;
  return { inputUsd, outputUsd, totalUsd: inputUsd + outputUsd };
}

/** A (provider, model) found in the bundled table: a provider holding just that model, and its fast path if any. */
interface ResolvedModel {
  readonly provider: Provider;
  readonly providerId: string;
  readonly modelId: string;
  readonly plain: PlainPrices | null;
}

/**
 * Prices from the bundled table. Finding a model's provider and entry scans the whole catalogue
 * (microseconds per call), so each (provider, model) is resolved once. Later quotes of a model whose
 * prices are plain per-token prices are computed by plain-prices.ts; others pass genai-prices a
 * provider holding just that model, which it only has to compute (tiers and date-conditional
 * prices still apply).
 */
class PackagePrices {
  /** By provider (null: none given), then model: no key string built per quote. */
  private readonly resolved = new Map<string | null, Map<string, ResolvedModel | null>>();

  quote(usage: TokenCounts, at: Date): PriceQuote | null {
    let models = this.resolved.get(usage.provider);
    if (models === undefined) {
      models = new Map();
      this.resolved.set(usage.provider, models);
    }
    const known = models.get(usage.model);
    if (known === null) return null;
    if (known === undefined) {
      const result = this.resolve(models, usage, at);
      return result && packageQuote(result.input_price, result.output_price, result.total_price, result.provider.id, result.model.id);
    }
    if (known.plain) {
      const cost = known.plain(usage, at);
      return cost && packageQuote(cost.input, cost.output, cost.total, known.providerId, known.modelId);
    }
    const result = price(usage, { provider: known.provider, timestamp: at });
    return result && packageQuote(result.input_price, result.output_price, result.total_price, result.provider.id, result.model.id);
  }

  /** The model's entry in the bundled table, resolved as a quote would resolve it; null when the table lacks it. */
  model(usage: TokenCounts, at: Date): ResolvedModel | null {
    let models = this.resolved.get(usage.provider);
    if (models === undefined) {
      models = new Map();
      this.resolved.set(usage.provider, models);
    }
    if (!models.has(usage.model)) this.resolve(models, usage, at);
    return models.get(usage.model) ?? null;
  }

  private resolve(models: Map<string, ResolvedModel | null>, usage: TokenCounts, at: Date): PriceCalculation | null {
    // A provider the table does not know is no reason to give up: match on the model name alone.
    const providerId = usage.provider && bundledPrices().findProvider({ providerId: usage.provider }) ? usage.provider : undefined;
    const result = price(usage, { providerId, timestamp: at });
    models.set(
      usage.model,
      result
        ? {
            provider: { ...result.provider, models: [result.model] },
            providerId: result.provider.id,
            modelId: result.model.id,
            plain: compilePlainPrices(result.model),
          }
        : null,
    );
    return result;
  }
}

function packageQuote(inputUsd: number, outputUsd: number, totalUsd: number, providerId: string, modelId: string): PriceQuote {
  return {
    cost: { inputUsd, outputUsd, totalUsd },
    priceSource: { kind: 'package', package: PRICE_PACKAGE, version: pricePackageVersion(), providerId, modelId },
  };
}

function price(usage: TokenCounts, options: PriceOptions): PriceCalculation | null {
  try {
    return bundledPrices().calcPrice(
      {
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
        cache_read_tokens: usage.cacheReadTokens,
        cache_write_tokens: usage.cacheWriteTokens,
      },
      usage.model,
      options,
    );
  } catch {
    return null; // the package throws for price data it cannot apply; that model is unpriced
  }
}
