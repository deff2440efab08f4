import type { RunReadModels } from '../../projections/run-projection.js';

/**
 * Tools, pipelines and errors of all runs, aggregated for the report's tables. Pure folds over the
 * read models; every order is fixed (counts, then names), so the same runs give the same tables.
 */

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface ToolRow {
  readonly tool: string;
  readonly calls: number;
  readonly failures: number;
  readonly abandoned: number;
  readonly runs: number;
  /** Calls that ended (with a duration). */
  readonly ended: number;
  readonly totalDurationMs: number;
  readonly meanDurationMs: number | null;
  /** The largest per-run p95: a pooled p95 cannot be rebuilt from per-run summaries. */
  readonly worstP95Ms: number | null;
}

export function toolRows(runs: readonly RunReadModels[]): ToolRow[] {
  const rows = new Map<
    string,
    { calls: number; failures: number; abandoned: number; runs: number; ended: number; total: number; p95: number | null }
  >();
  for (const r of runs) {
    for (const t of r.tools) {
      const row = rows.get(t.tool) ?? { calls: 0, failures: 0, abandoned: 0, runs: 0, ended: 0, total: 0, p95: null };
      row.calls += t.calls;
      row.failures += t.failures;
      row.abandoned += t.abandoned;
      row.runs += 1;
      // meanDurationMs = total ÷ ended calls, so the ended calls are total ÷ mean (rounded: floats).
      row.ended +=
        t.meanDurationMs === null || t.meanDurationMs === 0
          ? t.meanDurationMs === 0
            ? t.calls - t.abandoned
            : 0
          : Math.round(t.totalDurationMs / t.meanDurationMs);
      row.total += t.totalDurationMs;
      if (t.p95DurationMs !== null) row.p95 = Math.max(row.p95 ?? 0, t.p95DurationMs);
      rows.set(t.tool, row);
    }
  }
  return [...rows.entries()]
    .map(([tool, r]) => ({
      tool,
      calls: r.calls,
      failures: r.failures,
      abandoned: r.abandoned,
      runs: r.runs,
      ended: r.ended,
      totalDurationMs: r.total,
      meanDurationMs: r.ended === 0 ? null : r.total / r.ended,
      worstP95Ms: r.p95,
    }))
    .sort((a, b) => b.calls - a.calls || byText(a.tool, b.tool));
}

export interface PipelineTriggerRow {
  readonly triggeredBy: string;
  readonly pipelines: number;
  readonly success: number;
  readonly failed: number;
  readonly canceled: number;
  readonly failingTests: number;
  readonly medianDurationMs: number | null;
}

export function pipelineTriggerRows(runs: readonly RunReadModels[]): PipelineTriggerRow[] {
  const rows = new Map<
    string,
    { pipelines: number; success: number; failed: number; canceled: number; failingTests: number; durations: number[] }
  >();
  for (const r of runs) {
    for (const p of r.pipelines) {
      const row = rows.get(p.triggeredBy) ?? { pipelines: 0, success: 0, failed: 0, canceled: 0, failingTests: 0, durations: [] };
      row.pipelines += 1;
      row[p.status] += 1;
      row.failingTests += p.failingTests;
      if (p.durationMs !== null) row.durations.push(p.durationMs);
      rows.set(p.triggeredBy, row);
    }
  }
  return [...rows.entries()]
    .map(([triggeredBy, r]) => ({
      triggeredBy,
      pipelines: r.pipelines,
      success: r.success,
      failed: r.failed,
      canceled: r.canceled,
      failingTests: r.failingTests,
      medianDurationMs: median(r.durations),
    }))
    .sort((a, b) => b.pipelines - a.pipelines || byText(a.triggeredBy, b.triggeredBy));
}

export type PipelineRecord = RunReadModels['pipelines'][number];

/** Pipelines that did not succeed, the most recent first. */
export function unsuccessfulPipelines(runs: readonly RunReadModels[]): PipelineRecord[] {
  return runs
    .flatMap((r) => r.pipelines.filter((p) => p.status !== 'success'))
    .sort((a, b) => byText(b.recordedAt, a.recordedAt) || byText(a.runId, b.runId) || b.seq - a.seq);
}

export interface ErrorGroup {
  readonly kind: string;
  readonly message: string;
  readonly count: number;
  readonly recoverable: number;
  readonly runs: number;
  readonly tools: readonly string[];
  readonly lastSeen: string;
  readonly lastRunId: string;
}

/** Errors grouped by kind and message, the most frequent first. */
export function errorGroups(runs: readonly RunReadModels[]): ErrorGroup[] {
  const groups = new Map<
    string,
    {
      kind: string;
      message: string;
      count: number;
      recoverable: number;
      runs: Set<string>;
      tools: Set<string>;
      lastSeen: string;
      lastRunId: string;
    }
  >();
  for (const r of runs) {
    for (const e of r.errors) {
      const key = `${e.kind}\u0000${e.message}`;
      let g = groups.get(key);
      if (!g) {
        g = {
          kind: e.kind,
          message: e.message,
          count: 0,
          recoverable: 0,
          runs: new Set(),
          tools: new Set(),
          lastSeen: e.recordedAt,
          lastRunId: e.runId,
        };
        groups.set(key, g);
      }
      g.count += 1;
      if (e.recoverable) g.recoverable += 1;
      g.runs.add(e.runId);
      if (e.tool !== null) g.tools.add(e.tool);
      if (e.recordedAt > g.lastSeen || (e.recordedAt === g.lastSeen && e.runId > g.lastRunId)) {
        g.lastSeen = e.recordedAt;
        g.lastRunId = e.runId;
      }
    }
  }
  return [...groups.values()]
    .map((g) => ({
      kind: g.kind,
      message: g.message,
      count: g.count,
      recoverable: g.recoverable,
      runs: g.runs.size,
      tools: [...g.tools].sort(byText),
      lastSeen: g.lastSeen,
      lastRunId: g.lastRunId,
    }))
    .sort((a, b) => b.count - a.count || byText(b.lastSeen, a.lastSeen) || byText(a.kind, b.kind) || byText(a.message, b.message));
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
