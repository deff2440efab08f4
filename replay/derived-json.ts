import fs from 'node:fs';
import path from 'node:path';
import type { IssueId } from '../events/fields.js';
import type { IssueModel, RunReadModels } from '../projections/run-projection.js';
import { removeFileDurably, writeFileAtomic } from './atomic-file.js';
import { runJsonFiles } from './replay-paths.js';

const pretty = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const sameIssue = (a: IssueId | null, b: IssueId): boolean => a !== null && JSON.stringify(a) === JSON.stringify(b);
const isFinished = (issue: IssueModel): boolean => issue.status === 'completed' || issue.status === 'failed' || issue.status === 'skipped';

/** Writes atomically, but only when the content differs: an unchanged file costs a read, not an fsync. */
function writeIfChanged(file: string, content: string): void {
  try {
    if (fs.readFileSync(file, 'utf8') === content) return;
  } catch {
    // missing: write it
  }
  writeFileAtomic(file, content);
}

/**
 * The seed's layout, kept in step with the journal: metadata.json (always), final_report.json
 * (runs with a RunFinished), issues/issue_<id>_metrics.json (every issue) and
 * issues/issue_<id>_report.json (finished issues). Files that no longer apply are removed.
 */
export function writeRunJson(logsDir: string, models: RunReadModels, runFinished: boolean): void {
  const files = runJsonFiles(logsDir, models.run.runId);
  writeIfChanged(files.metadata, pretty(models.run));
  if (runFinished) writeIfChanged(files.finalReport, pretty(models));
  else removeFileDurably(files.finalReport);

  const expected = new Set<string>();
  for (const issue of models.issues) {
    const metrics = files.issueMetrics(issue.issueId);
    writeIfChanged(metrics, pretty(issue));
    expected.add(path.basename(metrics));
    if (!isFinished(issue)) continue;
    const report = files.issueReport(issue.issueId);
    writeIfChanged(
      report,
      pretty({
        issue,
        agents: models.agents.filter((a) => sameIssue(a.issueId, issue.issueId)),
        pipelines: models.pipelines.filter((p) => sameIssue(p.issueId, issue.issueId)),
        debuggingCycles: models.debuggingCycles.filter((d) => sameIssue(d.issueId, issue.issueId)),
        errors: models.errors.filter((e) => sameIssue(e.issueId, issue.issueId)),
      }),
    );
    expected.add(path.basename(report));
  }
  removeIssueFilesExcept(files.issuesDir, expected);
}

/** Removes a run's derived JSON (a run refused for corruption, or one that has no RunStarted). */
export function removeRunJson(logsDir: string, runId: string): void {
  const files = runJsonFiles(logsDir, runId);
  removeFileDurably(files.metadata);
  removeFileDurably(files.finalReport);
  removeIssueFilesExcept(files.issuesDir, new Set());
}

function removeIssueFilesExcept(issuesDir: string, keep: ReadonlySet<string>): void {
  let names: string[];
  try {
    names = fs.readdirSync(issuesDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (/^issue_.+_(metrics|report)\.json$/.test(name) && !keep.has(name)) removeFileDurably(path.join(issuesDir, name));
  }
}
