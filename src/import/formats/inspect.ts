import fs from 'node:fs';
import path from 'node:path';
import type { JsonValue } from '../../../events/config.js';
import { cleanText } from '../../collector/sanitize.js';
import { ImportInputError } from '../../errors.js';
import { agentFinished, errorEvent, isoTime, issueEnd, NOT_EVALUATED, recordOf, toolCallEvents, type Verdict } from '../agent-issue.js';
import { FieldReader, issueIdOf } from '../fields.js';
import type { ImportedEvent, ImportedRun, Importer, ImportOptions } from '../importer.js';
import { sha256File } from '../source-hash.js';
import { isDirectory, walkFiles } from '../walk.js';
import { ZipArchive } from '../zip-file.js';
import { inspectToolCalls } from './inspect-tool-calls.js';
import { inspectModel, usageEvents } from './inspect-usage.js';

/**
 * Inspect AI's `.eval` log: a zip (inspect_ai/log/_recorders/eval.py) of header.json (EvalLog
 * without samples, written when the eval ends), samples/<id>_epoch_<n>.json (one EvalSample each),
 * and, while the eval runs, _journal/start.json (LogStart: version, eval, plan). One log is one
 * run; each sample and epoch one issue.
 */
const HEADER = 'header.json';
const START = '_journal/start.json';
const SAMPLE = /^samples\/(.+)_epoch_(\d+)\.json$/;
const isEvalLog = (name: string): boolean => name.endsWith('.eval');

/** eval.config settings that change what is measured; operational ones (max_samples, log_*, fail_on_error …) are not configuration. */
const EVAL_CONFIG_KEYS = [
  'epochs',
  'epochs_reducer',
  'message_limit',
  'token_limit',
  'turn_limit',
  'time_limit',
  'working_limit',
  'cost_limit',
];
const GENERATE_CONFIG_KEYS = ['temperature', 'top_p', 'top_k', 'max_tokens', 'reasoning_effort', 'reasoning_tokens', 'seed'];

function pick(record: unknown, keys: readonly string[]): Record<string, JsonValue> {
  const picked: Record<string, JsonValue> = {};
  if (typeof record !== 'object' || record === null) return picked;
  for (const key of keys) {
    const value = (record as Record<string, unknown>)[key];
    if (value !== null && value !== undefined) picked[key] = JSON.parse(JSON.stringify(value)) as JsonValue;
  }
  return picked;
}

function configOf(fields: FieldReader, evalSpec: Record<string, unknown>, plan: Record<string, unknown>): ImportedRun['config'] {
  const model = fields.string(evalSpec, 'model');
  const { provider } = inspectModel(model);
  const steps = Array.isArray(plan.steps) ? plan.steps : [];
  const solvers = steps
    .map((step) => (typeof step === 'object' && step !== null ? (step as Record<string, unknown>).solver : null))
    .filter((s): s is string => typeof s === 'string');
  const agent = fields.optionalString(evalSpec, 'solver') ?? (solvers.length > 0 ? solvers.join('+') : 'generate');
  const packages =
    typeof evalSpec.packages === 'object' && evalSpec.packages !== null ? (evalSpec.packages as Record<string, unknown>) : {};
  return {
    llm: { ...pick(evalSpec.model_generate_config, GENERATE_CONFIG_KEYS), model, ...(provider === null ? {} : { provider }) },
    agent,
    task: fields.string(evalSpec, 'task'),
    ...(evalSpec.task_version === undefined || evalSpec.task_version === 0 ? {} : { taskVersion: evalSpec.task_version as JsonValue }),
    ...pick(evalSpec.config, EVAL_CONFIG_KEYS),
    ...(typeof packages.inspect_ai === 'string' ? { inspectVersion: packages.inspect_ai } : {}),
  };
}

export const inspectImporter: Importer = {
  format: 'inspect',
  takes: 'Inspect AI .eval logs: a file, or a folder of them (one run per log)',

  async detect(inputPath) {
    if (await isDirectory(inputPath)) {
      for await (const _file of walkFiles(inputPath, isEvalLog)) return true;
      return false;
    }
    if (!isEvalLog(inputPath)) return false;
    const handle = await fs.promises.open(inputPath, 'r').catch(() => null);
    if (handle === null) return false;
    try {
      const magic = Buffer.alloc(4);
      await handle.read(magic, 0, 4, 0);
      return magic.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])); // a zip's local file header, as Inspect checks
    } finally {
      await handle.close();
    }
  },

  async *runs(inputPath, options) {
    const logs = (await isDirectory(inputPath)) ? walkFiles(inputPath, isEvalLog) : single(inputPath);
    for await (const log of logs) yield await inspectRun(log, options);
  },
};

async function* single(file: string): AsyncGenerator<string> {
  yield file;
}

async function inspectRun(file: string, options: ImportOptions): Promise<ImportedRun> {
  const fields = new FieldReader(file);
  const archive = await ZipArchive.open(file);
  try {
    const header = await archive.json(HEADER);
    const start = header === null ? await archive.json(START) : null;
    if (header === null && start === null)
      throw new ImportInputError(file, null, `has neither ${HEADER} nor ${START}: not an Inspect eval log`);
    const log = fields.object(header ?? start, header === null ? START : HEADER);
    const evalSpec = fields.object(log.eval, 'eval');
    const plan = recordOf(log.plan);
    const stats = recordOf(log.stats);
    const samples = archive.names().filter((name) => SAMPLE.test(name));
    const status = header === null ? 'started' : (fields.optionalString(log, 'status') ?? 'started');
    const startedAt = isoTime(stats.started_at) ?? isoTime(evalSpec.created) ?? (await fs.promises.stat(file)).mtime;
    const completedAt = isoTime(stats.completed_at);
    const sha256 = await sha256File(file);
    const config = configOf(fields, evalSpec, plan);
    const scorer = firstScorer(evalSpec);
    const logError = errorMessageOf(log.error);
    return {
      identity: sha256,
      label: file,
      source: {
        file: path.resolve(file),
        sha256,
        evalId: typeof evalSpec.eval_id === 'string' ? evalSpec.eval_id : null,
        logStatus: status,
        samples: samples.length,
      },
      config,
      startedAt,
      events: () => logEvents(file, samples, { model: config.llm.model, status, startedAt, completedAt, scorer, logError }, options),
    };
  } finally {
    archive.close();
  }
}

function firstScorer(evalSpec: Record<string, unknown>): string | null {
  if (!Array.isArray(evalSpec.scorers)) return null;
  const first = evalSpec.scorers[0] as Record<string, unknown> | undefined;
  return typeof first?.name === 'string' ? first.name : null;
}

interface LogFacts {
  readonly model: string;
  readonly status: string;
  readonly startedAt: Date;
  readonly completedAt: Date | null;
  readonly scorer: string | null;
  readonly logError: string | null;
}

/** The log's status as a run's end: success completed, error failed, cancelled and still running (no header.json) interrupted. */
const RUN_STATUS: Readonly<Record<string, 'completed' | 'failed' | 'interrupted'>> = {
  success: 'completed',
  error: 'failed',
  cancelled: 'interrupted',
  started: 'interrupted',
};

async function* logEvents(
  file: string,
  samples: readonly string[],
  facts: LogFacts,
  options: ImportOptions,
): AsyncGenerator<ImportedEvent> {
  const archive = await ZipArchive.open(file);
  let last = facts.startedAt;
  try {
    for (const [index, name] of samples.entries()) {
      const fields = new FieldReader(`${file}:${name}`);
      const sample = fields.object(await archive.json(name), 'an EvalSample');
      const end = yield* sampleEvents(fields, sample, facts, options);
      if (end.getTime() > last.getTime()) last = end;
      options.onProgress?.(index + 1, samples.length);
    }
  } finally {
    archive.close();
  }
  const at = facts.completedAt ?? last;
  if (facts.logError !== null)
    yield {
      ts: at,
      type: 'ErrorRecorded',
      data: {
        kind: 'eval-error',
        message: cleanText(facts.logError),
        recoverable: false,
        issueId: null,
        agentId: null,
        callId: null,
        tool: null,
      },
    };
  const status = RUN_STATUS[facts.status] ?? 'interrupted';
  const reason =
    facts.status === 'started'
      ? 'the log was still running when imported (no header.json): only the samples written so far'
      : status === 'completed'
        ? null
        : `the eval's status is ${facts.status}`;
  const durationMs = facts.completedAt === null ? null : Math.max(0, facts.completedAt.getTime() - facts.startedAt.getTime());
  yield { ts: at, type: 'RunFinished', data: { status, durationMs, reason } };
}

/**
 * A score's value as an outcome: "C" (CORRECT), true, or a number ≥ 1 is a success; every other
 * value ("I", "P", "N", false, a fraction) is not. Partial credit is no success (README).
 */
function scoreSucceeded(value: unknown): boolean {
  if (value === 'C' || value === true) return true;
  return typeof value === 'number' && value >= 1;
}

function verdictOf(sample: Record<string, unknown>, scorer: string | null): Verdict {
  const scores = typeof sample.scores === 'object' && sample.scores !== null ? (sample.scores as Record<string, unknown>) : {};
  const name = scorer !== null && scorer in scores ? scorer : Object.keys(scores)[0];
  const limit = typeof sample.limit === 'object' && sample.limit !== null ? (sample.limit as Record<string, unknown>).type : null;
  const labels = typeof limit === 'string' ? [`limit-${limit}`] : [];
  if (sample.error !== undefined && sample.error !== null) return { status: 'failed', labels: ['error', ...labels] };
  if (name === undefined) return { status: 'skipped', labels: [NOT_EVALUATED, ...labels] };
  const score = scores[name];
  const value = typeof score === 'object' && score !== null ? (score as Record<string, unknown>).value : undefined;
  return { status: scoreSucceeded(value) ? 'completed' : 'failed', labels };
}

/** The message of an EvalError (message, traceback …); null when there is none. */
function errorMessageOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  return String((error as Record<string, unknown>).message ?? 'error');
}

/** The attempts Inspect retried after an error (sample.error_retries): each a failed agent attempt with its error. */
function* retriedAttempts(issueId: string, retries: readonly unknown[], at: Date): Generator<ImportedEvent> {
  for (const [i, retry] of retries.entries()) {
    const agentId = `${issueId}.attempt${i + 1}`;
    const message = errorMessageOf(retry) ?? 'error';
    yield { ts: at, type: 'AgentStarted', data: { agentId, agentType: 'agent', issueId, attempt: i + 1 } };
    yield errorEvent(at, 'sample-error', message, issueId, agentId);
    yield agentFinished(at, { agentId, issueId }, { success: false, durationMs: null, error: cleanText(message) });
  }
}

/** One sample and epoch: the issue, one agent attempt per try (error_retries, then the kept one), tool calls, tokens per model. */
function* sampleEvents(
  fields: FieldReader,
  sample: Record<string, unknown>,
  facts: LogFacts,
  options: ImportOptions,
): Generator<ImportedEvent, Date> {
  const id = sample.id;
  if (typeof id !== 'string' && typeof id !== 'number') throw fields.fail(`"id" is ${JSON.stringify(id)}, expected a sample id`);
  const epoch = fields.optionalCount(sample, 'epoch') ?? 1;
  const issueId = issueIdOf(`${id}_epoch_${epoch}`);
  const start = isoTime(sample.started_at) ?? facts.startedAt;
  const end = isoTime(sample.completed_at) ?? start;
  const totalSeconds = fields.optionalNumber(sample, 'total_time');
  const durationMs = totalSeconds === null ? null : totalSeconds * 1000;
  const verdict = verdictOf(sample, facts.scorer);
  yield { ts: start, type: 'IssueStarted', data: { issueId, title: `${id} (epoch ${epoch})`, labels: verdict.labels } };

  const retries = Array.isArray(sample.error_retries) ? sample.error_retries : [];
  yield* retriedAttempts(issueId, retries, start);
  const agentId = `${issueId}.attempt${retries.length + 1}`;
  yield { ts: start, type: 'AgentStarted', data: { agentId, agentType: 'agent', issueId, attempt: retries.length + 1 } };
  for (const call of inspectToolCalls(fields, sample, start))
    yield* toolCallEvents(issueId, agentId, { ...call, callId: `${agentId}.${call.callId}` });
  const error = errorMessageOf(sample.error);
  if (error !== null) yield errorEvent(end, 'sample-error', error, issueId, agentId);
  const success = verdict.status === 'completed';
  yield agentFinished(
    end,
    { agentId, issueId },
    {
      success,
      durationMs,
      error: success ? null : cleanText(error ?? (verdict.status === 'skipped' ? 'not scored' : 'scored as not correct')),
    },
  );
  yield* usageEvents(fields, sample, facts.model, issueId, end, options);
  yield issueEnd(end, issueId, verdict, durationMs);
  return end;
}
