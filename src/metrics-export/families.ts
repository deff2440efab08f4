import type { EventData } from '../../events/registry.js';
import { AGENT_BUCKETS, addBucketCounts, emptyBucketCounts, ISSUE_BUCKETS, TOOL_CALL_BUCKETS, type BucketCounts } from './buckets.js';
import { RUN_STATUSES, type FolderTotals } from './folder-totals.js';
import { boundedLabel, type LabelBounds } from './label-bounds.js';
import { ISSUE_OUTCOMES, TOKEN_TYPES, TOOL_OUTCOMES } from './run-contribution.js';

export type Labels = Readonly<Record<string, string>>;

export interface ValueFamily {
  readonly kind: 'counter' | 'gauge';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly samples: ReadonlyArray<{ readonly labels: Labels; readonly value: number }>;
}

export interface HistogramFamily {
  readonly kind: 'histogram';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Upper bounds in seconds, +Inf left implicit. */
  readonly bounds: readonly number[];
  readonly series: ReadonlyArray<{
    readonly labels: Labels;
    /** Per bucket, not cumulative; one more than `bounds` (beyond the last bound). */
    readonly counts: readonly number[];
    readonly count: number;
    readonly sumSeconds: number;
  }>;
}

export type MetricFamily = ValueFamily | HistogramFamily;

/** The label bounds of each dimension that can grow without limit. */
export interface MetricLabelBounds {
  readonly models: LabelBounds;
  readonly tools: LabelBounds;
  readonly agentTypes: LabelBounds;
}

/** Ended runs' statuses: a running run is in the gauge, not in the counter. */
const ENDED_STATUSES = RUN_STATUSES.filter((s) => s !== 'running');
const PIPELINE_STATUSES: readonly EventData<'PipelineFinished'>['status'][] = ['success', 'failed', 'canceled'];

/**
 * The folder's totals as metric families, names and labels as README "Prometheus metrics" lists
 * them. Every bounded value gets a series for each of its label combinations, zeros included, so
 * a series exists from the first scrape on and `rate()` sees its first increase.
 */
export function metricFamilies(totals: FolderTotals, bounds: MetricLabelBounds): MetricFamily[] {
  const runs = merged(totals.runs, bounds.models, (a, b) => addNumbers(a, b));
  const issues = merged(totals.issues, bounds.models, addNumbers);
  const tokens = merged(totals.tokens, bounds.models, addNumbers);
  const cost = merged(totals.costUsd, bounds.models, (a, b) => a + b);
  const toolCalls = merged(totals.toolCalls, bounds.tools, addNumbers);
  const byModel = <R extends Record<string, number>>(map: ReadonlyMap<string, R>, key: string, keys: readonly (keyof R & string)[]) =>
    [...map.entries()].flatMap(([model, record]) => keys.map((k) => ({ labels: { [key]: k, model }, value: record[k] })));
  return [
    counter(
      'runledger_runs_total',
      'Runs that ended, by status and configured model (config.llm.model)',
      ['status', 'model'],
      byModel(runs, 'status', ENDED_STATUSES),
    ),
    gauge(
      'runledger_runs_running',
      'Runs running now (a live writer holds their lock), by configured model',
      ['model'],
      [...runs.entries()].map(([model, r]) => ({ labels: { model }, value: r.running })),
    ),
    counter(
      'runledger_issues_total',
      "Issues that finished, by outcome and the run's configured model",
      ['outcome', 'model'],
      byModel(issues, 'outcome', ISSUE_OUTCOMES),
    ),
    counter(
      'runledger_tokens_total',
      "Tokens recorded, by type and the run's configured model",
      ['type', 'model'],
      byModel(tokens, 'type', TOKEN_TYPES),
    ),
    counter(
      'runledger_cost_usd_total',
      'Known cost in US dollars (priced token records and provider-reported costs; unpriced records count nothing), by configured model',
      ['model'],
      [...cost.entries()].map(([model, value]) => ({ labels: { model }, value })),
    ),
    counter(
      'runledger_tool_calls_total',
      'Tool calls that ended or were abandoned, by tool and outcome',
      ['tool', 'outcome'],
      [...toolCalls.entries()].flatMap(([tool, record]) =>
        TOOL_OUTCOMES.map((outcome) => ({ labels: { tool, outcome }, value: record[outcome] })),
      ),
    ),
    counter(
      'runledger_pipelines_total',
      'Pipeline runs recorded, by status',
      ['status'],
      PIPELINE_STATUSES.map((status) => ({ labels: { status }, value: totals.pipelines.get(status) ?? 0 })),
    ),
    histogram(
      'runledger_agent_duration_seconds',
      'Durations of agents that finished, by agent type',
      'agent_type',
      AGENT_BUCKETS,
      merged(totals.agentDurations, bounds.agentTypes, bucketSum(AGENT_BUCKETS)),
    ),
    histogram(
      'runledger_tool_call_duration_seconds',
      'Durations of tool calls that ended, by tool',
      'tool',
      TOOL_CALL_BUCKETS,
      merged(totals.toolDurations, bounds.tools, bucketSum(TOOL_CALL_BUCKETS)),
    ),
    histogram(
      'runledger_issue_duration_seconds',
      'Durations of issues that finished',
      null,
      ISSUE_BUCKETS,
      new Map([['', totals.issueDurations]]),
    ),
  ];
}

/** Values merged by bounded label: admitted values keep theirs, the rest are summed under `other`; sorted by label. */
function merged<V>(raw: ReadonlyMap<string, V>, bounds: LabelBounds, add: (a: V, b: V) => V): Map<string, V> {
  const out = new Map<string, V>();
  for (const value of [...raw.keys()].sort()) {
    const label = boundedLabel(bounds, value);
    const previous = out.get(label);
    out.set(label, previous === undefined ? raw.get(value)! : add(previous, raw.get(value)!));
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function addNumbers<R extends Record<string, number>>(a: R, b: R): R {
  const sum = { ...a };
  for (const key of Object.keys(b) as (keyof R)[]) sum[key] = ((sum[key] as number) + (b[key] as number)) as R[keyof R];
  return sum;
}

const bucketSum =
  (bounds: readonly number[]) =>
  (a: BucketCounts, b: BucketCounts): BucketCounts => {
    const sum = emptyBucketCounts(bounds);
    addBucketCounts(sum, a);
    addBucketCounts(sum, b);
    return sum;
  };

function counter(name: string, help: string, labelNames: string[], samples: ValueFamily['samples']): ValueFamily {
  return { kind: 'counter', name, help, labelNames, samples };
}

function gauge(name: string, help: string, labelNames: string[], samples: ValueFamily['samples']): ValueFamily {
  return { kind: 'gauge', name, help, labelNames, samples };
}

function histogram(
  name: string,
  help: string,
  labelName: string | null,
  bounds: readonly number[],
  series: ReadonlyMap<string, BucketCounts>,
): HistogramFamily {
  return {
    kind: 'histogram',
    name,
    help,
    labelNames: labelName === null ? [] : [labelName],
    bounds,
    series: [...series.entries()].map(([value, c]) => ({
      labels: labelName === null ? {} : { [labelName]: value },
      counts: c.counts,
      count: c.count,
      sumSeconds: c.sumMs / 1000,
    })),
  };
}

/** How much each value of a bounded dimension is used: what decides which values get their own series. */
export function labelVolumes(totals: FolderTotals): {
  models: Map<string, number>;
  tools: Map<string, number>;
  agentTypes: Map<string, number>;
} {
  const models = new Map<string, number>();
  for (const [model, r] of totals.runs)
    models.set(
      model,
      Object.values(r).reduce((s, n) => s + n, 0),
    );
  const tools = new Map<string, number>();
  for (const [tool, r] of totals.toolCalls) tools.set(tool, r.success + r.failure + r.abandoned);
  const agentTypes = new Map<string, number>();
  for (const [type, c] of totals.agentDurations) agentTypes.set(type, c.count);
  return { models, tools, agentTypes };
}
