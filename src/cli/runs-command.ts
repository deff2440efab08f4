import type { AnalysisRun } from '../../projections/analysis-input.js';
import { loadAnalysisRuns } from '../../replay/load-analysis-runs.js';
import { configValue, formatValue } from '../analysis/config-keys.js';
import { durationColumn } from '../analysis/render/format.js';
import { renderTextTable } from '../analysis/render/table.js';
import { RUN_STATUSES } from './choices.js';
import { colours, colourStatus } from './colour.js';
import { pricingNote, pricingOf } from './pricing-options.js';
import { UsageError } from './exit-codes.js';
import { existingLogsDir, noteReadOnly } from './logs-dir.js';

export interface RunFilters {
  readonly statuses?: readonly string[];
  /** key=value pairs on the config, dotted keys: llm.model=gpt-4o. */
  readonly config?: readonly string[];
  readonly since?: string;
  readonly until?: string;
}

function filterRuns(runs: readonly AnalysisRun[], filters: RunFilters): AnalysisRun[] {
  for (const status of filters.statuses ?? []) {
    if (!RUN_STATUSES.includes(status)) throw new UsageError(`--status ${JSON.stringify(status)} is not one of ${RUN_STATUSES.join(', ')}`);
  }
  const pairs = (filters.config ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--config ${JSON.stringify(pair)} is not key=value (e.g. llm.model=gpt-4o)`);
    return { key: pair.slice(0, at), value: pair.slice(at + 1) };
  });
  const time = (name: string, text: string | undefined): number | null => {
    if (text === undefined) return null;
    const t = Date.parse(text);
    if (Number.isNaN(t)) throw new UsageError(`${name} ${JSON.stringify(text)} is not a date (e.g. 2026-11-01 or 2026-11-01T12:00:00Z)`);
    return t;
  };
  const since = time('--since', filters.since);
  const until = time('--until', filters.until);
  return runs.filter(
    (r) =>
      (!filters.statuses?.length || filters.statuses.includes(r.status)) &&
      pairs.every(({ key, value }) => formatValue(configValue(r.config, key)) === value) &&
      (since === null || Date.parse(r.startedAt) >= since) &&
      (until === null || Date.parse(r.startedAt) <= until),
  );
}

/** The run's known cost; "≥" marks a lower bound (some records unpriced), "unknown" that no record is priced. */
function runCost(r: AnalysisRun): string {
  if (r.unpricedRecords === 0) return `$${r.costUsd.toFixed(4)}`;
  return r.unpricedRecords === r.tokenRecords ? 'unknown' : `≥$${r.costUsd.toFixed(4)}`;
}

/** Under the table: what "≥" and "unknown" mean, with the unpriced records and their tokens. */
function unpricedNote(runs: readonly AnalysisRun[]): string {
  const unpriced = runs.filter((r) => r.unpricedRecords > 0);
  if (unpriced.length === 0) return '';
  const records = unpriced.reduce((s, r) => s + r.unpricedRecords, 0);
  const tokens = unpriced.reduce((s, r) => s + r.unpricedTokens, 0);
  const models = [...new Set(unpriced.flatMap((r) => r.unpricedModels))].sort();
  return `cost of ${unpriced.length} run(s) is a lower bound (≥) or unknown: ${records} token record(s) with ${tokens} tokens have no price (${models.join(', ')}); see runledger prices --check\n`;
}

/** Under the table: what "resumed" means for the time columns. */
function resumedNote(runs: readonly AnalysisRun[]): string {
  const resumed = runs.filter((r) => r.resumes > 0).length;
  if (resumed === 0) return '';
  return `${resumed} run(s) resumed after a crash or interruption: wall time includes the downtime before each resume, active time does not\n`;
}

/** Under the table: how many records carry a provider-reported cost, and how far it is from the computed one. */
function reportedNote(runs: readonly AnalysisRun[]): string {
  const reporting = runs.filter((r) => r.reportedCostRecords > 0);
  if (reporting.length === 0) return '';
  const records = reporting.reduce((s, r) => s + r.reportedCostRecords, 0);
  const difference = reporting.reduce((s, r) => s + r.reportedMinusComputedUsd, 0);
  return `cost of ${reporting.length} run(s) uses the provider-reported cost of ${records} token record(s); reported − computed: ${difference < 0 ? '-' : '+'}$${Math.abs(difference).toFixed(4)}\n`;
}

export interface RunsOptions {
  dir?: string;
  status?: string;
  config: string[];
  since?: string;
  until?: string;
  json?: boolean;
  pricesAs?: string;
  prices?: string;
}

export async function runsCommand(options: RunsOptions): Promise<void> {
  const { runs, readOnly, replay } = await loadAnalysisRuns({ dir: existingLogsDir(options.dir), ...pricingOf(options) });
  if (readOnly) noteReadOnly(replay.dir);
  const selected = filterRuns(runs, {
    statuses: options.status?.split(',').map((s) => s.trim()),
    config: options.config,
    since: options.since,
    until: options.until,
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(selected, null, 2)}\n`);
    return;
  }
  const c = colours();
  // Wall and active time share one unit, picked from both columns' range.
  const time = durationColumn(selected.flatMap((r) => [r.durationMs, r.activeDurationMs]));
  const table = renderTextTable({
    headers: ['run', 'status', 'started', 'model', 'temp', 'retries', 'issues ok/all', 'success', 'cost', 'wall time', 'active'],
    right: new Set([4, 5, 6, 7, 8, 9, 10]),
    rows: selected.map((r) => [
      r.runId,
      `${r.status}${r.imported ? ' (imported)' : ''}${r.resumes === 0 ? '' : `, resumed ×${r.resumes}`}`,
      r.startedAt.replace('T', ' ').slice(0, 19),
      formatValue(configValue(r.config, 'llm.model')),
      formatValue(configValue(r.config, 'llm.temperature')),
      formatValue(configValue(r.config, 'maxRetries')),
      `${r.completedIssues}/${r.issues}`,
      r.issues === 0 ? '–' : `${((r.completedIssues / r.issues) * 100).toFixed(0)}%`,
      runCost(r),
      time(r.durationMs),
      time(r.activeDurationMs),
    ]),
  });
  // Colour after alignment, so escape codes never shift the columns.
  const lines = table
    .split('\n')
    .map((line, i) =>
      i < 2 ? c.bold(line) : line.replace(/\b(running|completed|failed|interrupted|crashed)\b/, (s) => colourStatus(c, s)),
    );
  const imported = selected.filter((r) => r.imported).length;
  const importedNote =
    imported === 0 ? '' : `${imported} run(s) imported from other harnesses' files (runledger import): config.source says from where\n`;
  process.stdout.write(
    `${pricingNote(options)}${lines.join('\n')}\n${selected.length} of ${runs.length} run(s)\n${resumedNote(selected)}${importedNote}${unpricedNote(selected)}${reportedNote(selected)}`,
  );
}
