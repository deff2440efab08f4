import fs from 'node:fs';
import type { IssueId } from '../../../events/fields.js';
import type { PlannedEvent } from '../../collector/planner.js';
import { InvalidRequestError, IssueAlreadyOpenError, IssueNotOpenError, RunledgerError } from '../../errors.js';
import { runPaths } from '../../journal/paths.js';
import type { OpenRun, OpenRuns } from '../open-runs.js';
import { journalRunStatus } from '../run-status.js';
import type { OtlpSpan } from './otlp-span.js';
import { recordedSpanIds, rootSpanReason, spanEntityId } from './recorded-spans.js';
import { ISSUE_ID_RULE, configOf, issueIdOfSpan, projectIdOf, runIdOfSpan, type OtlpAttribution } from './run-attribution.js';
import { spanAction, type SpanAction } from './span-actions.js';
import { issueKey } from '../../collector/context.js';

/** What this server remembers of a run it records from OTLP spans. */
interface RunMemory {
  /** Spans already journaled (or queued): a second copy of one of them is an exporter's retry. */
  readonly spanIds: Set<string>;
  /** Spans seen, for the agent a span belongs to: its nearest invoke_agent ancestor. */
  readonly spans: Map<string, { readonly agent: boolean; readonly parent: string | null }>;
  /** Per trace, the issues its spans named and the earliest start among them, finalized with the trace's root span. */
  readonly traceIssues: Map<string, Map<string, { readonly issueId: IssueId; firstStartNs: bigint }>>;
  /** The last event queued: a request that only repeats spans is answered after it is durable too. */
  lastCommit: Promise<unknown>;
}

export interface IngestOutcome {
  readonly spans: number;
  readonly rejected: number;
  /** Why spans were rejected, one line per reason (the OTLP partial success's error_message). */
  readonly messages: string[];
}

/** Finished runs whose span ids are kept in memory; older ones are read again from their journals. */
const FINISHED_RUNS_KEPT = 1000;
/** Traces whose run (named by the run attribute) is remembered for their later spans. */
const TRACES_KEPT = 100_000;

/** Errors that pass: a failed journal, a lock lost or held by another writer. The request fails (503) and the exporter sends it again. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set(['JOURNAL_FAILED', 'LOCK_COMPROMISED', 'RUN_LOCKED']);

/** A typed error about the spans themselves: they are rejected (partial success) and the rest go on. */
const isSpanRefusal = (error: unknown): error is RunledgerError => error instanceof RunledgerError && !RETRYABLE_CODES.has(error.code);

const byStart = (a: OtlpSpan, b: OtlpSpan): number =>
  a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : a.endNs > b.endNs ? -1 : a.endNs < b.endNs ? 1 : 0;

function remember<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
}

/**
 * Turns OTLP spans into the collector's events (README "OpenTelemetry in"), through the same
 * planner and journal writer as every other call: spans are grouped by run, ordered by start time,
 * and each span is journaled once. Requests are planned one at a time (opening a run is async);
 * their fsyncs are shared and awaited outside that queue.
 */
export class OtlpIngest {
  private readonly memories = new Map<string, RunMemory>();
  private readonly finishedRuns = new Map<string, Set<string>>();
  private readonly traceRuns = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runs: OpenRuns,
    private readonly logsDir: string,
    private readonly attribution: OtlpAttribution,
  ) {}

  /** Resolves once every event of the request (and any it repeats) is durable; rejects if the journal failed. */
  async ingest(spans: readonly OtlpSpan[]): Promise<IngestOutcome> {
    const rejections = new Map<string, number>();
    const reject = (reason: string, count = 1): void => {
      rejections.set(reason, (rejections.get(reason) ?? 0) + count);
    };
    const groups = this.groupByRun(spans, reject);
    const durable: Array<Promise<unknown>> = [];
    const planned = this.queue.then(async () => {
      for (const [runId, group] of groups) await this.applyGroup(runId, group.sort(byStart), reject, durable);
    });
    this.queue = planned.catch(() => {});
    await planned;
    await Promise.all(durable);
    const rejected = [...rejections.values()].reduce((sum, n) => sum + n, 0);
    return { spans: spans.length, rejected, messages: [...rejections].map(([reason, n]) => (n > 1 ? `${reason} (${n} spans)` : reason)) };
  }

  private groupByRun(spans: readonly OtlpSpan[], reject: (reason: string) => void): Map<string, OtlpSpan[]> {
    const runOfSpan = new Map<OtlpSpan, string>();
    const problems = new Map<OtlpSpan, string>();
    for (const span of spans) {
      const found = runIdOfSpan(span, this.attribution);
      if ('runId' in found) {
        runOfSpan.set(span, found.runId);
        if (this.attribution.runAttribute !== null) remember(this.traceRuns, span.traceId, found.runId, TRACES_KEPT);
      } else {
        problems.set(span, found.problem);
      }
    }
    // A span without the run attribute belongs to the run another span of its trace named.
    for (const [span, problem] of problems) {
      const runId = this.traceRuns.get(span.traceId);
      if (runId === undefined) reject(`${problem}, nor on another span of trace ${span.traceId}`);
      else runOfSpan.set(span, runId);
    }
    const groups = new Map<string, OtlpSpan[]>();
    for (const [span, runId] of runOfSpan) {
      const group = groups.get(runId);
      if (group) group.push(span);
      else groups.set(runId, [span]);
    }
    return groups;
  }

  private async applyGroup(
    runId: string,
    spans: OtlpSpan[],
    reject: (reason: string, count?: number) => void,
    durable: Array<Promise<unknown>>,
  ): Promise<void> {
    const opened = await this.openRun(runId, spans);
    if ('problem' in opened) return reject(opened.problem, spans.length);
    if ('finished' in opened) {
      const late = spans.filter((span) => !opened.finished.has(span.spanId)).length;
      if (late > 0) reject(`run ${runId} has finished (its root span ended); spans that come after it are not recorded`, late);
      return;
    }
    const { run, memory } = opened;
    // Lines are durable in order, and a failed journal rejects every line queued after the failure:
    // awaiting the group's last line covers all of them (OpenRuns.commit handles each rejection).
    const commit = (plan: PlannedEvent<unknown> | null): void => {
      memory.lastCommit = this.runs.commit(run, plan);
    };
    const roots: OtlpSpan[] = [];
    for (const span of spans) {
      if (memory.spanIds.has(span.spanId)) continue;
      if (!memory.spans.has(span.spanId)) memory.spans.set(span.spanId, { agent: false, parent: span.parentSpanId });
      const action = spanAction(span);
      if (action.kind === 'refused') {
        reject(action.reason);
        continue;
      }
      try {
        this.applySpan(run, memory, span, action, commit);
      } catch (error) {
        if (!isSpanRefusal(error)) throw error;
        reject(`span ${span.spanId} (${span.name}): ${error.message}`);
        continue;
      }
      memory.spanIds.add(span.spanId);
      if (span.parentSpanId === null) roots.push(span);
    }
    for (const root of roots) this.endTrace(run, memory, root, commit);
    if (run.session.planner.isFinished) {
      this.memories.delete(runId);
      remember(this.finishedRuns, runId, memory.spanIds, FINISHED_RUNS_KEPT);
    }
    const last = memory.lastCommit;
    last.catch(() => this.forget(runId, memory));
    durable.push(last);
  }

  private applySpan(
    run: OpenRun,
    memory: RunMemory,
    span: OtlpSpan,
    action: SpanAction,
    commit: (plan: PlannedEvent<unknown> | null) => void,
  ): void {
    const planner = run.session.planner;
    const issue = issueIdOfSpan(span, this.attribution);
    if ('invalid' in issue) throw new InvalidRequestError(this.attribution.issueAttribute, issue.invalid, ISSUE_ID_RULE);
    if (issue.issueId !== null && action.kind !== 'none') {
      try {
        commit(planner.startIssue(issue.issueId));
      } catch (error) {
        if (!(error instanceof IssueAlreadyOpenError)) throw error;
      }
      const issues = memory.traceIssues.get(span.traceId) ?? new Map();
      memory.traceIssues.set(span.traceId, issues);
      const known = issues.get(issueKey(issue.issueId));
      if (known) known.firstStartNs = known.firstStartNs < span.startNs ? known.firstStartNs : span.startNs;
      else issues.set(issueKey(issue.issueId), { issueId: issue.issueId, firstStartNs: span.startNs });
    }
    const issueOption = issue.issueId === null ? {} : { issueId: issue.issueId };
    const agentId = this.agentOf(memory, span.parentSpanId);
    const agentOption = agentId === null ? {} : { agentId };
    const id = spanEntityId(span.spanId);
    switch (action.kind) {
      case 'agent': {
        memory.spans.set(span.spanId, { agent: true, parent: span.parentSpanId });
        const started = planner.startAgent(action.agentType, issueOption);
        commit({ ...started, data: { ...started.data, agentId: id }, result: id });
        const finished = planner.finalizeAgent({
          agentId: id,
          success: action.error === null,
          ...(action.error === null ? {} : { error: action.error }),
        });
        commit({ ...finished, data: { ...finished.data, durationMs: action.durationMs } });
        return;
      }
      case 'tool': {
        const started = planner.startToolCall(action.tool, { ...issueOption, ...agentOption });
        commit({ ...started, data: { ...started.data, callId: id }, result: id });
        const ended = planner.endToolCall(id, {
          success: action.error === null,
          ...(action.error === null ? {} : { error: action.error }),
        });
        commit({ ...ended, data: { ...ended.data, durationMs: action.durationMs } });
        return;
      }
      case 'tokens': {
        const planned = planner.recordTokenUsage({ ...action.usage, ...issueOption, ...agentOption });
        // The planner's own object, validated; the span id (16 hex digits, from the decoder) is added to it.
        planned.result.spanId = span.spanId;
        commit(planned);
        return;
      }
      case 'none':
      case 'refused':
        return;
      default: {
        const unhandled: never = action;
        throw new Error(`applySpan: unhandled action ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** The trace's root span ended: its issues end with it, and in one-run-per-trace mode, the run. */
  private endTrace(run: OpenRun, memory: RunMemory, root: OtlpSpan, commit: (plan: PlannedEvent<unknown> | null) => void): void {
    const planner = run.session.planner;
    const failed = root.status === 'error';
    for (const { issueId, firstStartNs } of memory.traceIssues.get(root.traceId)?.values() ?? []) {
      try {
        const finished = planner.finalizeIssue(issueId, failed ? 'failed' : 'completed');
        const durationMs = root.endNs > firstStartNs ? Number(root.endNs - firstStartNs) / 1e6 : 0;
        commit({ ...finished, data: { ...finished.data, durationMs } });
      } catch (error) {
        if (!(error instanceof IssueNotOpenError)) throw error;
      }
    }
    memory.traceIssues.delete(root.traceId);
    if (this.attribution.runAttribute !== null) return;
    const plan = planner.finalizeRun(failed ? 'failed' : 'completed', rootSpanReason(root.spanId, root.name, root.status.toUpperCase()));
    if (plan) commit({ ...plan, data: { ...plan.data, durationMs: Number(root.endNs - root.startNs) / 1e6 } });
  }

  /** The nearest invoke_agent ancestor this server has seen; a parent not seen yet is taken to be one (it usually is). */
  private agentOf(memory: RunMemory, parent: string | null): string | null {
    for (let id = parent, hops = 0; id !== null && hops < 1000; hops += 1) {
      const seen = memory.spans.get(id);
      if (seen === undefined || seen.agent) return spanEntityId(id);
      id = seen.parent;
    }
    return null;
  }

  private async openRun(
    runId: string,
    spans: readonly OtlpSpan[],
  ): Promise<{ run: OpenRun; memory: RunMemory } | { finished: ReadonlySet<string> } | { problem: string }> {
    const finished = this.finishedRuns.get(runId);
    if (finished) return { finished };
    const open = this.runs.find(runId);
    const known = this.memories.get(runId);
    if (open && known) return { run: open, memory: known };
    const fresh = (spanIds: Set<string>): RunMemory => ({
      spanIds,
      spans: new Map(),
      traceIssues: new Map(),
      lastCommit: Promise.resolve(),
    });
    try {
      if (open) return this.opened(runId, open, fresh(recordedSpanIds(this.logsDir, runId)));
      if (fs.existsSync(runPaths(this.logsDir, runId).journal)) {
        const status = journalRunStatus(this.logsDir, runId);
        if (status.status === 'completed' || status.status === 'failed') {
          const ids = recordedSpanIds(this.logsDir, runId);
          remember(this.finishedRuns, runId, ids, FINISHED_RUNS_KEPT);
          return { finished: ids };
        }
        // Interrupted (a server restart) or crashed: the spans go on in the same run. A lock still
        // held is not waited for (the queue would stop every export): RUN_LOCKED, 503, a retry.
        await this.runs.resume(runId, { lockWaitMs: 0 });
        return this.opened(runId, this.runs.get(runId), fresh(recordedSpanIds(this.logsDir, runId)));
      }
      const config = configOf(spans);
      if (config === null)
        return {
          problem: `run ${runId} cannot start: none of its spans so far names a model (gen_ai.request.model); send them again with one`,
        };
      await this.runs.start({ projectId: projectIdOf(spans[0]!), runId, config });
      return this.opened(runId, this.runs.get(runId), fresh(new Set()));
    } catch (error) {
      if (!isSpanRefusal(error)) throw error;
      return { problem: `run ${runId}: ${error.message}` };
    }
  }

  private opened(runId: string, run: OpenRun, memory: RunMemory): { run: OpenRun; memory: RunMemory } {
    this.memories.set(runId, memory);
    return { run, memory };
  }

  private forget(runId: string, memory: RunMemory): void {
    if (this.memories.get(runId) === memory) this.memories.delete(runId);
  }
}
