import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RunNotOpenError } from '../errors.js';
import { assertRunId } from '../journal/paths.js';
import { runledgerVersion } from '../version.js';
import { applyCalls, type AppliedCalls } from './apply-calls.js';
import { planCall } from './calls.js';
import { errorResponse, logUnexpected } from './error-response.js';
import type { OpenRuns } from './open-runs.js';
import { parseFinalizeBody, parseJsonBody, parseResumeBody, parseStartBody, splitNdjson, type BatchLine } from './request-bodies.js';
import { journalRunStatus, openRunStatus } from './run-status.js';

export const NDJSON = 'application/x-ndjson';

export interface RouteContext {
  readonly logsDir: string;
  readonly runs: OpenRuns;
  readonly maxBatchItems: number;
}

type RunRequest = FastifyRequest<{ Params: { runId: string } }>;

function runIdOf(request: RunRequest): string {
  const { runId } = request.params;
  assertRunId(runId);
  return runId;
}

const isNdjson = (request: FastifyRequest): boolean => (request.headers['content-type'] ?? '').toLowerCase().startsWith(NDJSON);

/** A batch's answer: 200 when every item is durable, else the stopping item's status, with the durable prefix. */
function sendApplied(
  request: FastifyRequest,
  reply: FastifyReply,
  applied: AppliedCalls,
  batch: boolean,
  items: readonly BatchLine[],
): FastifyReply {
  if (applied.stopped) {
    const { status, body } = errorResponse(applied.stopped.error);
    if (status === 500) logUnexpected(request, applied.stopped.error);
    if (!batch) return reply.code(status).send({ error: body });
    return reply.code(status).send({
      error: { ...body, index: applied.stopped.index, line: applied.stopped.line },
      results: applied.results,
      applied: applied.results.length,
      notApplied: applied.notApplied,
      items: items.length,
    });
  }
  if (!batch) return reply.code(200).send({ result: applied.results[0] ?? null });
  return reply.code(200).send({ results: applied.results, applied: applied.results.length, notApplied: 0, items: items.length });
}

/** The HTTP API (README "runledger serve"): the collector's calls, one JSON object or an NDJSON batch at a time. */
export function registerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { runs, logsDir } = ctx;

  app.get('/health', async () => ({ ok: true, runledgerVersion: runledgerVersion(), openRuns: runs.size }));

  app.get('/runs', async () => ({ open: runs.ids }));

  app.post('/runs', async (request, reply) => {
    const runId = await runs.start(parseStartBody(parseJsonBody(request.body)));
    return reply.code(201).send({ runId });
  });

  app.get('/runs/:runId', async (request: RunRequest) => {
    const runId = runIdOf(request);
    const open = runs.find(runId);
    return open ? openRunStatus(runId, open.lastSeq) : journalRunStatus(logsDir, runId);
  });

  app.post('/runs/:runId/resume', async (request: RunRequest) => {
    const runId = runIdOf(request);
    await runs.resume(runId, parseResumeBody(parseJsonBody(request.body)));
    const open = runs.get(runId);
    // What the resume found (abandoned agents and tool calls, open issues, quarantined bytes, downtime), as collector.resumed.
    return { runId, lastSeq: open.lastSeq, resumed: open.session.resumed };
  });

  app.post('/runs/:runId/calls', async (request: RunRequest, reply) => {
    const runId = runIdOf(request);
    const batch = isNdjson(request);
    const items: BatchLine[] = batch ? splitNdjson(request.body, ctx.maxBatchItems) : [{ line: 1, item: parseJsonBody(request.body) }];
    return sendApplied(request, reply, await applyCalls(runs, runs.get(runId), items), batch, items);
  });

  app.post('/runs/:runId/finalize', async (request: RunRequest) => {
    const runId = runIdOf(request);
    const args = parseFinalizeBody(parseJsonBody(request.body));
    const run = runs.find(runId);
    if (!run) {
      // A retried finalize (its first answer was lost) finds the run closed: it says what was recorded.
      const recorded = journalRunStatus(logsDir, runId);
      if (!recorded.finishedRecorded) throw new RunNotOpenError(runId);
      return { runId, status: recorded.status, alreadyFinalized: true };
    }
    const plan = planCall(run.session.planner, { call: 'finalizeRun', args });
    await runs.commit(run, plan);
    if (plan && plan.type === 'RunFinished') return { runId, status: (plan.data as { status: string }).status, alreadyFinalized: false };
    // Another request's finalize came first; its RunFinished is durable now.
    return { runId, status: journalRunStatus(logsDir, runId).status, alreadyFinalized: true };
  });
}
