import type { RunReadModels, RunStatus } from '../../projections/run-projection.js';
import { configValue, formatValue } from '../analysis/config-keys.js';
import { duration, pct, usd } from '../analysis/render/format.js';
import { escapeHtml } from './escape.js';
import { figure, int } from './figure-markup.js';
import { htmlTable, type Column } from './html-table.js';
import { badge } from './warnings.js';

/** After a cost that uses provider-reported costs: how many records, and reported − computed. */
function reportedMark(run: RunReadModels['run']): string {
  const t = run.tokens;
  if (t.reportedRecords === 0) return '';
  const difference = `${t.reportedMinusComputedUsd < 0 ? '−' : '+'}${usd(Math.abs(t.reportedMinusComputedUsd))}`;
  return ` <span class="small" title="${escapeHtml(`${t.reportedRecords} token record(s) priced by the provider's reported cost; reported − computed: ${difference}`)}">(reported ${escapeHtml(difference)})</span>`;
}

const MAX_RUN_ROWS = 200;

/** A time as "2026-01-05 09:00 UTC", cut from the ISO text in the journal (no clock, no locale). */
export const utcMinute = (iso: string | null): string => (iso === null ? '–' : `${shortTime(iso)} UTC`);
/** The same without the zone, for table columns whose header says UTC. */
export const shortTime = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

const STATUS_TEXT: Record<RunStatus, string> = {
  completed: 'completed',
  failed: 'failed',
  interrupted: 'interrupted',
  crashed: 'crashed',
  running: 'running',
};

function statusBadge(status: RunStatus, runId: string, reason: string | null): string {
  const text = status === 'crashed' ? `⚠ ${STATUS_TEXT[status]}` : STATUS_TEXT[status];
  return badge(status, text, { 'data-status': status, 'data-run-id': runId, ...(reason ? { title: reason } : {}) });
}

/** Imported runs are marked, with the format and file they came from (runledger import). */
function importedMark(run: RunReadModels['run']): string {
  if (!run.imported) return '';
  const format = configValue(run.config, 'source.format');
  const file = configValue(run.config, 'source.file');
  const title = `imported${typeof format === 'string' ? ` from ${format}` : ''}${typeof file === 'string' ? `: ${file}` : ''}`;
  return ` <span class="imported" data-imported="true" title="${escapeHtml(title)}">imported</span>`;
}

const countWithFailures = (count: number, failures: number): string =>
  failures === 0 ? int(count) : `${int(count)}<span class="ci bad">${int(failures)} failed</span>`;

/** A run id that may wrap after "_" and "-" (never inside a word): ids run to 128 characters. */
export const breakableId = (id: string): string => escapeHtml(id).replace(/([_-])/g, '$1<wbr>');

/** The most recent runs (up to 200), newest first; crashed and interrupted runs stand out. */
export function runsSection(runs: readonly RunReadModels[], configKeys: readonly string[]): string {
  const ordered = [...runs].sort((a, b) =>
    a.run.startedAt < b.run.startedAt ? 1 : a.run.startedAt > b.run.startedAt ? -1 : a.run.runId < b.run.runId ? 1 : -1,
  );
  const shown = ordered.slice(0, MAX_RUN_ROWS);
  const left = ordered.length - shown.length;
  const statusCounts = new Map<RunStatus, number>();
  for (const r of runs) statusCounts.set(r.run.status, (statusCounts.get(r.run.status) ?? 0) + 1);
  const src = 'run';
  const columns: Column<RunReadModels>[] = [
    { header: 'run', className: 'id run-id', cell: ({ run }) => breakableId(run.runId) },
    { header: 'started (UTC)', className: 'nowrap', cell: ({ run }) => escapeHtml(shortTime(run.startedAt)) },
    {
      header: 'status',
      cell: ({ run }) =>
        `${statusBadge(run.status, run.runId, run.statusReason)}${run.journal.tornTail ? ` <span class="warning" title="torn tail at byte ${run.journal.tornTail.offset}">torn tail</span>` : ''}${importedMark(run)}`,
    },
    {
      header: configKeys.join(', ') || 'configuration',
      cell: ({ run }) => escapeHtml(configKeys.map((k) => formatValue(configValue(run.config, k))).join(', ')),
    },
    {
      header: 'issues done',
      numeric: true,
      title: 'completed / started',
      cell: ({ run }) =>
        `${figure({ source: src, group: run.runId, metric: 'completed-issues' }, run.issues.completed, int(run.issues.completed))} / ${figure({ source: src, group: run.runId, metric: 'issues' }, run.issues.total, int(run.issues.total))}`,
    },
    {
      header: 'success',
      numeric: true,
      cell: ({ run }) => figure({ source: src, group: run.runId, metric: 'success-rate' }, run.successRate, pct(run.successRate)),
    },
    {
      header: 'cost',
      numeric: true,
      cell: ({ run }) =>
        run.tokens.unpricedRecords > 0
          ? `<span class="warning" title="${escapeHtml(
              `a lower bound: ${run.tokens.unpricedRecords} token record(s) with ${run.tokens.unpricedTokens} tokens have no price (${run.unpricedModels.join(', ')})`,
            )}">${run.tokens.unpricedRecords === run.tokens.tokenRecords ? 'unknown' : `≥ ${escapeHtml(usd(run.tokens.costUsd))}`} (${int(run.tokens.unpricedRecords)} unpriced)</span>`
          : figure({ source: src, group: run.runId, metric: 'cost' }, run.tokens.costUsd, usd(run.tokens.costUsd)) + reportedMark(run),
    },
    {
      header: 'duration',
      numeric: true,
      cell: ({ run }) => figure({ source: src, group: run.runId, metric: 'duration' }, run.durationMs, duration(run.durationMs)),
    },
    { header: 'tool calls', numeric: true, cell: ({ run }) => countWithFailures(run.toolCalls, run.toolFailures) },
    { header: 'pipelines', numeric: true, cell: ({ run }) => countWithFailures(run.pipelines, run.pipelineFailures) },
    { header: 'errors', numeric: true, cell: ({ run }) => int(run.errors) },
  ];
  const order: RunStatus[] = ['completed', 'failed', 'interrupted', 'crashed', 'running'];
  const summary = order
    .filter((s) => statusCounts.has(s))
    .map((s) => `${badge(s, STATUS_TEXT[s])} ${int(statusCounts.get(s))}`)
    .join(' &nbsp; ');
  return `<section class="panel" id="runs">
<h2>Runs</h2>
<p class="lead">${int(runs.length)} runs: ${summary}. A run without <code>RunFinished</code> whose writer is gone is crashed; running runs are left out of the analysis.</p>
${htmlTable(columns, shown, { rowAttrs: ({ run }) => ({ class: `row-${run.status}`, 'data-run-id': run.runId }), attributes: { 'data-table': 'runs' }, empty: 'No runs recorded.' })}
${left > 0 ? `<p class="capped" data-capped="runs">Showing the ${int(shown.length)} most recent runs; ${int(left)} older run${left === 1 ? '' : 's'} left out of this table (they are in the analysis).</p>` : ''}
</section>`;
}
