/* eslint-disable complexity -- each client checks every answer the server may give under contention:
   its callback is long by design. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/analysis/stats/random.js';
import { runPaths, verifyRun } from '../src/index.js';
import { journalEntries, testSeed } from './helpers/child.js';
import { clientOf, testServer, type Answer } from './helpers/serve.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * 32 clients on 8 runs at once (4 per run), each sending single calls and NDJSON batches with bad
 * input mixed in. Every item carries a marker (an error message, a pipeline id or an agent id), so
 * the journal can be checked against what was answered: every acknowledged item is there exactly
 * once and in its client's order, every refused item (and every item after it in its batch) is
 * absent, and every journal verifies with no torn tail.
 */

const RUNS = 8;
const CLIENTS_PER_RUN = 4;
const ROUNDS = 12;

type Item = { call: string; args: Record<string, unknown> } | string;
interface Bad {
  readonly item: Item;
  readonly status: number;
  readonly code: string;
}

const good = (marker: string, kind: number): Item => {
  switch (kind % 3) {
    case 0:
      return { call: 'recordError', args: { kind: 'tool', message: marker, recoverable: true } };
    case 1:
      return { call: 'recordPipeline', args: { pipelineId: marker, commitSha: 'abc123', status: 'success', triggeredBy: 'push' } };
    default:
      return { call: 'recordTokenUsage', args: { model: 'gpt-4o', inputTokens: 1200, outputTokens: 300, agentId: marker } };
  }
};

const bad = (marker: string, kind: number): Bad => {
  const variants: Bad[] = [
    { item: { call: 'recordError', args: { kind: 'tool', message: marker, recoverable: 'yes' } }, status: 400, code: 'EVENT_INVALID' },
    {
      item: { call: 'recordPipeline', args: { pipelineId: marker, commitSha: 'c', status: 'green', triggeredBy: 'push' } },
      status: 400,
      code: 'EVENT_INVALID',
    },
    {
      item: { call: 'recordTokenUsage', args: { model: 'gpt-4o', inputTokens: -1, outputTokens: 3, agentId: marker } },
      status: 400,
      code: 'EVENT_INVALID',
    },
    {
      item: { call: 'recordError', args: { kind: 'tool', message: marker, recoverable: true, severity: 'high' } },
      status: 400,
      code: 'REQUEST_INVALID',
    },
    {
      item: { call: 'recordError', args: { kind: 'tool', message: marker, recoverable: true, issueId: 99 } },
      status: 409,
      code: 'ISSUE_NOT_OPEN',
    },
    { item: { call: 'endToolCall', args: { callId: `never-${marker}`, success: true } }, status: 409, code: 'TOOL_CALL_NOT_OPEN' },
    { item: `{"call":"recordError","args":{"kind":"tool","message":"${marker}"`, status: 400, code: 'REQUEST_INVALID' },
  ];
  return variants[kind % variants.length]!;
};

/** What a marker-carrying journal line is marked with. */
function markerOf(line: { type: string; data: Record<string, unknown> }): string | null {
  if (line.type === 'ErrorRecorded') return line.data.message as string;
  if (line.type === 'PipelineFinished') return line.data.pipelineId as string;
  if (line.type === 'TokensUsed') return line.data.agentId as string;
  return null;
}

describe('32 concurrent clients with bad input mixed in', () => {
  it('every acknowledged item is durable exactly once, every refused one is absent with its code, nothing half-written', async () => {
    const seed = testSeed();
    const dir = tempDir();
    const server = await testServer({ dir });
    const api = clientOf(server.url);
    const runIds = Array.from({ length: RUNS }, (_, i) => `busy-${i}`);
    for (const runId of runIds) {
      expect((await api.start(runId)).status).toBe(201);
      expect((await api.call(runId, 'startIssue', { issueId: 1 })).status).toBe(200);
    }

    const acknowledged = new Map<string, string[]>(runIds.map((id) => [id, []]));
    const refused = new Set<string>();
    const toolCalls = new Map<string, number>(runIds.map((id) => [id, 0]));
    const unexpected: string[] = [];
    const expectAnswer = (answer: Answer, status: number, what: string): boolean => {
      if (answer.status !== status) unexpected.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.status === status;
    };

    const client = async (clientNo: number): Promise<void> => {
      const runId = runIds[clientNo % RUNS]!;
      const acks = acknowledged.get(runId)!;
      const random = mulberry32(seed + clientNo);
      for (let round = 0; round < ROUNDS; round += 1) {
        const marker = (i: number): string => `c${clientNo}-r${round}-i${i}`;
        const pick = Math.floor(random() * 5);
        const variant = Math.floor(random() * 1000);
        if (pick === 0) {
          const item = good(marker(0), variant) as { call: string; args: Record<string, unknown> };
          if (expectAnswer(await api.call(runId, item.call, item.args), 200, marker(0))) acks.push(marker(0));
        } else if (pick === 1) {
          const refusal = bad(marker(0), variant);
          const answer =
            typeof refusal.item === 'string'
              ? await api.post(`/runs/${runId}/calls`, undefined, { rawBody: refusal.item })
              : await api.call(runId, refusal.item.call, refusal.item.args);
          if (expectAnswer(answer, refusal.status, marker(0)) && answer.body.error?.code !== refusal.code)
            unexpected.push(`${marker(0)}: code ${answer.body.error?.code}, expected ${refusal.code}`);
          refused.add(marker(0));
        } else if (pick === 2) {
          const items = [0, 1, 2, 3, 4].map((i) => good(marker(i), variant + i));
          const answer = await api.batch(runId, items);
          if (expectAnswer(answer, 200, `batch ${marker(0)}`)) acks.push(...[0, 1, 2, 3, 4].map(marker));
          if (answer.body.applied !== 5) unexpected.push(`batch ${marker(0)}: applied ${answer.body.applied}`);
        } else if (pick === 3) {
          const at = variant % 5;
          const refusal = bad(marker(at), variant);
          const items = [0, 1, 2, 3, 4].map((i) => (i === at ? refusal.item : good(marker(i), variant + i)));
          const answer = await api.batch(runId, items);
          if (expectAnswer(answer, refusal.status, `batch ${marker(at)}`)) {
            if (
              answer.body.error.code !== refusal.code ||
              answer.body.error.index !== at ||
              answer.body.applied !== at ||
              answer.body.notApplied !== 5 - at
            ) {
              unexpected.push(`batch ${marker(at)}: ${JSON.stringify(answer.body)}`);
            }
            acks.push(...[0, 1, 2, 3, 4].slice(0, at).map(marker));
            for (let i = at; i < 5; i += 1) refused.add(marker(i));
          }
        } else {
          const started = await api.call(runId, 'startToolCall', { tool: 'bash' });
          if (expectAnswer(started, 200, `startToolCall ${marker(0)}`)) {
            expectAnswer(
              await api.call(runId, 'endToolCall', { callId: started.body.result, success: true }),
              200,
              `endToolCall ${started.body.result}`,
            );
            toolCalls.set(runId, toolCalls.get(runId)! + 1);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: RUNS * CLIENTS_PER_RUN }, (_, i) => client(i)));
    expect(unexpected, `RUNLEDGER_TEST_SEED=${seed}`).toEqual([]);
    for (const runId of runIds) expect((await api.finalize(runId)).status).toBe(200);

    let totalAcks = 0;
    for (const runId of runIds) {
      const verification = verifyRun(dir, runId);
      expect(verification.verdict, `${runId}, RUNLEDGER_TEST_SEED=${seed}`).toBe('intact');
      expect(verification.tornTail).toBeNull();
      const lines = journalEntries(runPaths(dir, runId).journal);
      const markers = lines.map(markerOf).filter((m): m is string => m !== null);
      const acks = acknowledged.get(runId)!;
      // Exactly the acknowledged items, each once, each client's in the order it sent them.
      expect([...markers].sort(), `RUNLEDGER_TEST_SEED=${seed}`).toEqual([...acks].sort());
      for (let c = 0; c < RUNS * CLIENTS_PER_RUN; c += 1) {
        const mine = (m: string): boolean => m.startsWith(`c${c}-`);
        expect(markers.filter(mine)).toEqual(acks.filter(mine));
      }
      for (const marker of markers) expect(refused.has(marker), marker).toBe(false);
      // Nothing else was written: RunStarted, IssueStarted, the items, the tool calls, RunFinished.
      expect(lines).toHaveLength(2 + acks.length + 2 * toolCalls.get(runId)! + 1);
      totalAcks += acks.length;
    }
    // The mix really had both kinds in quantity.
    expect(totalAcks).toBeGreaterThan(200);
    expect(refused.size).toBeGreaterThan(50);
  });
});
