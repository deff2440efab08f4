import { mulberry32 } from '../src/entries/analysis.js';
import { MetricsCollector, type PriceBook } from '../src/index.js';
import { noSyncFileOps } from './no-sync-file-ops.js';

/**
 * One supervisor run with the demo's event mix (examples/demo/simulated-supervisor.ts): planning,
 * coding, testing and debugging agents, tool calls, token usage priced from the real price table,
 * pipelines that fail and are retried, debugging cycles, errors. Written through the real collector
 * and journal writer, with fsync turned off (the bench measures reading, not this generation) and a
 * simulated clock. Issues are added until the run holds about `targetEvents` events.
 */
export interface SimulatedRun {
  readonly dir: string;
  readonly runId: string;
  readonly config: {
    readonly llm: { readonly provider: string; readonly model: string; readonly temperature: number };
    readonly maxRetries: number;
  };
  readonly seed: number;
  /** Simulated start time, ms since the epoch. */
  readonly startAt: number;
  readonly targetEvents: number;
  /** How the run ends: recorded (completed, failed, interrupted), or crashed (no RunFinished, mid-issue). */
  readonly ending: 'completed' | 'failed' | 'interrupted' | 'crashed';
  readonly priceBook: PriceBook;
}

/** Events an average issue of the mix produces: starting another one stops when half of it would overshoot. */
const EVENTS_PER_ISSUE = 40;
const ATTEMPT_SUCCESS: Readonly<Record<string, number>> = { 'gpt-4o': 0.62, 'deepseek-chat': 0.55, 'gpt-4o-mini': 0.35 };
const TITLES = [
  'Add login endpoint',
  'Fix flaky payment test',
  'Paginate the orders API',
  'Upgrade the ORM',
  'Cache product search',
  'Validate webhook signatures',
  'Split the user service',
];

/** Collector options every generated run shares: no fsync, no signal handlers, no background replay. */
function collectorOptions(run: Pick<SimulatedRun, 'dir' | 'priceBook'>, clock: () => Date) {
  return { dir: run.dir, clock, fileOps: noSyncFileOps, handleSignals: false, liveUpdates: false, priceBook: run.priceBook } as const;
}

/** Writes the run; returns how many events its journal holds. */
export async function writeSimulatedRun(run: SimulatedRun): Promise<number> {
  let now = run.startAt;
  const clock = (): Date => new Date(now);
  const metrics = await MetricsCollector.start({
    ...collectorOptions(run, clock),
    runId: run.runId,
    projectId: 'shop-backend',
    config: run.config,
  });
  const issues = new IssueWriter(metrics, run.config, mulberry32(run.seed), (ms) => (now += ms), run.seed);
  issues.events = 1; // RunStarted
  return finishRun(metrics, issues, run.targetEvents, run.ending);
}

/**
 * Continues a crashed run (`MetricsCollector.resume`), adds about `targetEvents` events of the mix,
 * and leaves it crashed again (the writer closes without RunFinished), so it can be resumed again.
 * Returns the events appended (RunResumed included).
 */
export async function appendToCrashedRun(
  run: Pick<SimulatedRun, 'dir' | 'runId' | 'config' | 'seed' | 'startAt' | 'targetEvents' | 'priceBook'>,
  firstIssueId: number,
): Promise<number> {
  let now = run.startAt;
  const clock = (): Date => new Date(now);
  const metrics = await MetricsCollector.resume({ ...collectorOptions(run, clock), runId: run.runId });
  const issues = new IssueWriter(metrics, run.config, mulberry32(run.seed), (ms) => (now += ms), run.seed, firstIssueId);
  issues.events = 1; // RunResumed
  return finishRun(metrics, issues, run.targetEvents, 'crashed');
}

function finishRun(metrics: MetricsCollector, issues: IssueWriter, targetEvents: number, ending: SimulatedRun['ending']): number {
  while (issues.events + EVENTS_PER_ISSUE / 2 < targetEvents || issues.issuesWritten === 0) issues.writeIssue();
  if (ending === 'crashed') {
    // Dies mid-issue: an issue and an agent stay open, as after a SIGKILL.
    issues.startIssueOnly();
    metrics.close();
    return issues.events;
  }
  metrics.finalizeRun(ending, ending === 'completed' ? undefined : `simulated ${ending} run`);
  return issues.events + 1;
}

class IssueWriter {
  events = 0;
  issuesWritten = 0;
  private nextIssueId: number;
  private readonly attemptSuccess: number;

  constructor(
    private readonly metrics: MetricsCollector,
    private readonly config: SimulatedRun['config'],
    private readonly random: () => number,
    private readonly spend: (ms: number) => void,
    private readonly seed: number,
    firstIssueId = 1,
  ) {
    this.nextIssueId = firstIssueId;
    this.attemptSuccess = (ATTEMPT_SUCCESS[config.llm.model] ?? 0.5) * (config.llm.temperature >= 0.8 ? 0.8 : 1);
  }

  private between(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low + 1));
  }

  private wait(lowSeconds: number, highSeconds: number): void {
    this.spend(this.between(lowSeconds * 1000, highSeconds * 1000));
  }

  private llmCall(inputRange: [number, number], outputRange: [number, number], cacheShare = 0): void {
    const inputTokens = this.between(...inputRange);
    this.metrics.recordTokenUsage({
      model: this.config.llm.model,
      provider: this.config.llm.provider,
      inputTokens,
      outputTokens: this.between(...outputRange),
      cacheReadTokens: Math.floor(inputTokens * cacheShare),
    });
    this.events += 1;
  }

  private tool(name: string, failChance: number, seconds: [number, number]): void {
    const call = this.metrics.startToolCall(name);
    this.wait(...seconds);
    const ok = this.random() >= failChance;
    this.metrics.endToolCall(call, ok ? { success: true } : { success: false, error: `${name} exited with code 1` });
    this.events += 2;
    if (!ok) {
      this.metrics.recordError({ kind: 'tool', message: `${name} exited with code 1`, recoverable: true, tool: name });
      this.events += 1;
    }
  }

  private agent(type: string, work: () => void): void {
    this.metrics.startAgent(type);
    work();
    this.metrics.finalizeAgent({ success: true });
    this.events += 2;
  }

  /** Starts an issue and its planning agent, and stops there: what a crash leaves open. */
  startIssueOnly(): void {
    const issue = this.nextIssueId++;
    this.metrics.startIssue(issue, { title: TITLES[(issue + this.seed) % TITLES.length], labels: ['backend'] });
    this.metrics.startAgent('planning');
    this.events += 2;
  }

  writeIssue(): void {
    const issue = this.nextIssueId++;
    this.issuesWritten += 1;
    this.metrics.startIssue(issue, { title: TITLES[(issue + this.seed) % TITLES.length], labels: ['backend'] });
    this.events += 1;
    this.agent('planning', () => {
      this.wait(20, 60);
      this.llmCall([2000, 4500], [300, 900]);
    });

    let solved = false;
    let linesAdded = 0;
    for (let attempt = 1; attempt <= this.config.maxRetries + 1 && !solved; attempt += 1) {
      this.agent('coding', () => {
        if (attempt === 1) this.tool('create_branch', 0.02, [1, 3]);
        this.wait(60, 300);
        this.llmCall([8000, 30000], [1500, 5000], attempt > 1 ? 0.5 : 0.1);
        if (this.random() < 0.04) {
          this.metrics.recordError({ kind: 'llm', message: 'rate limited (429), retried after 20 s', recoverable: true });
          this.events += 1;
        }
        for (let edit = this.between(2, 5); edit > 0; edit -= 1) this.tool('write_file', 0.01, [1, 2]);
        linesAdded += this.between(40, 320);
      });
      this.agent('testing', () => {
        this.tool('run_tests', 0.05, [30, 120]);
        this.llmCall([3000, 9000], [200, 800]);
      });

      solved = this.random() < this.attemptSuccess;
      const failingTests = solved ? 0 : this.between(1, 6);
      this.wait(180, 480);
      this.metrics.recordPipeline({
        pipelineId: `${this.seed}-i${issue}-p${attempt}`,
        commitSha: (this.seed * 7919 + issue * 131 + attempt).toString(16).padStart(7, '0'),
        status: solved ? 'success' : 'failed',
        triggeredBy: 'testing',
        failingTests,
        durationMs: this.between(180_000, 480_000),
      });
      this.events += 1;
      if (!solved) {
        this.agent('debugging', () => {
          this.wait(60, 200);
          this.llmCall([6000, 15000], [800, 2500], 0.4);
        });
        this.metrics.recordDebuggingCycle({ trigger: 'pipeline_failed', failingTests, resolved: attempt <= this.config.maxRetries });
        this.events += 1;
      }
    }
    this.metrics.finalizeIssue(issue, solved ? 'completed' : 'failed', {
      filesCreated: this.between(0, 3),
      filesModified: this.between(1, 6),
      linesAdded,
      linesRemoved: this.between(0, 80),
      testsAdded: solved ? this.between(1, 5) : 0,
      coveragePercent: solved ? this.between(70, 95) : null,
    });
    this.events += 1;
  }
}
