import fs from 'node:fs';
import path from 'node:path';
import type { IssueId } from '../events/fields.js';
import type { IssueModel, RunReadModels } from '../projections/run-projection.js';
import type { DurableBatch } from '../src/durable/atomic-file.js';
import { runJsonFiles } from './replay-paths.js';

const pretty = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
/** 3 and "3" are different issues: the key keeps the type. */
const issueKey = (id: IssueId): string => JSON.stringify(id);

/** Records by issue, in their order, in one pass (not one pass per issue). */
function byIssue<T extends { readonly issueId: IssueId | null }>(records: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const record of records) {
    if (record.issueId === null) continue;
    const key = issueKey(record.issueId);
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  return groups;
}
const isFinished = (issue: IssueModel): boolean => issue.status === 'completed' || issue.status === 'failed' || issue.status === 'skipped';

/** Issue files made between two steps of writeRunJsonSteps: a few, so that no step takes long for a run of many issues. */
const ISSUES_A_STEP = 8;

/**
 * The v2 JSON layout, kept in step with the journal: metadata.json (always), final_report.json
 * (runs with a RunFinished), issues/issue_<id>_metrics.json (every issue) and
 * issues/issue_<id>_report.json (finished issues). Files that no longer apply are removed.
 * In steps (replay-run.ts, replayRunSteps): a yield after every ISSUES_A_STEP issues.
 */
export function* writeRunJsonSteps(
  logsDir: string,
  models: RunReadModels,
  runFinished: boolean,
  batch: DurableBatch,
): Generator<void, void, void> {
  const files = runJsonFiles(logsDir, models.run.runId);
  batch.write(files.metadata, pretty(models.run));
  if (runFinished) batch.write(files.finalReport, pretty(models));
  else batch.remove(files.finalReport);

  const expected = new Set<string>();
  const agents = byIssue(models.agents);
  const pipelines = byIssue(models.pipelines);
  const debuggingCycles = byIssue(models.debuggingCycles);
  const errors = byIssue(models.errors);
  for (const [i, issue] of models.issues.entries()) {
    if (i > 0 && i % ISSUES_A_STEP === 0) yield;
    const metrics = files.issueMetrics(issue.issueId);
    batch.write(metrics, pretty(issue));
    expected.add(path.basename(metrics));
    if (!isFinished(issue)) continue;
    const report = files.issueReport(issue.issueId);
    const key = issueKey(issue.issueId);
    batch.write(
      report,
      pretty({
        issue,
        agents: agents.get(key) ?? [],
        pipelines: pipelines.get(key) ?? [],
        debuggingCycles: debuggingCycles.get(key) ?? [],
        errors: errors.get(key) ?? [],
      }),
    );
    expected.add(path.basename(report));
  }
  removeIssueFilesExcept(files.issuesDir, expected, batch);
}

/** Removes a run's derived JSON (a run refused for corruption, or one that has no RunStarted). */
export function removeRunJson(logsDir: string, runId: string, batch: DurableBatch): void {
  const files = runJsonFiles(logsDir, runId);
  batch.remove(files.metadata);
  batch.remove(files.finalReport);
  removeIssueFilesExcept(files.issuesDir, new Set(), batch);
}

function removeIssueFilesExcept(issuesDir: string, keep: ReadonlySet<string>, batch: DurableBatch): void {
  let names: string[];
  try {
    names = fs.readdirSync(issuesDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (/^issue_.+_(metrics|report)\.json$/.test(name) && !keep.has(name)) batch.remove(path.join(issuesDir, name));
  }
}
