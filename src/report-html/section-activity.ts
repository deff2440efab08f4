import type { RunReadModels } from '../../projections/run-projection.js';
import { durationColumn, pct } from '../analysis/render/format.js';
import {
  errorGroups,
  pipelineTriggerRows,
  toolRows,
  unsuccessfulPipelines,
  type ErrorGroup,
  type PipelineRecord,
  type PipelineTriggerRow,
  type ToolRow,
} from './activity.js';
import { escapeHtml } from './escape.js';
import { int } from './figure-markup.js';
import { breakableId, shortTime } from './section-runs.js';
import { htmlTable, type Column } from './html-table.js';
import { badge } from './warnings.js';

const MAX_TOOL_ROWS = 40;
const MAX_PIPELINE_ROWS = 15;
const MAX_ERROR_ROWS = 30;
const MAX_MESSAGE_CHARS = 400;

const rate = (part: number, whole: number): string => (whole === 0 ? '–' : pct(part / whole));

function capped(kind: string, shown: number, total: number, what: string): string {
  return total > shown
    ? `<p class="capped" data-capped="${kind}">Showing ${int(shown)} of ${int(total)} ${what}; ${int(total - shown)} left out.</p>`
    : '';
}

/** A message cut to a readable length (whole code points), then escaped. */
function message(text: string): string {
  const chars = [...text];
  return escapeHtml(
    chars.length <= MAX_MESSAGE_CHARS
      ? text
      : `${chars.slice(0, MAX_MESSAGE_CHARS).join('')}… [${chars.length - MAX_MESSAGE_CHARS} more characters]`,
  );
}

export function activitySection(runs: readonly RunReadModels[]): string {
  const tools = toolRows(runs);
  const meanDuration = durationColumn(tools.map((t) => t.meanDurationMs));
  const p95Duration = durationColumn(tools.map((t) => t.worstP95Ms));
  const totalDuration = durationColumn(tools.map((t) => t.totalDurationMs));
  const toolColumns: Column<ToolRow>[] = [
    { header: 'tool', className: 'id', cell: (t) => escapeHtml(t.tool) },
    { header: 'calls', numeric: true, cell: (t) => int(t.calls) },
    { header: 'failed', numeric: true, cell: (t) => int(t.failures) },
    { header: 'failure rate', numeric: true, cell: (t) => rate(t.failures, t.calls) },
    {
      header: 'abandoned',
      numeric: true,
      title: 'open when their writer died, as named by the resume that followed',
      cell: (t) => int(t.abandoned),
    },
    { header: 'runs', numeric: true, cell: (t) => int(t.runs) },
    { header: 'mean duration', numeric: true, cell: (t) => meanDuration(t.meanDurationMs) },
    { header: 'worst run p95', numeric: true, title: 'the largest per-run 95th percentile', cell: (t) => p95Duration(t.worstP95Ms) },
    { header: 'total time', numeric: true, cell: (t) => totalDuration(t.totalDurationMs) },
  ];

  const triggers = pipelineTriggerRows(runs);
  const medianDuration = durationColumn(triggers.map((p) => p.medianDurationMs));
  const triggerColumns: Column<PipelineTriggerRow>[] = [
    { header: 'triggered by', cell: (p) => escapeHtml(p.triggeredBy) },
    { header: 'pipelines', numeric: true, cell: (p) => int(p.pipelines) },
    { header: 'success', numeric: true, cell: (p) => int(p.success) },
    { header: 'failed', numeric: true, cell: (p) => int(p.failed) },
    { header: 'canceled', numeric: true, cell: (p) => int(p.canceled) },
    { header: 'failure rate', numeric: true, cell: (p) => rate(p.failed, p.pipelines) },
    { header: 'failing tests', numeric: true, cell: (p) => int(p.failingTests) },
    { header: 'median duration', numeric: true, cell: (p) => medianDuration(p.medianDurationMs) },
  ];
  const unsuccessful = unsuccessfulPipelines(runs);
  const pipelineDuration = durationColumn(unsuccessful.map((p) => p.durationMs));
  const failedColumns: Column<PipelineRecord>[] = [
    { header: 'when (UTC)', className: 'nowrap', cell: (p) => escapeHtml(shortTime(p.recordedAt)) },
    { header: 'run', className: 'id', cell: (p) => breakableId(p.runId) },
    { header: 'issue', cell: (p) => escapeHtml(p.issueId === null ? '–' : String(p.issueId)) },
    { header: 'pipeline', className: 'id', cell: (p) => breakableId(p.pipelineId) },
    { header: 'commit', className: 'id', cell: (p) => escapeHtml(p.commitSha.slice(0, 12)) },
    { header: 'status', cell: (p) => badge(p.status, p.status) },
    { header: 'attempt', numeric: true, cell: (p) => int(p.attempt) },
    { header: 'failing tests', numeric: true, cell: (p) => int(p.failingTests) },
    { header: 'duration', numeric: true, cell: (p) => pipelineDuration(p.durationMs) },
  ];

  const errors = errorGroups(runs);
  const totalErrors = errors.reduce((s, e) => s + e.count, 0);
  const errorColumns: Column<ErrorGroup>[] = [
    { header: 'kind', cell: (e) => escapeHtml(e.kind) },
    { header: 'message', className: 'msg', cell: (e) => message(e.message) },
    { header: 'count', numeric: true, cell: (e) => int(e.count) },
    {
      header: 'recoverable',
      numeric: true,
      cell: (e) => (e.recoverable === e.count ? 'yes' : e.recoverable === 0 ? 'no' : `${int(e.recoverable)} of ${int(e.count)}`),
    },
    { header: 'runs', numeric: true, cell: (e) => int(e.runs) },
    { header: 'tool', className: 'id', cell: (e) => escapeHtml(e.tools.join(', ') || '–') },
    {
      header: 'last seen (UTC)',
      className: 'nowrap',
      cell: (e) => `${escapeHtml(shortTime(e.lastSeen))}<br><span class="id small">${breakableId(e.lastRunId)}</span>`,
    },
  ];

  return `<section class="panel" id="activity">
<h2>Tools</h2>
<p class="lead">Every tool over all runs, the most used first.</p>
${htmlTable(toolColumns, tools.slice(0, MAX_TOOL_ROWS), { attributes: { 'data-table': 'tools' }, empty: 'No tool calls recorded.' })}
${capped('tools', Math.min(MAX_TOOL_ROWS, tools.length), tools.length, 'tools')}
<h2 id="pipelines" style="margin-top:22px">Pipelines</h2>
<p class="lead">By what triggered them, then the most recent pipelines that did not succeed.</p>
${htmlTable(triggerColumns, triggers, { attributes: { 'data-table': 'pipelines' }, empty: 'No pipelines recorded.' })}
${unsuccessful.length === 0 ? '' : `<h3>Failed and canceled pipelines</h3>${htmlTable(failedColumns, unsuccessful.slice(0, MAX_PIPELINE_ROWS), { attributes: { 'data-table': 'failed-pipelines' } })}${capped('failed-pipelines', Math.min(MAX_PIPELINE_ROWS, unsuccessful.length), unsuccessful.length, 'failed or canceled pipelines (the most recent shown)')}`}
<h2 id="errors" style="margin-top:22px">Errors</h2>
<p class="lead">${int(totalErrors)} errors, grouped by kind and message, the most frequent first. Messages are shown as recorded (secrets redacted at record time), cut at ${MAX_MESSAGE_CHARS} characters.</p>
${htmlTable(errorColumns, errors.slice(0, MAX_ERROR_ROWS), { attributes: { 'data-table': 'errors' }, empty: 'No errors recorded.' })}
${capped('errors', Math.min(MAX_ERROR_ROWS, errors.length), errors.length, 'kinds of error (the most frequent shown)')}
</section>`;
}
