/**
 * One supervisor of the live workload, in a process of its own: an async collector that finishes
 * an issue every `everyMs` (a planning agent, one LLM call, a pipeline, then `finalizeIssue`), with
 * live updates of the derived files on or off, then finalizes its run and ends, as a supervisor does
 * (what its live updates left to do, the driver's catch-up replay measures). Prints on stdout what the live figures need: its CPU time, the bytes it handed to write()
 * (`/proc/self/io` wchar) less its journal's, and each `finalizeIssue`'s latency.
 * argv[2]: JSON LiveSupervisorTask.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mulberry32 } from '../src/entries/analysis.js';
import { AsyncMetricsCollector } from '../src/index.js';
import { writtenBytes } from './written-bytes.js';

export interface LiveSupervisorTask {
  readonly dir: string;
  readonly runId: string;
  readonly issues: number;
  readonly everyMs: number;
  readonly live: boolean;
  /** The collectors' liveTablesEveryMs, when the build under test has it. */
  readonly liveTablesEveryMs?: number;
  /**
   * 'lockstep': every supervisor waits exactly `everyMs` before each issue, all starting together, so
   * that all 8 finish their issues within the same few milliseconds, every time. 'staggered': each
   * starts `index / supervisors` of a period late and waits a seeded uniform 0.5–1.5 × `everyMs`
   * (the same mean rate), as supervisors working on real issues do. Default 'lockstep'.
   */
  readonly pattern?: LivePattern;
  readonly index?: number;
  readonly supervisors?: number;
}

export type LivePattern = 'lockstep' | 'staggered';

export interface LiveSupervisorResult {
  readonly cpuMs: number;
  readonly derivedBytes: number;
  readonly journalBytes: number;
  readonly finalizeIssueMs: readonly number[];
  /** Each `startIssue` made right after the previous `finalizeIssue` returned (every issue but the first). */
  readonly startIssueMs: readonly number[];
}

async function supervise(task: LiveSupervisorTask): Promise<LiveSupervisorResult> {
  const cpuBefore = process.cpuUsage();
  const writtenBefore = writtenBytes();
  const metrics = await AsyncMetricsCollector.start({
    dir: task.dir,
    runId: task.runId,
    projectId: 'shop-backend',
    config: { llm: { provider: 'openai', model: 'gpt-4o', temperature: 0.4 }, maxRetries: 1 },
    handleSignals: false,
    liveUpdates: task.live,
    ...(task.liveTablesEveryMs === undefined ? {} : { liveTablesEveryMs: task.liveTablesEveryMs }),
  });
  const finalizeIssueMs: number[] = [];
  const startIssueMs: number[] = [];
  const staggered = task.pattern === 'staggered';
  const random = mulberry32(1 + (task.index ?? 0));
  if (staggered) await sleep((task.everyMs * (task.index ?? 0)) / (task.supervisors ?? 1));
  for (let issue = 1; issue <= task.issues; issue += 1) {
    // The next issue starts as soon as the last one is finished, as a supervisor's loop does: this
    // start waits for whatever the finish set off on this process's main thread.
    const started = performance.now();
    await metrics.startIssue(issue, { title: `live issue ${issue}`, labels: ['backend'] });
    if (issue > 1) startIssueMs.push(performance.now() - started);
    await metrics.startAgent('coding');
    await metrics.recordTokenUsage({ model: 'gpt-4o', provider: 'openai', inputTokens: 12_000, outputTokens: 2_000 });
    await sleep(staggered ? task.everyMs * (0.5 + random()) : task.everyMs);
    await metrics.finalizeAgent({ success: true });
    await metrics.recordPipeline({
      pipelineId: `${task.runId}-${issue}`,
      commitSha: 'abc1234',
      status: 'success',
      triggeredBy: 'testing',
      failingTests: 0,
      durationMs: 200_000,
    });
    const start = performance.now();
    await metrics.finalizeIssue(issue, 'completed', { filesModified: 2, linesAdded: 40 });
    finalizeIssueMs.push(performance.now() - start);
  }
  await metrics.finalizeRun('completed');
  // Measured once the process has nothing left to do: the live update its last finish asked for has run
  // (a pending table timer does not keep a process alive; the driver's catch-up replay does what it left).
  await new Promise((resolve) => process.once('beforeExit', resolve));
  const cpu = process.cpuUsage(cpuBefore);
  const journalBytes = fs.statSync(path.join(task.dir, 'runs', task.runId, 'events.ndjson')).size;
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    derivedBytes: writtenBytes() - writtenBefore - journalBytes,
    journalBytes,
    finalizeIssueMs,
    startIssueMs,
  };
}

if (process.argv[2]) {
  const result = await supervise(JSON.parse(process.argv[2]) as LiveSupervisorTask);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
