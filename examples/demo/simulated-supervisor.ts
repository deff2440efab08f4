/**
 * A supervisor that sends agents at issues, recorded with runledger: the demo runs it as a child
 * process per run. The LLM calls, tools and CI are simulated (seeded, with a simulated clock), the
 * recording is real. Read it as a template: the runledger calls are the ones a real supervisor makes.
 *
 * argv[2]: JSON { dir, runId, config, seed, startAt, issues, slow, lockStaleMs }
 */
import { MetricsCollector } from 'runledger';
import { mulberry32 } from 'runledger/analysis';

interface DemoRun {
  readonly dir: string;
  readonly runId: string;
  readonly config: { llm: { provider: string; model: string; temperature: number }; maxRetries: number };
  readonly seed: number;
  readonly startAt: string;
  readonly issues: number;
  /** Pause between steps, so the demo's parent can interrupt this run mid-way. */
  readonly slow: boolean;
  readonly lockStaleMs: number;
}

const run = JSON.parse(process.argv[2] ?? '{}') as DemoRun;
const random = mulberry32(run.seed);
const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

// Simulated time: each step moves the clock on by how long such work takes.
let now = Date.parse(run.startAt);
const clock = (): Date => new Date(now);
const spend = async (lowSeconds: number, highSeconds: number): Promise<void> => {
  now += between(lowSeconds * 1000, highSeconds * 1000);
  if (run.slow) await new Promise((resolve) => setTimeout(resolve, 15));
};

/** How likely one coding attempt is to pass CI: by model, lower at a high temperature. */
const ATTEMPT_SUCCESS: Record<string, number> = { 'gpt-4o': 0.62, 'deepseek-chat': 0.55, 'gpt-4o-mini': 0.35 };
/**
 * Runs differ by more than chance, as real ones do (the day's repository state, the API's mood): each
 * run draws one factor that every attempt in it shares. This is why the analysis takes the run, not
 * the issue, as its unit.
 */
const runMood = 0.7 + 0.6 * random();
const attemptSuccess = Math.min(
  0.95,
  (ATTEMPT_SUCCESS[run.config.llm.model] ?? 0.5) * (run.config.llm.temperature >= 0.8 ? 0.8 : 1) * runMood,
);
const TITLES = [
  'Add login endpoint',
  'Fix flaky payment test',
  'Paginate the orders API',
  'Upgrade the ORM',
  'Cache product search',
  'Validate webhook signatures',
  'Split the user service',
];

const metrics = await MetricsCollector.start({
  dir: run.dir,
  runId: run.runId,
  projectId: 'shop-backend',
  config: run.config,
  clock,
  lockStaleMs: run.lockStaleMs,
  // The demo replays once at the end; a supervisor on its own would keep the default (live updates).
  liveUpdates: false,
});

/** One LLM call: realistic token counts, priced by runledger from the bundled price table. */
function llmCall(inputRange: [number, number], outputRange: [number, number], cacheShare = 0): void {
  const inputTokens = between(...inputRange);
  metrics.recordTokenUsage({
    model: run.config.llm.model,
    provider: run.config.llm.provider,
    inputTokens,
    outputTokens: between(...outputRange),
    cacheReadTokens: Math.floor(inputTokens * cacheShare),
  });
}

async function tool(name: string, failChance: number, seconds: [number, number]): Promise<boolean> {
  const call = metrics.startToolCall(name);
  await spend(...seconds);
  const ok = random() >= failChance;
  metrics.endToolCall(call, ok ? { success: true } : { success: false, error: `${name} exited with code 1` });
  if (!ok) metrics.recordError({ kind: 'tool', message: `${name} exited with code 1`, recoverable: true, tool: name });
  return ok;
}

for (let issue = 1; issue <= run.issues; issue += 1) {
  metrics.startIssue(issue, { title: TITLES[(issue + run.seed) % TITLES.length], labels: ['backend'] });
  process.stdout.write(`${JSON.stringify({ issueStarted: issue })}\n`);

  metrics.startAgent('planning');
  await spend(20, 60);
  llmCall([2000, 4500], [300, 900]);
  metrics.finalizeAgent({ success: true });

  let solved = false;
  let linesAdded = 0;
  for (let attempt = 1; attempt <= run.config.maxRetries + 1 && !solved; attempt += 1) {
    metrics.startAgent('coding');
    if (attempt === 1) await tool('create_branch', 0.02, [1, 3]);
    await spend(60, 300);
    llmCall([8000, 30000], [1500, 5000], attempt > 1 ? 0.5 : 0.1);
    if (random() < 0.04) metrics.recordError({ kind: 'llm', message: 'rate limited (429), retried after 20 s', recoverable: true });
    let edited = true;
    for (let edit = between(2, 5); edit > 0; edit -= 1) edited = (await tool('write_file', 0.03, [1, 2])) && edited;
    linesAdded += between(40, 320);
    if (!edited) {
      // A failed edit leaves the patch incomplete: the coding agent failed, nothing is tested, and the next attempt retries.
      metrics.finalizeAgent({ success: false, error: 'write_file failed: the patch is incomplete' });
      continue;
    }
    metrics.finalizeAgent({ success: true });

    metrics.startAgent('testing');
    await tool('run_tests', 0.05, [30, 120]);
    llmCall([3000, 9000], [200, 800]);
    solved = random() < attemptSuccess;
    const failingTests = solved ? 0 : between(1, 6);
    // The testing agent fails where its tests fail: the pipeline below fails with them, then a debugging cycle and a retry.
    metrics.finalizeAgent(solved ? { success: true } : { success: false, error: `${failingTests} failing test(s)` });

    await spend(180, 480);
    metrics.recordPipeline({
      pipelineId: `${run.runId}-i${issue}-p${attempt}`,
      commitSha: (run.seed * 7919 + issue * 131 + attempt).toString(16).padStart(7, '0'),
      status: solved ? 'success' : 'failed',
      triggeredBy: 'testing',
      failingTests,
      durationMs: between(180_000, 480_000),
    });
    if (!solved) {
      metrics.startAgent('debugging');
      await spend(60, 200);
      llmCall([6000, 15000], [800, 2500], 0.4);
      metrics.finalizeAgent({ success: true });
      metrics.recordDebuggingCycle({ trigger: 'pipeline_failed', failingTests, resolved: attempt <= run.config.maxRetries });
    }
  }
  metrics.finalizeIssue(issue, solved ? 'completed' : 'failed', {
    filesCreated: between(0, 3),
    filesModified: between(1, 6),
    linesAdded,
    linesRemoved: between(0, 80),
    testsAdded: solved ? between(1, 5) : 0,
    coveragePercent: solved ? between(70, 95) : null,
  });
}
metrics.finalizeRun('completed');
