import fs from 'node:fs';
import path from 'node:path';
import type { CodeMetrics } from '../../../events/work.js';
import { ImportInputError } from '../../errors.js';
import { agentFinished } from '../agent-issue.js';
import { FieldReader, issueIdOf } from '../fields.js';
import type { ImportedEvent, ImportedRun, Importer } from '../importer.js';
import { jsonLines, readJsonFile } from '../json-lines.js';
import { splitModelName } from '../model-name.js';
import { NO_CODE_METRICS, patchStats } from '../patch-stats.js';
import { sha256File, sha256Text } from '../source-hash.js';
import { unknownCostRecord } from '../token-record.js';
import { isDirectory } from '../walk.js';

/** How an instance ended in a SWE-bench run report (swebench/harness/reporting.py, make_run_report). */
export type Outcome = 'resolved' | 'unresolved' | 'error' | 'empty-patch';

/** The id lists of a report that decide an instance's outcome, in the order they win. */
const OUTCOME_LISTS: ReadonlyArray<readonly [key: string, outcome: Outcome]> = [
  ['resolved_ids', 'resolved'],
  ['unresolved_ids', 'unresolved'],
  ['error_ids', 'error'],
  ['empty_patch_ids', 'empty-patch'],
];

export interface Report {
  readonly file: string;
  readonly outcomes: Map<string, Outcome>;
  /** Instances whose failure the harness put down to its infrastructure (schema_version 2): labelled, still counted. */
  readonly infraFailures: Set<string>;
  readonly incomplete: number;
  readonly schemaVersion: number | null;
}

export async function readReport(file: string): Promise<Report> {
  const fields = new FieldReader(file);
  const record = fields.object(await readJsonFile(file), 'a SWE-bench run report');
  const outcomes = new Map<string, Outcome>();
  for (const [key, outcome] of OUTCOME_LISTS) {
    for (const [i, id] of fields.array(record, key).entries()) {
      if (typeof id !== 'string' || id === '') throw fields.fail(`${key}[${i}] is ${JSON.stringify(id)}, expected an instance id`);
      if (!outcomes.has(id)) outcomes.set(id, outcome);
    }
  }
  const infra = Array.isArray(record.infra_failure_ids)
    ? record.infra_failure_ids.filter((id): id is string => typeof id === 'string')
    : [];
  const incomplete = Array.isArray(record.incomplete_ids) ? record.incomplete_ids.length : 0;
  return { file, outcomes, infraFailures: new Set(infra), incomplete, schemaVersion: fields.optionalCount(record, 'schema_version') };
}

/** The report and predictions of a path: a report file (its predictions the one `.jsonl` beside it), or a folder holding both. */
async function locate(inputPath: string): Promise<{ report: string; predictions: string | null }> {
  const dir = (await isDirectory(inputPath)) ? inputPath : path.dirname(inputPath);
  const names = (await fs.promises.readdir(dir)).sort();
  let report = inputPath;
  if (dir === inputPath) {
    const reports: string[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) if (await looksLikeReport(path.join(dir, name))) reports.push(name);
    if (reports.length !== 1)
      throw new ImportInputError(
        inputPath,
        null,
        `holds ${reports.length} SWE-bench run reports (*.json with resolved_ids); give the report file itself`,
      );
    report = path.join(dir, reports[0]!);
  }
  const predictions = names.filter((n) => n.endsWith('.jsonl'));
  return { report, predictions: predictions.length === 1 ? path.join(dir, predictions[0]!) : null };
}

async function looksLikeReport(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r').catch(() => null);
  if (handle === null) return false;
  try {
    const buffer = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    // make_run_report writes the counts first and the id lists after them; long id lists can push resolved_ids far down.
    return /^\s*\{/.test(head) && /"(total_instances|submitted_instances|resolved_ids)"/.test(head);
  } finally {
    await handle.close();
  }
}

/** The first prediction's model_name_or_path: the system that made the patches. */
async function predictionsModel(file: string): Promise<string | null> {
  for await (const { line, value } of jsonLines(file)) {
    const fields = new FieldReader(file, line);
    return fields.string(fields.object(value, 'a prediction'), 'model_name_or_path');
  }
  return null;
}

export const sweBenchImporter: Importer = {
  format: 'swe-bench',
  takes:
    'a SWE-bench evaluation run report (<model>.<run_id>.json, with resolved_ids …) and its predictions JSONL beside it, or a folder holding both',

  async detect(inputPath) {
    if (await isDirectory(inputPath)) {
      for (const name of await fs.promises.readdir(inputPath))
        if (name.endsWith('.json') && (await looksLikeReport(path.join(inputPath, name)))) return true;
      return false;
    }
    return inputPath.endsWith('.json') && looksLikeReport(inputPath);
  },

  async *runs(inputPath, options) {
    const { report: reportFile, predictions } = await locate(inputPath);
    const report = await readReport(reportFile);
    const reportSha = await sha256File(reportFile);
    const predictionsSha = predictions === null ? null : await sha256File(predictions);
    // <model>.<run_id>.json, "/" in the model written "__": the predictions name the model exactly.
    const base = path.basename(reportFile, '.json');
    const fromPredictions = predictions === null ? null : await predictionsModel(predictions);
    const dot = base.lastIndexOf('.');
    const model = fromPredictions ?? (dot > 0 ? base.slice(0, dot).replace(/__/g, '/') : base);
    const mangled = model.replace(/\//g, '__');
    const evaluationRunId = base.startsWith(`${mangled}.`) ? base.slice(mangled.length + 1) : base.slice(dot + 1);
    const { provider } = splitModelName(model);
    const startedAt = (await fs.promises.stat(predictions ?? reportFile)).mtime;
    const finishedAt = (await fs.promises.stat(reportFile)).mtime;
    const run: ImportedRun = {
      identity: sha256Text(`${reportSha}\n${predictionsSha ?? ''}`),
      label: reportFile,
      source: {
        file: path.resolve(reportFile),
        sha256: reportSha,
        predictions: predictions === null ? null : path.resolve(predictions),
        predictionsSha256: predictionsSha,
        evaluationRunId,
        incompleteInstances: report.incomplete,
        ...(report.schemaVersion === null ? {} : { reportSchemaVersion: report.schemaVersion }),
      },
      config: { llm: { model, ...(provider === null ? {} : { provider }) } },
      startedAt,
      events: () => instanceEvents(report, predictions, model, finishedAt, options.onProgress),
    };
    yield run;
  },
};

/**
 * One issue per instance the report judged, its id kept (so two systems on the same instances are
 * compared paired): the instances in the predictions' order with the code their patch changes,
 * then those the predictions lack. Instances the report lists as incomplete (never predicted) are
 * not issues: their count stays in source.incompleteInstances.
 */
async function* instanceEvents(
  report: Report,
  predictions: string | null,
  model: string,
  at: Date,
  onProgress: ((done: number, total: number | null) => void) | undefined,
): AsyncGenerator<ImportedEvent> {
  const done = new Set<string>();
  if (predictions !== null) {
    for await (const { line, value } of jsonLines(predictions)) {
      const fields = new FieldReader(predictions, line);
      const prediction = fields.object(value, 'a prediction');
      const id = fields.string(prediction, 'instance_id');
      if (!report.outcomes.has(id) || done.has(id)) continue;
      done.add(id);
      const patch = prediction.model_patch;
      if (patch !== undefined && patch !== null && typeof patch !== 'string') throw fields.fail(`"model_patch" is not a string`);
      yield* instance(report, id, patch ? patchStats(patch) : NO_CODE_METRICS, at);
      onProgress?.(done.size, report.outcomes.size);
    }
  }
  for (const id of [...report.outcomes.keys()].sort()) {
    if (done.has(id)) continue;
    done.add(id);
    yield* instance(report, id, NO_CODE_METRICS, at);
  }
  const { provider, model: priced } = splitModelName(model);
  // A SWE-bench report has no cost: the run's cost is unknown, not $0.
  yield { ts: at, type: 'TokensUsed', data: unknownCostRecord(priced, provider, null) };
  yield { ts: at, type: 'RunFinished', data: { status: 'completed', durationMs: null, reason: null } };
}

const ERROR_TEXT: Readonly<Partial<Record<Outcome, string>>> = {
  error: 'the SWE-bench harness could not evaluate the patch (error_ids)',
  'empty-patch': 'the system produced an empty patch (empty_patch_ids)',
};

function* instance(report: Report, instanceId: string, code: CodeMetrics, at: Date): Generator<ImportedEvent> {
  const outcome = report.outcomes.get(instanceId)!;
  const issueId = issueIdOf(instanceId);
  const labels = [...(outcome === 'resolved' ? [] : [outcome]), ...(report.infraFailures.has(instanceId) ? ['infra-failure'] : [])];
  const agentId = `${issueId}.agent`;
  const resolved = outcome === 'resolved';
  yield { ts: at, type: 'IssueStarted', data: { issueId, title: instanceId, labels } };
  yield { ts: at, type: 'AgentStarted', data: { agentId, agentType: 'agent', issueId, attempt: 1 } };
  const errorText = ERROR_TEXT[outcome] ?? null;
  yield agentFinished(
    at,
    { agentId, issueId },
    { success: resolved, durationMs: null, error: resolved ? null : (errorText ?? 'the tests did not pass') },
  );
  if (errorText !== null)
    yield {
      ts: at,
      type: 'ErrorRecorded',
      data: { kind: outcome, message: errorText, recoverable: false, issueId, agentId, callId: null, tool: null },
    };
  yield { ts: at, type: 'IssueFinished', data: { issueId, status: resolved ? 'completed' : 'failed', code, durationMs: null } };
}
