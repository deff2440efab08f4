/**
 * A realistic, deterministic history for the HTML report's specs, recorded through the real
 * collector: 3 models × 2 temperatures × 3-4 runs of 5-6 issues, plus a small unpriced group (2 runs
 * of a local model, too few to rank), with tool calls, failing pipelines, debugging cycles, errors
 * whose messages hold HTML, one failed and one interrupted run, and one run left crashed (closed
 * without finalizeRun). A fake clock makes every time stamp, duration and cost the same on each run.
 */
import { MetricsCollector, PriceBook } from '../../src/index.js';
import { mulberry32 } from '../../src/analysis/stats/random.js';

/** Strings that must reach the page literally, never as markup. */
export const HOSTILE = {
  model: `llama-3.1-70b <q4> & "tuned" 'local'`,
  tool: `run_tests<"unit"&'e2e'>`,
  message: `Test "renders <b>bold</b> & 'quotes'" failed: expected <div class="ok"> got </div>`,
  script: `<script>document.title="pwned"</script><img src=x onerror="document.title='pwned'">`,
} as const;

interface Model {
  readonly provider: string;
  readonly model: string;
  readonly success: number;
  /** Typical milliseconds per agent step. */
  readonly stepMs: number;
}

const MODELS: readonly Model[] = [
  { provider: 'deepseek', model: 'deepseek-chat', success: 0.6, stepMs: 40_000 },
  { provider: 'openai', model: 'gpt-4o', success: 0.72, stepMs: 55_000 },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', success: 0.84, stepMs: 70_000 },
];
const LOCAL: Model = { provider: 'local', model: HOSTILE.model, success: 0.55, stepMs: 90_000 };
const TEMPERATURES = [0.2, 0.8] as const;

export interface RecordedHistory {
  readonly runIds: readonly string[];
  readonly crashedRunId: string;
  readonly failedRunId: string;
  readonly interruptedRunId: string;
}

interface Plan {
  readonly runId: string;
  readonly model: Model;
  readonly temperature: number;
  readonly issues: number;
  readonly end: 'completed' | 'failed' | 'interrupted' | 'crash';
}

function plans(): Plan[] {
  const list: Array<Omit<Plan, 'runId' | 'end'>> = [];
  for (const model of MODELS) {
    for (const temperature of TEMPERATURES) {
      const runs = temperature === 0.2 ? 4 : 3;
      for (let i = 0; i < runs; i += 1) list.push({ model, temperature, issues: 5 + ((i + list.length) % 2) });
    }
  }
  list.push({ model: LOCAL, temperature: 0.2, issues: 5 }, { model: LOCAL, temperature: 0.2, issues: 4 });
  // Interleave the configurations over time with a fixed shuffle, so trends are not confounded with them.
  const random = mulberry32(20260302);
  const order = list.map((p, i) => ({ p, key: random(), i })).sort((a, b) => a.key - b.key || a.i - b.i);
  return order.map(({ p }, i) => ({
    ...p,
    runId: `run-${String(i + 1).padStart(2, '0')}-${p.model.provider}-t${p.temperature}`,
    end: i === 9 ? 'crash' : i === 14 ? 'failed' : i === 18 ? 'interrupted' : 'completed',
  }));
}

/** Records the history into `dir` and says which run ended how. */
// eslint-disable-next-line complexity -- each plan's calls and its way of ending, spelled out as the history it builds
export async function recordReportHistory(dir: string): Promise<RecordedHistory> {
  const all = plans();
  const priceBook = new PriceBook({ overrideFile: null, onUnpriced: () => {} });
  const random = mulberry32(7);
  const T0 = Date.parse('2026-03-02T08:00:00.000Z');
  for (const [index, plan] of all.entries()) {
    let now = T0 + index * 7 * 3_600_000;
    const tick = (ms: number): void => {
      now += Math.round(ms);
    };
    const c = await MetricsCollector.start({
      dir,
      runId: plan.runId,
      projectId: 'project_171',
      config: { llm: { provider: plan.model.provider, model: plan.model.model, temperature: plan.temperature }, maxRetries: 3 },
      handleSignals: false,
      prices: null,
      priceBook,
      liveUpdates: false,
      clock: () => new Date(now),
    });
    const step = (): number => plan.model.stepMs * (0.6 + random() * 0.8);
    // Later runs do a little better: the trend chart has something to show.
    const drift = 0.12 * (index / (all.length - 1) - 0.5);
    const p = plan.model.success + (plan.temperature === 0.2 ? 0.05 : -0.05) + drift;
    const tokens = (): void => {
      c.recordTokenUsage({
        model: plan.model.model,
        provider: plan.model.provider,
        inputTokens: 1500 + Math.floor(random() * 4500),
        outputTokens: 300 + Math.floor(random() * 1200),
      });
    };
    const stopAt = plan.end === 'interrupted' ? 3 : plan.issues;
    for (let issue = 1; issue <= stopAt; issue += 1) {
      tick(5_000);
      c.startIssue(issue, { title: `Issue ${issue} <${plan.model.provider}>` });
      const planner = c.startAgent('planning');
      const read = c.startToolCall('read_issue');
      tick(1_200 + random() * 1_000);
      c.endToolCall(read, { success: true });
      tick(step());
      tokens();
      c.finalizeAgent({ agentId: planner, success: true });

      if (plan.end === 'crash' && issue === 4) {
        // The writer dies mid-issue: an agent and a tool call left open, no IssueFinished, no RunFinished.
        c.startAgent('coding');
        tick(3_000);
        c.startToolCall('write_file');
        tick(1_000);
        c.close();
        break;
      }

      const succeeds = random() < p;
      const retry = succeeds ? random() < 0.3 : true;
      let attempts = 0;
      for (;;) {
        attempts += 1;
        const coder = c.startAgent('coding');
        const branch = c.startToolCall('create_branch');
        tick(400 + random() * 600);
        c.endToolCall(branch, { success: true });
        const writes = 1 + Math.floor(random() * 3);
        for (let w = 0; w < writes; w += 1) {
          tick(1_500);
          const ok = random() > 0.08;
          const call = c.startToolCall('write_file');
          tick(300 + random() * 900);
          if (!ok)
            c.recordError({
              kind: 'tool',
              message: `EACCES: permission denied, open '/repo/src/<generated> & "${w}".ts'`,
              recoverable: true,
              callId: call,
              tool: 'write_file',
            });
          c.endToolCall(call, { success: ok });
        }
        tick(step());
        tokens();
        c.finalizeAgent({ agentId: coder, success: true });

        const tester = c.startAgent('testing');
        const testCall = c.startToolCall(HOSTILE.tool);
        tick(20_000 + random() * 40_000);
        const last = attempts >= 2;
        const green = succeeds ? !retry || last : false;
        c.endToolCall(testCall, { success: green });
        c.recordPipeline({
          pipelineId: `${plan.runId}-${issue}-${attempts}`,
          commitSha: `c0ffee${index}${issue}${attempts}`.padEnd(40, '0'),
          status: green ? 'success' : index % 7 === 3 && !last ? 'canceled' : 'failed',
          triggeredBy: attempts === 1 ? 'testing' : 'debugging',
          durationMs: 90_000 + Math.floor(random() * 120_000),
          failingTests: green ? 0 : 1 + Math.floor(random() * 4),
        });
        tokens();
        c.finalizeAgent({ agentId: tester, success: green });
        if (green) break;
        c.recordError({ kind: 'test_failure', message: issue % 2 === 0 ? HOSTILE.message : HOSTILE.script, recoverable: !last });
        c.recordDebuggingCycle({ trigger: 'pipeline_failed', resolved: succeeds, failingTests: 2, durationMs: 60_000 });
        if (last) break;
        tick(step());
      }
      tick(2_000);
      c.finalizeIssue(issue, succeeds ? 'completed' : 'failed', {
        filesCreated: 1 + (issue % 3),
        linesAdded: 40 + Math.floor(random() * 400),
        linesRemoved: Math.floor(random() * 80),
        testsAdded: 2,
      });
    }
    if (plan.end === 'crash') continue;
    tick(1_000);
    if (plan.end === 'failed') c.finalizeRun('failed', 'budget of $5 exceeded');
    else if (plan.end === 'interrupted') c.finalizeRun('interrupted', 'SIGINT received');
    else c.finalizeRun('completed');
  }
  const byEnd = (end: Plan['end']): string => all.find((p) => p.end === end)!.runId;
  return {
    runIds: all.map((p) => p.runId),
    crashedRunId: byEnd('crash'),
    failedRunId: byEnd('failed'),
    interruptedRunId: byEnd('interrupted'),
  };
}
