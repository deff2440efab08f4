import type { AgentModel, IssueModel, RunModel, RunReadModels } from '../run-projection.js';
import { seconds } from './cells.js';
import { configColumns } from './config-columns.js';
import { headerOf, rowsOf, type Table } from './csv-table.js';
import { activityColumns, tokenColumns } from './shared-columns.js';

export const runsTable: Table<RunModel> = {
  file: 'runs.csv',
  columns: [
    { header: 'run_id', value: (r) => r.runId },
    { header: 'project_id', value: (r) => r.projectId },
    { header: 'status', value: (r) => r.status },
    { header: 'status_reason', value: (r) => r.statusReason },
    { header: 'started_at', value: (r) => r.startedAt },
    { header: 'ended_at', value: (r) => r.endedAt },
    { header: 'duration_s', value: (r) => seconds(r.durationMs) },
    // Wall time = active time + the downtime between crashes and their resumes (see `resumes`).
    { header: 'downtime_s', value: (r) => seconds(r.downtimeMs) },
    { header: 'active_duration_s', value: (r) => seconds(r.activeDurationMs) },
    ...configColumns<RunModel>((r) => r.config),
    { header: 'issues_total', value: (r) => r.issues.total },
    { header: 'issues_completed', value: (r) => r.issues.completed },
    { header: 'issues_failed', value: (r) => r.issues.failed },
    { header: 'issues_skipped', value: (r) => r.issues.skipped },
    { header: 'issues_unfinished', value: (r) => r.issues.unfinished },
    { header: 'success_rate', value: (r) => r.successRate },
    { header: 'first_time_right_rate', value: (r) => r.firstTimeRightRate },
    ...tokenColumns<RunModel>((r) => r.tokens),
    { header: 'agent_attempts', value: (r) => r.agentAttempts },
    { header: 'agent_failures', value: (r) => r.agentFailures },
    ...activityColumns<RunModel>(),
    { header: 'avg_complexity', value: (r) => r.averageComplexity },
    { header: 'resumes', value: (r) => r.resumes },
    { header: 'events', value: (r) => r.journal.events },
    { header: 'torn_tail_offset', value: (r) => r.journal.tornTail?.offset },
    { header: 'runledger_version', value: (r) => r.runledgerVersion },
    { header: 'price_table_version', value: (r) => r.priceTableVersion },
  ],
};

/** Issues carry their run's configuration, so an issue-level comparison needs no join. */
export type IssueRow = IssueModel & { readonly run: RunModel };

export const issuesTable: Table<IssueRow> = {
  file: 'issues.csv',
  columns: [
    { header: 'run_id', value: (r) => r.runId },
    { header: 'issue_id', value: (r) => r.issueId },
    { header: 'title', value: (r) => r.title },
    { header: 'labels', value: (r) => r.labels.join(';') },
    { header: 'status', value: (r) => r.status },
    { header: 'started_at', value: (r) => r.startedAt },
    { header: 'ended_at', value: (r) => r.endedAt },
    { header: 'duration_s', value: (r) => seconds(r.durationMs) },
    ...configColumns<IssueRow>((r) => r.run.config),
    { header: 'agent_attempts', value: (r) => r.agentAttempts },
    { header: 'agent_failures', value: (r) => r.agentFailures },
    ...tokenColumns<IssueRow>((r) => r.tokens),
    ...activityColumns<IssueRow>(),
    { header: 'files_created', value: (r) => r.code?.filesCreated },
    { header: 'files_modified', value: (r) => r.code?.filesModified },
    { header: 'files_deleted', value: (r) => r.code?.filesDeleted },
    { header: 'lines_added', value: (r) => r.code?.linesAdded },
    { header: 'lines_removed', value: (r) => r.code?.linesRemoved },
    { header: 'tests_added', value: (r) => r.code?.testsAdded },
    { header: 'coverage_percent', value: (r) => r.code?.coveragePercent },
    { header: 'complexity', value: (r) => r.complexity?.score ?? null },
    { header: 'first_time_right', value: (r) => r.firstTimeRight },
  ],
};

export const agentsTable: Table<AgentModel> = {
  file: 'agents.csv',
  columns: [
    { header: 'run_id', value: (r) => r.runId },
    { header: 'issue_id', value: (r) => r.issueId },
    { header: 'agent_id', value: (r) => r.agentId },
    { header: 'agent_type', value: (r) => r.agentType },
    { header: 'attempt', value: (r) => r.attempt },
    { header: 'status', value: (r) => r.status },
    { header: 'started_at', value: (r) => r.startedAt },
    { header: 'ended_at', value: (r) => r.endedAt },
    { header: 'duration_s', value: (r) => seconds(r.durationMs) },
    ...tokenColumns<AgentModel>((r) => r.tokens),
    { header: 'tool_calls', value: (r) => r.toolCalls },
    { header: 'tool_failures', value: (r) => r.toolFailures },
    { header: 'error', value: (r) => r.error },
  ],
};

type Row<K extends keyof RunReadModels> = RunReadModels[K] extends readonly (infer T)[] ? T : never;

export const pipelinesTable: Table<Row<'pipelines'>> = {
  file: 'pipelines.csv',
  columns: [
    { header: 'run_id', value: (r) => r.runId },
    { header: 'issue_id', value: (r) => r.issueId },
    { header: 'pipeline_id', value: (r) => r.pipelineId },
    { header: 'commit_sha', value: (r) => r.commitSha },
    { header: 'status', value: (r) => r.status },
    { header: 'triggered_by', value: (r) => r.triggeredBy },
    { header: 'attempt', value: (r) => r.attempt },
    { header: 'duration_s', value: (r) => seconds(r.durationMs) },
    { header: 'failing_tests', value: (r) => r.failingTests },
    { header: 'recorded_at', value: (r) => r.recordedAt },
  ],
};

export const toolUsageTable: Table<Row<'tools'>> = {
  file: 'tool_usage.csv',
  columns: [
    { header: 'run_id', value: (r) => r.runId },
    { header: 'tool', value: (r) => r.tool },
    { header: 'calls', value: (r) => r.calls },
    { header: 'failures', value: (r) => r.failures },
    { header: 'abandoned', value: (r) => r.abandoned },
    { header: 'total_duration_s', value: (r) => seconds(r.totalDurationMs) },
    { header: 'mean_duration_s', value: (r) => seconds(r.meanDurationMs) },
    { header: 'p95_duration_s', value: (r) => seconds(r.p95DurationMs) },
  ],
};

export const debuggingCyclesTable: Table<Row<'debuggingCycles'>> = {
  file: 'debugging_cycles.csv',
  columns: [
    { header: 'run_id', value: (r) => r.runId },
    { header: 'issue_id', value: (r) => r.issueId },
    { header: 'cycle', value: (r) => r.cycle },
    { header: 'trigger', value: (r) => r.trigger },
    { header: 'failing_tests', value: (r) => r.failingTests },
    { header: 'resolved', value: (r) => r.resolved },
    { header: 'duration_s', value: (r) => seconds(r.durationMs) },
    { header: 'agent_id', value: (r) => r.agentId },
    { header: 'recorded_at', value: (r) => r.recordedAt },
  ],
};

export const errorsTable: Table<Row<'errors'>> = {
  file: 'errors.csv',
  columns: [
    { header: 'run_id', value: (r) => r.runId },
    { header: 'seq', value: (r) => r.seq },
    { header: 'recorded_at', value: (r) => r.recordedAt },
    { header: 'kind', value: (r) => r.kind },
    { header: 'message', value: (r) => r.message },
    { header: 'recoverable', value: (r) => r.recoverable },
    { header: 'issue_id', value: (r) => r.issueId },
    { header: 'agent_id', value: (r) => r.agentId },
    { header: 'call_id', value: (r) => r.callId },
    { header: 'tool', value: (r) => r.tool },
  ],
};

/** The seven tables, in the v2 metrics system's order, each with the rows one run contributes. */
export const TABLES = [
  { table: runsTable, rows: (m: RunReadModels) => [m.run] },
  { table: issuesTable, rows: (m: RunReadModels) => m.issues.map((issue) => ({ ...issue, run: m.run })) },
  { table: agentsTable, rows: (m: RunReadModels) => m.agents },
  { table: pipelinesTable, rows: (m: RunReadModels) => m.pipelines },
  { table: toolUsageTable, rows: (m: RunReadModels) => m.tools },
  { table: debuggingCyclesTable, rows: (m: RunReadModels) => m.debuggingCycles },
  { table: errorsTable, rows: (m: RunReadModels) => m.errors },
] as const;

export interface TableRows {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The cells one run contributes to each of the seven tables. */
export function runTableRows(models: RunReadModels): TableRows[] {
  return TABLES.map(({ table, rows }) => ({
    file: table.file,
    header: headerOf(table as Table<unknown>),
    rows: rowsOf(table as Table<unknown>, rows(models) as readonly unknown[]),
  }));
}

export const TABLE_FILES: readonly string[] = TABLES.map(({ table }) => table.file);
export const TABLE_HEADERS: ReadonlyMap<string, readonly string[]> = new Map(
  TABLES.map(({ table }) => [table.file, headerOf(table as Table<unknown>)]),
);
