import type { AnalysisRun } from '../../projections/analysis-input.js';
import type { RunReadModels, RunStatus } from '../../projections/run-projection.js';
import { configValue, formatValue } from '../analysis/config-keys.js';
import { durationColumn, pct, usd } from '../analysis/render/format.js';
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

/** What a cost cell needs: the priced records' sum and what is left unpriced. */
interface CostFacts {
  readonly costUsd: number;
  readonly tokenRecords: number;
  readonly unpricedRecords: number;
  readonly unpricedTokens: number;
  readonly unpricedModels: readonly string[];
}

/** "$0.17", a lower bound "≥ $0.17" with some records unpriced, or "unknown" when none is priced. */
const costText = (c: CostFacts): string =>
  c.unpricedRecords === 0 ? usd(c.costUsd) : c.unpricedRecords === c.tokenRecords ? 'unknown' : `≥ ${usd(c.costUsd)}`;

function costCell(c: CostFacts, ref: { source: string; group: string; metric: string }, after: string): string {
  if (c.unpricedRecords === 0) return figure(ref, c.costUsd, costText(c)) + after;
  const why = `a lower bound: ${c.unpricedRecords} token record(s) with ${c.unpricedTokens} tokens have no price (${c.unpricedModels.join(', ')})`;
  return `<span class="warning" title="${escapeHtml(why)}">${escapeHtml(costText(c))} (${int(c.unpricedRecords)} unpriced)</span>${after}`;
}

/** Below a cost priced with today's table: the cost as recorded, so both figures and their source show. */
function recordedLine(run: RunReadModels['run']): string {
  const recorded: CostFacts = { ...run.tokens, unpricedModels: run.unpricedModels };
  return `<span class="ci" title="as priced when the tokens were recorded (@pydantic/genai-prices ${escapeHtml(run.priceTableVersion)})">recorded ${figure({ source: 'run', group: run.runId, metric: 'recorded-cost' }, run.tokens.costUsd, costText(recorded))}</span>`;
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

/** A resumed run says so, with its downtime: its wall time is not its working time. */
function resumedMark(run: RunReadModels['run'], downtime: string): string {
  if (run.resumes === 0) return '';
  const times = run.resumes === 1 ? 'once' : `${run.resumes} times`;
  return ` <span class="resumed" data-resumes="${run.resumes}" title="${escapeHtml(`resumed ${times} after a crash or interruption; ${downtime} of downtime between them`)}">resumed ×${int(run.resumes)}</span>`;
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
/** `pricedNow`: the runs re-priced with today's table (--prices-as current); the cost column then shows both figures. */
export function runsSection(
  runs: readonly RunReadModels[],
  configKeys: readonly string[],
  pricedNow: ReadonlyMap<string, AnalysisRun> | null = null,
): string {
  const ordered = [...runs].sort((a, b) =>
    a.run.startedAt < b.run.startedAt ? 1 : a.run.startedAt > b.run.startedAt ? -1 : a.run.runId < b.run.runId ? 1 : -1,
  );
  const shown = ordered.slice(0, MAX_RUN_ROWS);
  const left = ordered.length - shown.length;
  const statusCounts = new Map<RunStatus, number>();
  for (const r of runs) statusCounts.set(r.run.status, (statusCounts.get(r.run.status) ?? 0) + 1);
  const resumed = runs.filter((r) => r.run.resumes > 0).length;
  const src = 'run';
  // One unit for both time columns, so wall and active time of a run compare at a glance.
  const time = durationColumn(shown.flatMap(({ run }) => [run.durationMs, run.activeDurationMs]));
  const columns: Column<RunReadModels>[] = [
    { header: 'run', className: 'id run-id', cell: ({ run }) => breakableId(run.runId) },
    { header: 'started (UTC)', className: 'nowrap', cell: ({ run }) => escapeHtml(shortTime(run.startedAt)) },
    {
      header: 'status',
      cell: ({ run }) =>
        `${statusBadge(run.status, run.runId, run.statusReason)}${resumedMark(run, time(run.downtimeMs))}${run.journal.tornTail ? ` <span class="warning" title="torn tail at byte ${run.journal.tornTail.offset}">torn tail</span>` : ''}${importedMark(run)}`,
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
      header: pricedNow ? 'cost now (recorded)' : 'cost',
      numeric: true,
      cell: ({ run }) => {
        const now = pricedNow?.get(run.runId);
        const ref = { source: src, group: run.runId, metric: 'cost' };
        if (!now) return costCell({ ...run.tokens, unpricedModels: run.unpricedModels }, ref, reportedMark(run));
        return costCell(now, ref, reportedMark(run)) + recordedLine(run);
      },
    },
    {
      header: 'wall time',
      numeric: true,
      title: 'start to finish, the downtime between a crash and its resume included',
      cell: ({ run }) => figure({ source: src, group: run.runId, metric: 'duration' }, run.durationMs, time(run.durationMs)),
    },
    {
      header: 'active',
      numeric: true,
      title: 'wall time without the downtime of its resumes',
      cell: ({ run }) =>
        figure({ source: src, group: run.runId, metric: 'active-duration' }, run.activeDurationMs, time(run.activeDurationMs)),
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
<p class="lead">${int(runs.length)} runs: ${summary}. A run without <code>RunFinished</code> whose writer is gone is crashed; running runs are left out of the analysis.${resumed > 0 ? ` ${int(resumed)} run${resumed === 1 ? ' was' : 's were'} resumed (marked "resumed"): their wall time includes the downtime, their active time does not.` : ''}</p>
${htmlTable(columns, shown, { rowAttrs: ({ run }) => ({ class: `row-${run.status}`, 'data-run-id': run.runId }), attributes: { 'data-table': 'runs' }, empty: 'No runs recorded.' })}
${left > 0 ? `<p class="capped" data-capped="runs">Showing the ${int(shown.length)} most recent runs; ${int(left)} older run${left === 1 ? '' : 's'} left out of this table (they are in the analysis).</p>` : ''}
</section>`;
}
