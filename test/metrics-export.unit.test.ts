import { describe, expect, it } from 'vitest';
import { emptyBucketCounts, observeMs, TOOL_CALL_BUCKETS } from '../src/metrics-export/buckets.js';
import { metricFamilies, labelVolumes, type MetricLabelBounds } from '../src/metrics-export/families.js';
import { sumContributions } from '../src/metrics-export/folder-totals.js';
import { admitLabels, emptyLabelBounds, OTHER_LABEL } from '../src/metrics-export/label-bounds.js';
import { renderExposition } from '../src/metrics-export/exposition.js';
import type { RunContribution } from '../src/metrics-export/run-contribution.js';

/** A run's contribution with one tool call of `toolMs` and `costUsd`. */
function contribution(model: string, tool: string, toolMs: number, costUsd = 0.5): RunContribution {
  const durations = emptyBucketCounts(TOOL_CALL_BUCKETS);
  observeMs(durations, TOOL_CALL_BUCKETS, toolMs);
  return {
    model,
    status: 'completed',
    issues: { completed: 1, failed: 0, skipped: 0 },
    tokens: { input: 100, output: 10, cache_read: 0, cache_write: 0, reasoning: 0 },
    costUsd,
    toolCalls: new Map([[tool, { success: 1, failure: 0, abandoned: 0 }]]),
    pipelines: new Map([['success', 1]]),
    agentDurations: new Map(),
    toolDurations: new Map([[tool, durations]]),
    issueDurations: emptyBucketCounts([10]),
  };
}

const boundsOf = (limit: number, volumes: ReturnType<typeof labelVolumes>): MetricLabelBounds => ({
  models: admitLabels(emptyLabelBounds(limit), volumes.models),
  tools: admitLabels(emptyLabelBounds(limit), volumes.tools),
  agentTypes: admitLabels(emptyLabelBounds(limit), volumes.agentTypes),
});

const samplesOf = (families: ReturnType<typeof metricFamilies>, name: string) => {
  const family = families.find((f) => f.name === name)!;
  if (family.kind === 'histogram') throw new Error(`${name} is a histogram`);
  return family.samples;
};

describe('metric families of a folder', () => {
  it('give the most used values their own series and sum the rest under "other"', () => {
    const runs = [
      ...Array.from({ length: 3 }, () => contribution('gpt-4o', 'write_file', 20)),
      ...Array.from({ length: 2 }, () => contribution('deepseek-chat', 'run_tests', 2000)),
      contribution('rare-model', 'rare_tool', 70_000, 0.25),
    ];
    const totals = sumContributions(runs);
    const families = metricFamilies(totals, boundsOf(2, labelVolumes(totals)));
    const completed = samplesOf(families, 'runledger_runs_total').filter((s) => s.labels.status === 'completed');
    expect(completed).toEqual([
      { labels: { status: 'completed', model: 'deepseek-chat' }, value: 2 },
      { labels: { status: 'completed', model: 'gpt-4o' }, value: 3 },
      { labels: { status: 'completed', model: OTHER_LABEL }, value: 1 },
    ]);
    expect(samplesOf(families, 'runledger_cost_usd_total').find((s) => s.labels.model === OTHER_LABEL)?.value).toBe(0.25);
    const tools = families.find((f) => f.name === 'runledger_tool_call_duration_seconds')!;
    expect(tools.kind === 'histogram' && tools.series.map((s) => [s.labels.tool, s.count, s.sumSeconds])).toEqual([
      [OTHER_LABEL, 1, 70],
      ['run_tests', 2, 4],
      ['write_file', 3, 0.06],
    ]);
  });

  it('carry no run or issue ids, whatever the runs hold', () => {
    const totals = sumContributions([contribution('gpt-4o', 'write_file', 5)]);
    const labelNames = new Set(metricFamilies(totals, boundsOf(30, labelVolumes(totals))).flatMap((f) => f.labelNames));
    expect([...labelNames].sort()).toEqual(['agent_type', 'model', 'outcome', 'status', 'tool', 'type']);
  });
});

describe('label bounds', () => {
  it('keep the values they admitted: a new value takes a free place, never one already given', () => {
    const first = admitLabels(emptyLabelBounds(2), new Map([['a', 5]]));
    expect([...first.admitted]).toEqual(['a']);
    const second = admitLabels(
      first,
      new Map([
        ['a', 5],
        ['b', 1],
        ['c', 100],
      ]),
    );
    expect([...second.admitted].sort()).toEqual(['a', 'c']);
    const third = admitLabels(
      second,
      new Map([
        ['a', 5],
        ['b', 1_000],
        ['c', 100],
      ]),
    );
    expect(third).toBe(second);
  });
});

describe('the exposition', () => {
  it('escapes label values and writes cumulative buckets', async () => {
    const text = await renderExposition([
      { kind: 'counter', name: 'x_total', help: 'x', labelNames: ['model'], samples: [{ labels: { model: 'a "b" \\ c\nd' }, value: 2 }] },
      {
        kind: 'histogram',
        name: 'd_seconds',
        help: 'd',
        labelNames: [],
        bounds: [1, 5],
        series: [{ labels: {}, counts: [1, 2, 3], count: 6, sumSeconds: 40 }],
      },
    ]);
    expect(text).toContain('x_total{model="a \\"b\\" \\\\ c\\nd"} 2');
    expect(text).toContain(
      'd_seconds_bucket{le="1"} 1\nd_seconds_bucket{le="5"} 3\nd_seconds_bucket{le="+Inf"} 6\nd_seconds_sum 40\nd_seconds_count 6',
    );
  });
});
