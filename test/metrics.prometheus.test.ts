import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRunReadModels } from '../src/entries/replay.js';
import type { RunReadModels } from '../projections/run-projection.js';
import { Child, CLI, ROOT } from './helpers/child.js';
import { PrometheusServer, promtoolCheckMetrics, stopPrometheusServers, type PromSample } from './helpers/prometheus.js';
import { recordReportHistory } from './helpers/report-history.js';
import { startRun } from './helpers/runs.js';
import { clientOf } from './helpers/serve.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * A real Prometheus (Debian's 2.42) scrapes `runledger metrics` on a recorded history and
 * `runledger serve` (with a bearer token) on runs recorded over HTTP. What it stores must equal
 * runledger's own figures, computed here from the read models; every query of the Grafana
 * dashboard must answer with data; and promtool must accept the exposition.
 */

const DASHBOARD = path.join(ROOT, 'examples/grafana/runledger.json');
const TOKEN = 'prometheus-test-token-0123456789';

const children: Child[] = [];
afterEach(async () => {
  await stopPrometheusServers();
  await Promise.all(children.splice(0).map((c) => c.destroy()));
});

async function listening(args: readonly string[], line: RegExp, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = new Child(CLI, args, { env });
  children.push(child);
  const ready = await child.waitFor((m) => typeof m.raw === 'string' && line.test(m.raw), `the line ${line}`);
  return line.exec(ready.raw as string)![1]!;
}

/** runledger's own figures for the metrics, from the read models (independently of src/metrics-export). */
function ownFigures(runs: readonly RunReadModels[]): Map<string, number> {
  const figures = new Map<string, number>();
  const add = (key: string, n: number): void => {
    figures.set(key, (figures.get(key) ?? 0) + n);
  };
  for (const { run, issues, agents, tools, pipelines } of runs) {
    const model = run.config.llm.model;
    if (run.status === 'running') add(`runledger_runs_running{model=${model}}`, 1);
    else add(`runledger_runs_total{model=${model},status=${run.status}}`, 1);
    for (const issue of issues) {
      if (issue.status === 'open' || issue.status === 'unfinished') continue;
      add(`runledger_issues_total{model=${model},outcome=${issue.status}}`, 1);
      add('runledger_issue_duration_seconds_count{}', 1);
      add('runledger_issue_duration_seconds_sum{}', issue.durationMs! / 1000);
    }
    add(`runledger_tokens_total{model=${model},type=input}`, run.tokens.inputTokens);
    add(`runledger_tokens_total{model=${model},type=output}`, run.tokens.outputTokens);
    add(`runledger_tokens_total{model=${model},type=cache_read}`, run.tokens.cacheReadTokens);
    add(`runledger_cost_usd_total{model=${model}}`, run.tokens.costUsd);
    for (const t of tools) {
      add(`runledger_tool_calls_total{outcome=success,tool=${t.tool}}`, t.calls - t.failures - t.abandoned);
      add(`runledger_tool_calls_total{outcome=failure,tool=${t.tool}}`, t.failures);
      add(`runledger_tool_calls_total{outcome=abandoned,tool=${t.tool}}`, t.abandoned);
      add(`runledger_tool_call_duration_seconds_count{tool=${t.tool}}`, t.calls - t.abandoned);
      add(`runledger_tool_call_duration_seconds_sum{tool=${t.tool}}`, t.totalDurationMs / 1000);
    }
    for (const a of agents.filter((a) => a.status === 'succeeded' || a.status === 'failed')) {
      add(`runledger_agent_duration_seconds_count{agent_type=${a.agentType}}`, 1);
      add(`runledger_agent_duration_seconds_sum{agent_type=${a.agentType}}`, a.durationMs! / 1000);
    }
    for (const p of pipelines) add(`runledger_pipelines_total{status=${p.status}}`, 1);
  }
  return figures;
}

const METRICS = [
  'runledger_runs_total',
  'runledger_runs_running',
  'runledger_issues_total',
  'runledger_tokens_total',
  'runledger_cost_usd_total',
  'runledger_tool_calls_total',
  'runledger_pipelines_total',
  'runledger_issue_duration_seconds_count',
  'runledger_issue_duration_seconds_sum',
  'runledger_tool_call_duration_seconds_count',
  'runledger_tool_call_duration_seconds_sum',
  'runledger_agent_duration_seconds_count',
  'runledger_agent_duration_seconds_sum',
];

/** What Prometheus stores for the job, keyed as ownFigures keys them (labels sorted, job and instance left out). */
async function stored(prometheus: PrometheusServer, job: string): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  for (const metric of METRICS) {
    for (const sample of await prometheus.query(`${metric}{job="${job}"}`)) values.set(keyOf(sample), sample.value);
  }
  return values;
}

function keyOf(sample: PromSample): string {
  const { __name__: name, job: _job, instance: _instance, ...labels } = sample.metric;
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  return `${name}{${pairs.join(',')}}`;
}

/** Every figure equals runledger's own (sums of durations and costs to rounding); every other series stored is zero. */
function expectEqualFigures(actual: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>): void {
  for (const [key, value] of expected) {
    expect(actual.has(key), `${key} is stored`).toBe(true);
    if (Number.isInteger(value)) expect(actual.get(key), key).toBe(value);
    else expect(actual.get(key), key).toBeCloseTo(value, 6);
  }
  for (const [key, value] of actual) if (!expected.has(key)) expect(value, `${key} (runledger has no such figure)`).toBe(0);
}

const sum = (figures: ReadonlyMap<string, number>, prefix: string): number =>
  [...figures.entries()].filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);

/** A few more finished runs, so that every rate and quantile of the dashboard has increases to show. */
async function recordMoreRuns(dir: string): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    const c = await startRun(dir, { runId: `later-${i}`, config: { llm: { provider: 'openai', model: 'gpt-4o' } } });
    c.startIssue(1, { title: 'later work' });
    const agent = c.startAgent('coding');
    const call = c.startToolCall('write_file');
    c.endToolCall(call, { success: i !== 0 });
    c.recordTokenUsage({ model: 'gpt-4o', inputTokens: 2000 + i, outputTokens: 300 });
    c.finalizeAgent({ agentId: agent, success: true });
    c.recordPipeline({ pipelineId: `p${i}`, commitSha: 'abc', status: 'success', triggeredBy: 'testing' });
    c.finalizeIssue(1, 'completed', { linesAdded: 5 });
    c.finalizeRun('completed');
  }
}

/** Every PromQL expression of the dashboard's panels, with Grafana's variables as Grafana would put them. */
function dashboardQueries(): Array<{ panel: string; expr: string }> {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  return dashboard.panels.flatMap((p) =>
    p.targets.map((t) => ({
      panel: p.title,
      expr: t.expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h').replaceAll('$model', '.*'),
    })),
  );
}

describe('Prometheus scrapes runledger', () => {
  // Three processes and a recorded history: on a busy machine this takes minutes, not the default minute.
  it(
    "stores runledger's own figures, answers every dashboard query, and promtool accepts the exposition",
    { timeout: 240_000 },
    async () => {
      const dir = tempDir();
      await recordReportHistory(dir);
      const folderUrl = await listening(
        ['metrics', '--dir', dir, '--listen', '127.0.0.1:0', '--refresh-ms', '100'],
        /serving (http:\/\/\S+)\/metrics/,
      );
      const exposition = await (await fetch(`${folderUrl}/metrics`)).text();
      const check = promtoolCheckMetrics(exposition);
      expect(check.output).toBe('');
      expect(check.status).toBe(0);

      // runledger serve, behind a token, with two runs recorded over HTTP (one still open).
      const serveDir = tempDir();
      const serveUrl = await listening(
        ['serve', '--dir', serveDir, '--port', '0', '--metrics-refresh-ms', '100'],
        /listening on (http:\/\/\S+)/,
        {
          RUNLEDGER_SERVE_TOKEN: TOKEN,
        },
      );
      const api = clientOf(serveUrl, TOKEN);
      for (const runId of ['served-1', 'served-2']) {
        expect((await api.start(runId)).status).toBe(201);
        expect((await api.call(runId, 'startIssue', { issueId: 1 })).status).toBe(200);
        expect((await api.call(runId, 'finalizeIssue', { issueId: 1, status: 'completed' })).status).toBe(200);
      }
      expect((await api.finalize('served-1', { status: 'completed' })).status).toBe(200);
      expect((await fetch(`${serveUrl}/metrics`)).status).toBe(401);

      const prometheus = await PrometheusServer.start([
        { job: 'folder', target: new URL(folderUrl).host },
        { job: 'serve', target: new URL(serveUrl).host, token: TOKEN },
      ]);
      await prometheus.waitForUp('folder');
      await prometheus.waitForUp('serve');

      const before = ownFigures((await loadRunReadModels({ dir })).runs);
      expectEqualFigures(await stored(prometheus, 'folder'), before);
      const served = await stored(prometheus, 'serve');
      expect(served.get('runledger_runs_total{model=gpt-4o,status=completed}')).toBe(1);
      expect(served.get('runledger_runs_running{model=gpt-4o}')).toBe(1);
      expect(served.get('runledger_issues_total{model=gpt-4o,outcome=completed}')).toBe(2);

      // New runs: Prometheus sees them at a later scrape, and then the rates have increases to show.
      await recordMoreRuns(dir);
      const after = ownFigures((await loadRunReadModels({ dir })).runs);
      const issuesAfter = sum(after, 'runledger_issues_total');
      expect(issuesAfter).toBeGreaterThan(sum(before, 'runledger_issues_total'));
      // RunFinished is each run's last event: once every run has ended in Prometheus, every event before it is counted too.
      const runsAfter = sum(after, 'runledger_runs_total');
      await prometheus.until('the new runs in Prometheus', async () => {
        const [issues] = await prometheus.query('sum(runledger_issues_total{job="folder"})');
        const [runs] = await prometheus.query('sum(runledger_runs_total{job="folder"})');
        return issues?.value === issuesAfter && runs?.value === runsAfter;
      });
      expectEqualFigures(await stored(prometheus, 'folder'), after);

      const queries = dashboardQueries();
      expect(queries.length).toBeGreaterThanOrEqual(11);
      for (const { panel, expr } of queries) {
        const result = await prometheus.query(expr);
        expect(result.length, `${panel}: ${expr}`).toBeGreaterThan(0);
        expect(
          result.some((s) => Number.isFinite(s.value)),
          `${panel}: ${expr} answers ${JSON.stringify(result)}`,
        ).toBe(true);
      }
    },
  );
});
