import { loadAnalysisRuns } from '../../replay/load-analysis-runs.js';
import { renderTextTable } from '../analysis/render/table.js';
import { PriceBook, type PriceQuote } from '../prices/price-book.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './exit-codes.js';
import { existingLogsDir, noteReadOnly } from './logs-dir.js';
import { printable } from '../errors.js';

interface ModelPrices {
  readonly model: string;
  readonly provider: string | null;
  /** USD per million tokens; null when the model has no price. */
  readonly perMillion: { readonly input: number; readonly output: number; readonly cacheRead: number; readonly cacheWrite: number } | null;
  readonly source: PriceQuote['priceSource'];
}

/** The prices runledger would use now for a model, per million tokens of each kind, and where they come from. */
function modelPrices(book: PriceBook, model: string, provider: string | null): ModelPrices {
  const quote = (input: number, output: number, cacheRead: number, cacheWrite: number): PriceQuote =>
    book.quote({ model, provider, inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite });
  const base = quote(1_000_000, 1_000_000, 0, 0);
  if (base.cost === null) return { model, provider, perMillion: null, source: base.priceSource };
  return {
    model,
    provider,
    perMillion: {
      input: base.cost.inputUsd,
      output: base.cost.outputUsd,
      cacheRead: quote(1_000_000, 0, 1_000_000, 0).cost!.inputUsd,
      cacheWrite: quote(1_000_000, 0, 0, 1_000_000).cost!.inputUsd,
    },
    source: base.priceSource,
  };
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
  const p = prices.perMillion;
  const money = (x: number): string => `$${Number(x.toPrecision(6))}`;
  process.stdout.write(
    `${renderTextTable({
      headers: ['per million tokens', 'USD'],
      right: new Set([1]),
      rows: [
        ['input', money(p.input)],
        ['output', money(p.output)],
        ['cache read', money(p.cacheRead)],
        ['cache write', money(p.cacheWrite)],
      ],
    })}\nsource: ${describeSource(prices.source)}\n`,
  );
}
