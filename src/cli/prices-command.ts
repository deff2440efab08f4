import { loadAnalysisRuns } from '../../replay/load-analysis-runs.js';
import { renderTextTable } from '../analysis/render/table.js';
import { PriceBook, type PriceQuote } from '../prices/price-book.js';
import type { PriceCondition, PriceRate, PriceVariant } from '../prices/price-schedule.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './exit-codes.js';
import { existingLogsDir, noteReadOnly } from './logs-dir.js';
import { printable } from '../errors.js';

interface ModelPrices {
  readonly model: string;
  readonly provider: string | null;
  /** USD per million tokens a typical call gets now (the variant in force, below every tier); null when the model has no price. */
  readonly perMillion: { readonly input: number; readonly output: number; readonly cacheRead: number; readonly cacheWrite: number } | null;
  /** Every price set with its condition (date, time of day) and input-size tiers; empty when unpriced. */
  readonly variants: readonly PriceVariant[];
  readonly source: PriceQuote['priceSource'];
}

/** The prices runledger would use now for a model, per million tokens of each kind, and where they come from. */
function modelPrices(book: PriceBook, model: string, provider: string | null): ModelPrices {
  const found = book.schedule(model, provider);
  if (!found) return { model, provider, perMillion: null, variants: [], source: { kind: 'none' } };
  return { model, provider, perMillion: found.schedule.typical, variants: found.schedule.variants, source: found.priceSource };
}

const money = (x: number): string => `$${Number(x.toPrecision(6))}`;
const tokens = (n: number): string => n.toLocaleString('en-US');

function conditionText(condition: PriceCondition): string {
  switch (condition.kind) {
    case 'always':
      return 'always';
    case 'otherwise':
      return 'when no other variant applies';
    case 'from-date':
      return `from ${condition.startDate}`;
    case 'time-of-day':
      return `between ${condition.startTime} and ${condition.endTime} (time of day)`;
  }
}

/** A variant's prices: one column per input-size tier ("input ≤ 200,000 tokens", "> 200,000"). */
function variantTable(variant: PriceVariant): string {
  const kinds = [
    ['input', variant.perMillion.input],
    ['output', variant.perMillion.output],
    ['cache read', variant.perMillion.cacheRead],
    ['cache write', variant.perMillion.cacheWrite],
  ] as const;
  const thresholds = [...new Set(kinds.flatMap(([, r]) => r.tiers.map((t) => t.aboveInputTokens)))].sort((a, b) => a - b);
  const at = (r: PriceRate, threshold: number | null): number =>
    threshold === null ? r.base : (r.tiers.filter((t) => t.aboveInputTokens <= threshold).at(-1)?.price ?? r.base);
  const columns: (number | null)[] = [null, ...thresholds];
  const headers =
    thresholds.length === 0
      ? ['per million tokens', 'USD']
      : ['per million tokens', `call input ≤ ${tokens(thresholds[0]!)} (typical)`, ...thresholds.map((t) => `call input > ${tokens(t)}`)];
  return renderTextTable({
    headers,
    right: new Set(columns.map((_, i) => i + 1)),
    rows: kinds.map(([name, r]) => [name, ...columns.map((c) => money(at(r, c)))]),
  });
}

function describePrices(prices: ModelPrices): string {
  const p = prices.perMillion!;
  const tiered = prices.variants.some((v) => Object.values(v.perMillion).some((r) => r.tiers.length > 0));
  const parts = prices.variants.map((v) =>
    prices.variants.length === 1
      ? variantTable(v)
      : `${conditionText(v.condition)}${v.appliesNow ? ' (applies now)' : ''}:\n${variantTable(v)}`,
  );
  const typical = `A typical call${tiered ? ' (below the tier thresholds)' : ''}${prices.variants.length > 1 ? ' made now' : ''} gets ${money(p.input)} input / ${money(p.output)} output per million tokens.`;
  const tierNote = tiered ? ' A call whose input tokens exceed a threshold is priced wholly at that tier.' : '';
  return `${parts.join('\n\n')}\n${typical}${tierNote}\n`;
}

function describeSource(source: PriceQuote['priceSource']): string {
  switch (source.kind) {
    case 'package':
      return `${source.package} ${source.version} (provider ${source.providerId}, model ${source.modelId})`;
    case 'override':
      return `override file ${source.file} (entry ${source.entry})`;
    case 'none':
      return 'no price';
  }
}

export interface PricesOptions {
  provider?: string;
  check?: boolean;
  prices?: string;
  dir?: string;
  json?: boolean;
}

export async function pricesCommand(modelArgument: string | undefined, options: PricesOptions): Promise<void> {
  const book = new PriceBook({ overrideFile: options.prices, onUnpriced: () => {} });
  if (options.check) {
    const { runs, readOnly, replay } = await loadAnalysisRuns({ dir: existingLogsDir(options.dir) });
    if (readOnly) noteReadOnly(replay.dir);
    const seen = [...new Set(runs.flatMap((r) => r.models))].sort();
    const models = seen.map((key) => {
      const at = key.indexOf(':');
      const provider = key.slice(0, at) || null;
      return { ...modelPrices(book, key.slice(at + 1), provider), runs: runs.filter((r) => r.models.includes(key)).length };
    });
    const unpriced = models.filter((m) => m.perMillion === null);
    process.exitCode = unpriced.length > 0 ? EXIT_FINDINGS : EXIT_OK;
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ models, unpriced: unpriced.map((m) => ({ model: m.model, provider: m.provider, runs: m.runs })) }, null, 2)}\n`,
      );
      return;
    }
    process.stdout.write(
      unpriced.length === 0
        ? `All ${models.length} model(s) seen in the journals have a price.\n`
        : `${unpriced.length} of ${models.length} model(s) seen in the journals have no price (their cost is reported as unpriced, never $0); add them to a price override file:\n${unpriced
            .map((m) => `  ${printable(`${m.provider ? `${m.provider}:` : ''}${m.model}`)} (${m.runs} run(s))`)
            .join('\n')}\n`,
    );
    return;
  }
  if (!modelArgument) throw new UsageError('prices needs a model (e.g. runledger prices deepseek-chat) or --check');
  const colon = modelArgument.indexOf(':');
  const provider = options.provider ?? (colon > 0 ? modelArgument.slice(0, colon) : null);
  const model = colon > 0 && !options.provider ? modelArgument.slice(colon + 1) : modelArgument;
  const prices = modelPrices(book, model, provider);
  process.exitCode = prices.perMillion ? EXIT_OK : EXIT_FINDINGS;
  if (options.json) {
    process.stdout.write(`${JSON.stringify(prices, null, 2)}\n`);
    return;
  }
  if (!prices.perMillion) {
    process.stdout.write(
      `No price for ${printable(model)}${provider ? ` (provider ${printable(provider)})` : ''}: its tokens are recorded as unpriced, never $0. Add it to a price override file (RUNLEDGER_PRICES).\n`,
    );
    return;
  }
  process.stdout.write(`${describePrices(prices)}source: ${describeSource(prices.source)}\n`);
}
