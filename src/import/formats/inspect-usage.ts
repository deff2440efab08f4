import type { FieldReader } from '../fields.js';
import type { ImportedEvent, ImportOptions } from '../importer.js';
import { tokenRecord, unknownCostRecord } from '../token-record.js';
import { reportedCost } from './reported-cost.js';

/** Inspect names models `<provider>/<model>` ("openai/gpt-4o", "anthropic/claude-3-5-sonnet-latest"). */
export function inspectModel(name: string): { provider: string | null; model: string } {
  const slash = name.indexOf('/');
  return slash > 0 && slash < name.length - 1
    ? { provider: name.slice(0, slash), model: name.slice(slash + 1) }
    : { provider: null, model: name };
}

/** One TokensUsed per model of model_usage: input_tokens exclude cached ones in Inspect, so the cache counts are added back. */
export function* usageEvents(
  fields: FieldReader,
  sample: Record<string, unknown>,
  runModel: string,
  issueId: string,
  at: Date,
  options: ImportOptions,
): Generator<ImportedEvent> {
  const usage = sample.model_usage === undefined || sample.model_usage === null ? {} : fields.object(sample.model_usage, 'model_usage');
  for (const [name, value] of Object.entries(usage)) {
    const counts = fields.object(value, `model_usage.${name}`);
    const { provider, model } = inspectModel(name);
    const cacheRead = fields.optionalCount(counts, 'input_tokens_cache_read') ?? 0;
    const cacheWrite = fields.optionalCount(counts, 'input_tokens_cache_write') ?? 0;
    const input = (fields.optionalCount(counts, 'input_tokens') ?? 0) + cacheRead + cacheWrite;
    const output = fields.optionalCount(counts, 'output_tokens') ?? 0;
    const data = tokenRecord(
      options.prices,
      {
        model,
        provider,
        inputTokens: input,
        outputTokens: output,
        cacheReadTokens: cacheRead,
        cacheWriteTokens: cacheWrite,
        reasoningTokens: fields.optionalCount(counts, 'reasoning_tokens') ?? 0,
        reportedCostUsd: reportedCost(fields.optionalNumber(counts, 'total_cost'), input + output),
        issueId,
        agentId: null,
      },
      at,
    );
    yield { ts: at, type: 'TokensUsed', data };
  }
  if (Object.keys(usage).length === 0) {
    // No usage recorded: the sample's cost is unknown, not $0.
    const { provider, model } = inspectModel(runModel);
    yield { ts: at, type: 'TokensUsed', data: unknownCostRecord(model, provider, issueId) };
  }
}
