import fs from 'node:fs';
import path from 'node:path';
import type { JsonValue } from '../../../events/config.js';
import { cleanText } from '../../collector/sanitize.js';
import { ImportInputError } from '../../errors.js';
import { FieldReader, issueIdOf } from '../fields.js';
import type { ImportedEvent, ImportedRun, Importer, ImportOptions } from '../importer.js';
import { parseJsonText } from '../json-lines.js';
import { splitModelName } from '../model-name.js';
import { sha256OfFiles, sha256Text } from '../source-hash.js';
import { tokenRecord } from '../token-record.js';
import { containsFile, isDirectory, walkFiles } from '../walk.js';
import { reportedCost } from './reported-cost.js';

/** The file aider's benchmark (benchmark/benchmark.py, run_test_real) writes in each exercise's folder. */
export const AIDER_RESULTS_FILE = '.aider.results.json';
const isResultsFile = (name: string): boolean => name === AIDER_RESULTS_FILE;

/** aider's error counters, each recorded as that many ErrorRecorded events of one kind. */
const ERROR_COUNTERS: ReadonlyArray<readonly [key: string, kind: string]> = [
  ['num_error_outputs', 'error-output'],
  ['num_malformed_responses', 'malformed-response'],
  ['num_exhausted_context_windows', 'context-window-exhausted'],
  ['test_timeouts', 'test-timeout'],
  ['syntax_errors', 'syntax-error'],
  ['indentation_errors', 'indentation-error'],
];

/** One exercise's results as read in the first pass: what the run's config and times need. */
interface ExerciseFile {
  readonly file: string;
  readonly sha256: string;
  readonly mtime: Date;
}

/**
 * The issue id of an exercise: its folder under the run folder, without the benchmark's
 * `exercises/practice` (polyglot layout `<language>/exercises/practice/<exercise>` → `python.two-fer`;
 * the older Python-only layout `<exercise>` → `two-fer`). Two runs over the same exercises get the
 * same ids, so their comparison is paired.
 */
export function aiderIssueId(runDir: string, resultsFile: string): string {
  const parts = path
    .relative(runDir, path.dirname(resultsFile))
    .split(path.sep)
    .filter((p) => p !== '' && p !== 'exercises' && p !== 'practice');
  return issueIdOf(parts.join('.') || path.basename(runDir));
}

async function readResults(file: string): Promise<{ text: string; record: Record<string, unknown> }> {
  const text = await fs.promises.readFile(file, 'utf8');
  const value = parseJsonText(file, text);
  return { text, record: new FieldReader(file).object(value, 'the results file') };
}

/** aider writes `tests_outcomes: []` when no test ran (setup, --no-unit-tests): such a file says nothing of the exercise. */
function hasOutcomes(record: Record<string, unknown>): boolean {
  return !('tests_outcomes' in record) || (Array.isArray(record.tests_outcomes) && record.tests_outcomes.length > 0);
}

/** aider's run_test writes only {exception: traceback} when an exercise crashed. */
function crashed(record: Record<string, unknown>): boolean {
  return 'exception' in record && !('tests_outcomes' in record);
}

interface ExerciseHeader {
  readonly model: string;
  readonly editFormat: string;
  readonly extra: Record<string, JsonValue>;
  readonly commit: string | null;
  readonly durationS: number | null;
}

const EXTRA_KEYS = [
  ['editor_model', 'editorModel'],
  ['editor_edit_format', 'editorEditFormat'],
  ['reasoning_effort', 'reasoningEffort'],
] as const;

function exerciseHeader(file: string, record: Record<string, unknown>): ExerciseHeader {
  const fields = new FieldReader(file);
  const extra: Record<string, JsonValue> = {};
  for (const [key, name] of EXTRA_KEYS) {
    const value = fields.optionalString(record, key);
    if (value !== null) extra[name] = value;
  }
  return {
    model: fields.string(record, 'model'),
    editFormat: fields.string(record, 'edit_format'),
    extra,
    commit: fields.optionalString(record, 'commit_hash'),
    durationS: fields.optionalNumber(record, 'duration'),
  };
}

function refuseOtherConfiguration(file: string, header: ExerciseHeader, model: string | null, editFormat: string | null): void {
  if (model === null || (model === header.model && editFormat === header.editFormat)) return;
  throw new FieldReader(file).fail(
    `model ${header.model} with edit format ${header.editFormat}, where earlier exercises of this run have ${model} with ${editFormat}: one folder is one run of one configuration`,
  );
}

export const aiderImporter: Importer = {
  format: 'aider',
  takes: `a benchmark run folder holding one ${AIDER_RESULTS_FILE} per exercise (aider's benchmark/benchmark.py)`,

  async detect(inputPath) {
    return (await isDirectory(inputPath)) && (await containsFile(inputPath, isResultsFile));
  },

  async *runs(runDir, options) {
    yield await aiderRun(runDir, options);
  },
};

async function aiderRun(runDir: string, options: ImportOptions): Promise<ImportedRun> {
  // First pass: which files count, the run's model and edit format, its time span, the source hash.
  const files: ExerciseFile[] = [];
  let skipped = 0;
  let model: string | null = null;
  let editFormat: string | null = null;
  const extra: Record<string, JsonValue> = {};
  const commits = new Set<string>();
  let startedAt = Number.POSITIVE_INFINITY;
  for await (const file of walkFiles(runDir, isResultsFile)) {
    const { text, record } = await readResults(file);
    if (!hasOutcomes(record)) {
      skipped += 1;
      continue;
    }
    const mtime = (await fs.promises.stat(file)).mtime;
    const header = crashed(record) ? null : exerciseHeader(file, record);
    if (header !== null) {
      refuseOtherConfiguration(file, header, model, editFormat);
      model = header.model;
      editFormat = header.editFormat;
      Object.assign(extra, header.extra);
      if (header.commit !== null) commits.add(header.commit);
    }
    startedAt = Math.min(startedAt, mtime.getTime() - (header?.durationS ?? 0) * 1000);
    files.push({ file, sha256: sha256Text(text), mtime });
    options.onProgress?.(files.length + skipped, null);
  }
  if (files.length === 0)
    throw new ImportInputError(
      runDir,
      null,
      `no ${AIDER_RESULTS_FILE} with test outcomes (${skipped} without any, written before a test ran)`,
    );
  if (model === null) throw new ImportInputError(runDir, null, `every ${AIDER_RESULTS_FILE} holds only an exception: no model is named`);
  const sha256 = sha256OfFiles(runDir, files);
  const { provider } = splitModelName(model);
  if (commits.size > 0) extra.aiderVersions = [...commits].sort();
  const llm = { model, ...(provider === null ? {} : { provider }) };
  const runModel = model;
  return {
    identity: sha256,
    label: runDir,
    source: { file: path.resolve(runDir), sha256, exercises: files.length, skippedWithoutOutcomes: skipped },
    config: { llm, editFormat: editFormat!, agent: 'aider', ...extra },
    startedAt: new Date(startedAt),
    async *events() {
      let finishedAt = 0;
      for (const [index, exercise] of files.entries()) {
        yield* exerciseEvents(runDir, exercise, runModel, options);
        finishedAt = Math.max(finishedAt, exercise.mtime.getTime());
        options.onProgress?.(index + 1, files.length);
      }
      yield { ts: new Date(finishedAt), type: 'RunFinished', data: { status: 'completed', durationMs: null, reason: null } };
    },
  };
}

/** One exercise: IssueStarted, one coder attempt per try, its tokens and cost, its error counts, IssueFinished. */
async function* exerciseEvents(
  runDir: string,
  exercise: ExerciseFile,
  model: string,
  options: ImportOptions,
): AsyncGenerator<ImportedEvent> {
  const { text, record } = await readResults(exercise.file);
  if (sha256Text(text) !== exercise.sha256)
    throw new ImportInputError(exercise.file, null, 'changed while it was being imported; import again when the benchmark has finished');
  const fields = new FieldReader(exercise.file);
  const issueId = aiderIssueId(runDir, exercise.file);
  const end = exercise.mtime;
  const durationS = fields.optionalNumber(record, 'duration');
  const start = new Date(end.getTime() - (durationS ?? 0) * 1000);
  const exerciseDir = path.dirname(exercise.file);
  const language = path.relative(runDir, exercise.file).split(path.sep)[0]!;
  const labels = language !== path.basename(exerciseDir) ? [language] : [];
  const title = fields.optionalString(record, 'testcase') ?? path.basename(exerciseDir);
  yield { ts: start, type: 'IssueStarted', data: { issueId, title, labels } };

  if (crashed(record)) {
    // aider's summary counts a crashed exercise as not passed.
    const exception = typeof record.exception === 'string' ? record.exception : JSON.stringify(record.exception);
    yield { ts: end, type: 'ErrorRecorded', data: errorData('exception', cleanText(exception), false, issueId) };
    yield { ts: end, type: 'IssueFinished', data: issueFinished(issueId, 'failed', null) };
    return;
  }
  const outcomes = testOutcomes(fields, record);
  yield* tryEvents(issueId, outcomes, start, end);
  const tokens = exerciseTokens(fields, record, model, issueId, options, end);
  if (tokens !== null) yield { ts: end, type: 'TokensUsed', data: tokens };
  for (const [key, kind] of ERROR_COUNTERS) {
    const count = fields.optionalCount(record, key) ?? 0;
    for (let n = 0; n < count; n += 1)
      yield {
        ts: end,
        type: 'ErrorRecorded',
        data: errorData(kind, `counted by aider's benchmark (${key}); its text is not kept`, true, issueId),
      };
  }
  const passed = outcomes[outcomes.length - 1] === true;
  yield {
    ts: end,
    type: 'IssueFinished',
    data: issueFinished(issueId, passed ? 'completed' : 'failed', durationS === null ? null : durationS * 1000),
  };
}

function testOutcomes(fields: FieldReader, record: Record<string, unknown>): boolean[] {
  const outcomes = fields.array(record, 'tests_outcomes');
  outcomes.forEach((outcome, i) => {
    if (typeof outcome !== 'boolean') throw fields.fail(`tests_outcomes[${i}] is ${JSON.stringify(outcome)}, expected true or false`);
  });
  return outcomes as boolean[];
}

/** One coder attempt per try: a retry makes the issue not first-time-right. aider times the exercise, not each try. */
function* tryEvents(issueId: string, outcomes: readonly boolean[], start: Date, end: Date): Generator<ImportedEvent> {
  for (const [i, passed] of outcomes.entries()) {
    const agentId = `${issueId}.try${i + 1}`;
    yield { ts: start, type: 'AgentStarted', data: { agentId, agentType: 'coder', issueId, attempt: i + 1 } };
    yield {
      ts: i === outcomes.length - 1 ? end : start,
      type: 'AgentFinished',
      data: { agentId, agentType: 'coder', issueId, success: passed, durationMs: null, error: passed ? null : 'the unit tests failed' },
    };
  }
}

/** The exercise's tokens (all tries together), priced as usual, and aider's own cost as the reported cost. */
function exerciseTokens(
  fields: FieldReader,
  record: Record<string, unknown>,
  model: string,
  issueId: string,
  options: ImportOptions,
  at: Date,
): ReturnType<typeof tokenRecord> | null {
  const inputTokens = fields.optionalCount(record, 'prompt_tokens');
  const outputTokens = fields.optionalCount(record, 'completion_tokens');
  const cost = fields.optionalNumber(record, 'cost');
  if (inputTokens === null && outputTokens === null && cost === null) return null;
  const { provider, model: priced } = splitModelName(model);
  const tokens = {
    model: priced,
    provider,
    inputTokens: inputTokens ?? 0,
    outputTokens: outputTokens ?? 0,
    reasoningTokens: fields.optionalCount(record, 'thinking_tokens') ?? 0,
    reportedCostUsd: reportedCost(cost, (inputTokens ?? 0) + (outputTokens ?? 0)),
    issueId,
    agentId: null,
  };
  return tokenRecord(options.prices, tokens, at);
}

function errorData(kind: string, message: string, recoverable: boolean, issueId: string): Record<string, unknown> {
  return { kind, message, recoverable, issueId, agentId: null, callId: null, tool: null };
}

/** Code metrics are not in the source: zero counts, coverage unknown. */
export function issueFinished(issueId: string, status: 'completed' | 'failed', durationMs: number | null): Record<string, unknown> {
  return {
    issueId,
    status,
    code: { filesCreated: 0, filesModified: 0, filesDeleted: 0, linesAdded: 0, linesRemoved: 0, testsAdded: 0, coveragePercent: null },
    durationMs,
  };
}
