import fs from 'node:fs';
import path from 'node:path';
import type { JsonValue } from '../../../events/config.js';
import { ImportInputError } from '../../errors.js';
import { agentFinished, errorEvent, isoTime, issueEnd, NOT_EVALUATED, recordOf, toolCallEvents, type Verdict } from '../agent-issue.js';
import { historyEvents, toolCalls } from './openhands-history.js';
import { FieldReader, issueIdOf } from '../fields.js';
import type { ImportedEvent, ImportedRun, Importer, ImportOptions } from '../importer.js';
import { jsonLines } from '../json-lines.js';
import { splitModelName } from '../model-name.js';
import { NO_CODE_METRICS, patchStats } from '../patch-stats.js';
import { sha256File } from '../source-hash.js';
import { tokenRecord, unknownCostRecord } from '../token-record.js';
import { isDirectory } from '../walk.js';
import { reportedCost } from './reported-cost.js';

/**
 * OpenHands' evaluation output: one EvalOutput per line (evaluation/utils/shared.py: instance_id,
 * test_result, error, history, metrics, metadata), each line one issue of one run. The file is
 * read line by line, twice (the run's config and times, then its events): memory holds one line.
 */
export const OPENHANDS_OUTPUT = 'output.jsonl';

async function outputFile(inputPath: string): Promise<string> {
  return (await isDirectory(inputPath)) ? path.join(inputPath, OPENHANDS_OUTPUT) : inputPath;
}

/** The run's configuration from a line's metadata (EvalMetadata: llm_config, agent_class …); null when the line has none. */
function configOf(fields: FieldReader, line: Record<string, unknown>): ImportedRun['config'] | null {
  if (line.metadata === undefined || line.metadata === null) return null;
  const metadata = fields.object(line.metadata, 'metadata');
  const llmConfig = fields.object(metadata.llm_config, 'metadata.llm_config');
  const model = fields.string(llmConfig, 'model');
  const provider = fields.optionalString(llmConfig, 'custom_llm_provider') ?? splitModelName(model).provider;
  const llm: Record<string, JsonValue> = {};
  for (const key of ['temperature', 'top_p', 'max_output_tokens', 'reasoning_effort'])
    if (typeof llmConfig[key] === 'number' || typeof llmConfig[key] === 'string') llm[key] = llmConfig[key];
  const extra: Record<string, JsonValue> = {};
  for (const [key, name] of [
    ['max_iterations', 'maxIterations'],
    ['git_commit', 'openhandsCommit'],
    ['dataset', 'dataset'],
    ['data_split', 'dataSplit'],
  ] as const)
    if (typeof metadata[key] === 'number' || typeof metadata[key] === 'string') extra[name] = metadata[key];
  return {
    llm: { ...llm, model, ...(provider === null ? {} : { provider }) },
    agent: fields.string(metadata, 'agent_class'),
    ...extra,
  };
}

export const openHandsImporter: Importer = {
  format: 'openhands',
  takes: `an OpenHands evaluation ${OPENHANDS_OUTPUT} (one EvalOutput per line), or the folder holding it`,

  async detect(inputPath) {
    const file = await outputFile(inputPath);
    if (!file.endsWith('.jsonl')) return false;
    try {
      for await (const { value } of jsonLines(file))
        return typeof value === 'object' && value !== null && 'instance_id' in value && ('history' in value || 'test_result' in value);
    } catch {
      return false;
    }
    return false;
  },

  async *runs(inputPath, options) {
    yield await openHandsRun(await outputFile(inputPath), options);
  },
};

async function openHandsRun(file: string, options: ImportOptions): Promise<ImportedRun> {
  // First pass: every line is an EvalOutput of one configuration; the earliest time; the line count.
  let config: ImportedRun['config'] | null = null;
  let lines = 0;
  let startedAt = Number.POSITIVE_INFINITY;
  const ids = new Set<string>();
  for await (const { line, value } of jsonLines(file)) {
    const fields = new FieldReader(file, line);
    const output = fields.object(value, 'an EvalOutput');
    const id = fields.string(output, 'instance_id');
    if (ids.has(id)) throw fields.fail(`instance ${id} is on an earlier line too: one line per instance`);
    ids.add(id);
    const own = configOf(fields, output);
    if (own !== null && config !== null && JSON.stringify(own) !== JSON.stringify(config))
      throw fields.fail(
        `its metadata names ${JSON.stringify(own)}, earlier lines ${JSON.stringify(config)}: one file is one run of one configuration`,
      );
    config ??= own;
    const first = firstTime(output);
    if (first !== null) startedAt = Math.min(startedAt, first.getTime());
    lines += 1;
    if (lines % 100 === 0) options.onProgress?.(lines, null);
  }
  ids.clear();
  if (lines === 0) throw new ImportInputError(file, null, 'holds no EvalOutput line');
  if (config === null) throw new ImportInputError(file, null, 'no line has metadata (llm_config, agent_class): the model is not named');
  const mtime = (await fs.promises.stat(file)).mtime;
  const sha256 = await sha256File(file);
  const model = config.llm.model;
  const total = lines;
  return {
    identity: sha256,
    label: file,
    source: { file: path.resolve(file), sha256, instances: lines },
    config,
    startedAt: Number.isFinite(startedAt) ? new Date(startedAt) : mtime,
    async *events() {
      let done = 0;
      let finishedAt = 0;
      for await (const { line, value } of jsonLines(file)) {
        const fields = new FieldReader(file, line);
        const output = fields.object(value, 'an EvalOutput');
        const end = yield* instanceEvents(fields, output, model, mtime, options);
        finishedAt = Math.max(finishedAt, end.getTime());
        done += 1;
        if (done % 100 === 0 || done === total) options.onProgress?.(done, total);
      }
      if (done !== total)
        throw new ImportInputError(file, null, 'changed while it was being imported; import again when the evaluation has finished');
      yield { ts: new Date(finishedAt), type: 'RunFinished', data: { status: 'completed', durationMs: null, reason: null } };
    },
  };
}

function firstTime(output: Record<string, unknown>): Date | null {
  if (!Array.isArray(output.history)) return null;
  for (const item of output.history) {
    const event = Array.isArray(item) ? item[0] : item;
    const at = typeof event === 'object' && event !== null ? isoTime((event as Record<string, unknown>).timestamp) : null;
    if (at !== null) return at;
  }
  return null;
}

/**
 * The outcome: test_result.report.resolved (SWE-bench's eval_infer), else test_result.resolved;
 * without either, an instance whose run errored failed, any other was not evaluated.
 */
function verdictOf(output: Record<string, unknown>): Verdict {
  const result = recordOf(output.test_result);
  const report = recordOf(result.report);
  const resolved = typeof report.resolved === 'boolean' ? report.resolved : typeof result.resolved === 'boolean' ? result.resolved : null;
  if (resolved === true) return { status: 'completed', labels: [] };
  if (resolved === false) {
    const labels = ['empty_generation', 'failed_apply_patch', 'error_eval', 'test_timeout'].filter((key) => report[key] === true);
    return { status: 'failed', labels: labels.map((l) => l.replace(/_/g, '-')) };
  }
  if (typeof output.error === 'string' && output.error !== '') return { status: 'failed', labels: ['error'] };
  return { status: 'skipped', labels: [NOT_EVALUATED] };
}

/** One EvalOutput line: its issue, one agent attempt with its tool calls, its tokens and cost; returns when it ended. */
function* instanceEvents(
  fields: FieldReader,
  output: Record<string, unknown>,
  model: string,
  fallback: Date,
  options: ImportOptions,
): Generator<ImportedEvent, Date> {
  const instanceId = fields.string(output, 'instance_id');
  const issueId = issueIdOf(instanceId);
  const agentId = `${issueId}.agent`;
  const events = historyEvents(fields, output);
  const times = events.map((e) => isoTime(e.timestamp)).filter((t): t is Date => t !== null);
  const start = times[0] ?? fallback;
  const end = times.length > 0 ? new Date(Math.max(...times.map((t) => t.getTime()))) : fallback;
  const verdict = verdictOf(output);
  const error = typeof output.error === 'string' && output.error !== '' ? output.error : null;
  yield { ts: start, type: 'IssueStarted', data: { issueId, title: instanceId, labels: verdict.labels } };
  yield { ts: start, type: 'AgentStarted', data: { agentId, agentType: 'agent', issueId, attempt: 1 } };
  for (const call of toolCalls(events, start)) yield* toolCallEvents(issueId, agentId, { ...call, callId: `${agentId}.${call.callId}` });
  if (error !== null) yield errorEvent(end, 'run-error', error, issueId, agentId);
  const success = verdict.status === 'skipped' ? error === null : verdict.status === 'completed';
  yield agentFinished(
    end,
    { agentId, issueId },
    {
      success,
      durationMs: null,
      error: success ? null : (error ?? `not resolved (${verdict.labels.join(', ') || 'the tests did not pass'})`),
    },
  );
  yield { ts: end, type: 'TokensUsed', data: usageRecord(fields, output, model, issueId, end, options) };
  const result = recordOf(output.test_result);
  const code = typeof result.git_patch === 'string' && result.git_patch !== '' ? patchStats(result.git_patch) : NO_CODE_METRICS;
  yield issueEnd(end, issueId, verdict, null, code);
  return end;
}

/** metrics.accumulated_token_usage priced as usual (else the sum of token_usages), metrics.accumulated_cost as the reported cost. */
function usageRecord(
  fields: FieldReader,
  output: Record<string, unknown>,
  model: string,
  issueId: string,
  at: Date,
  options: ImportOptions,
): ReturnType<typeof tokenRecord> {
  const { provider, model: priced } = splitModelName(model);
  if (output.metrics === undefined || output.metrics === null) return unknownCostRecord(priced, provider, issueId);
  const metrics = fields.object(output.metrics, 'metrics');
  const counted = tokenUsage(fields, metrics);
  const cost = fields.optionalNumber(metrics, 'accumulated_cost');
  const tokens = counted === null ? null : counted.prompt_tokens + counted.completion_tokens;
  const reported = reportedCost(cost, tokens);
  if (counted === null && reported === null) return unknownCostRecord(priced, provider, issueId);
  return tokenRecord(
    options.prices,
    {
      model: priced,
      provider,
      inputTokens: counted?.prompt_tokens ?? 0,
      outputTokens: counted?.completion_tokens ?? 0,
      cacheReadTokens: counted?.cache_read_tokens ?? 0,
      cacheWriteTokens: counted?.cache_write_tokens ?? 0,
      reportedCostUsd: reported,
      issueId,
      agentId: null,
    },
    at,
  );
}

const USAGE_KEYS = ['prompt_tokens', 'completion_tokens', 'cache_read_tokens', 'cache_write_tokens'] as const;

/** metrics.accumulated_token_usage, else the sum of metrics.token_usages (TokenUsage each); null when neither is there. */
function tokenUsage(fields: FieldReader, metrics: Record<string, unknown>): Record<(typeof USAGE_KEYS)[number], number> | null {
  const records =
    metrics.accumulated_token_usage !== undefined && metrics.accumulated_token_usage !== null
      ? [fields.object(metrics.accumulated_token_usage, 'metrics.accumulated_token_usage')]
      : Array.isArray(metrics.token_usages)
        ? metrics.token_usages.map((item, i) => fields.object(item, `metrics.token_usages[${i}]`))
        : null;
  if (records === null) return null;
  const sum = { prompt_tokens: 0, completion_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };
  for (const record of records) for (const key of USAGE_KEYS) sum[key] += fields.optionalCount(record, key) ?? 0;
  return sum;
}
