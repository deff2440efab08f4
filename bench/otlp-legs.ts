import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { startServer, type RunledgerServer } from '../src/entries/serve.js';
import { runPaths } from '../src/index.js';
import { OTLP_TRACE_PROTO_FILES } from '../src/serve/otlp/otlp-protos.js';
import type { FigureSpec } from './build-figure.js';
import type { Comparison } from './interleave.js';
import type { CollectorLegResult } from './leg.js';

/**
 * OTLP ingest against serve's NDJSON batch ingest of the same events. A supervisor's spans come in
 * exports of 512 (the SDK batch span processor's default maxExportBatchSize), one export at a time
 * as that processor sends them, in protobuf; every group of 4 spans is a chat (TokensUsed), a tool
 * call (ToolCallStarted + ToolCallEnded), a chat and an agent (AgentStarted + AgentFinished): 6
 * journal lines. The NDJSON side posts the same 6 calls per 4 spans, 768 calls per batch, to
 * /runs/:id/calls. Both count spans (the NDJSON side the spans its calls stand for); both bodies
 * are built before the timed part.
 */
export const SPANS_PER_EXPORT = 512;
const EXPORTS_PER_LEG = 400;

export function otlpFigureSpec(): FigureSpec {
  return {
    name: `runledger serve OTLP/HTTP ingest, protobuf, exports of ${SPANS_PER_EXPORT} GenAI spans (1 exporter)`,
    baselineName: `runledger serve NDJSON batches of the same events (${(SPANS_PER_EXPORT / 4) * 6} calls per request, 1 client)`,
    unit: 'spans/s',
    target: { of: 'ratio', comparison: '>=', threshold: 0.5 },
    note: 'spans per second; each 4 spans are 6 journal lines on both sides',
  };
}

const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, '0');
const T0 = BigInt(Date.parse('2026-12-01T10:00:00Z')) * 1_000_000n;

type Attr = { key: string; value: Record<string, unknown> };
const str = (key: string, value: string): Attr => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): Attr => ({ key, value: { intValue: value } });

function spanAt(traceId: string, index: number): Record<string, unknown> {
  const kind = index % 4;
  const attributes =
    kind === 1
      ? [str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', 'run_tests')]
      : kind === 3
        ? [str('gen_ai.operation.name', 'invoke_agent'), str('gen_ai.agent.name', 'coder')]
        : [
            str('gen_ai.operation.name', 'chat'),
            str('gen_ai.provider.name', 'deepseek'),
            str('gen_ai.request.model', 'deepseek-chat'),
            int('gen_ai.usage.input_tokens', 1200),
            int('gen_ai.usage.output_tokens', 300),
          ];
  const start = T0 + BigInt(index) * 1_000_000n;
  return {
    traceId: Buffer.from(traceId, 'hex'),
    spanId: Buffer.from(hex(index + 1, 16), 'hex'),
    // The supervisor's root span never comes in a leg: the run stays open, as during a long run.
    parentSpanId: Buffer.from('ffffffffffffffff', 'hex'),
    name: kind === 1 ? 'execute_tool run_tests' : kind === 3 ? 'invoke_agent coder' : 'chat deepseek-chat',
    kind: 1,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 500_000n).toString(),
    attributes,
    status: { code: 1 },
  };
}

let requestType: protobuf.Type | null = null;

/** EXPORTS_PER_LEG protobuf bodies of one trace, as the SDK's OTLP proto exporter would send them. */
function otlpBodies(traceId: string): Array<Uint8Array<ArrayBuffer>> {
  if (requestType === null) {
    const root = new protobuf.Root();
    for (const file of OTLP_TRACE_PROTO_FILES) protobuf.parse(file.source, root);
    root.resolveAll();
    requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  }
  const type = requestType;
  const resource = {
    attributes: [str('service.name', 'bench-supervisor'), { key: 'runledger.config.llm.temperature', value: { doubleValue: 0.7 } }],
  };
  return Array.from({ length: EXPORTS_PER_LEG }, (_, e) => {
    const spans = Array.from({ length: SPANS_PER_EXPORT }, (_, i) => spanAt(traceId, e * SPANS_PER_EXPORT + i));
    const request = { resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] };
    return new Uint8Array(type.encode(type.fromObject(request)).finish());
  });
}

/** The same events as NDJSON calls: per 4 spans, a usage, a tool call, a usage and an agent. */
function ndjsonBodies(): string[] {
  let calls = 0;
  const usage = JSON.stringify({
    call: 'recordTokenUsage',
    args: { model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1200, outputTokens: 300 },
  });
  const agent = `${JSON.stringify({ call: 'startAgent', args: { agentType: 'coder' } })}\n${JSON.stringify({ call: 'finalizeAgent', args: { success: true } })}`;
  return Array.from({ length: EXPORTS_PER_LEG }, () => {
    const lines: string[] = [];
    for (let g = 0; g < SPANS_PER_EXPORT / 4; g += 1) {
      calls += 1;
      const callId = `call-${calls}`;
      lines.push(
        usage,
        JSON.stringify({ call: 'startToolCall', args: { tool: 'run_tests' } }),
        JSON.stringify({ call: 'endToolCall', args: { callId, success: true } }),
        usage,
        agent,
      );
    }
    return `${lines.join('\n')}\n`;
  });
}

async function post(url: string, contentType: string, body: Uint8Array<ArrayBuffer> | string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const answer = Buffer.from(await response.arrayBuffer());
  // An OTLP answer that is not empty carries a partial success: spans were rejected.
  const refused = !response.ok || (contentType === 'application/x-protobuf' && answer.length > 0);
  if (refused) throw new Error(`${url} answered ${response.status}: ${answer.toString('utf8').slice(0, 500)}`);
}

/** Sends bodies one after the other, each after the previous answer, until legMs has passed; spans counted per body. */
async function timedLeg(send: (body: number) => Promise<void>, legMs: number): Promise<{ lines: number; ms: number }> {
  const began = performance.now();
  let sent = 0;
  while (performance.now() - began < legMs) {
    if (sent === EXPORTS_PER_LEG) throw new Error(`a leg of ${legMs} ms needs more than ${EXPORTS_PER_LEG} exports: raise EXPORTS_PER_LEG`);
    await send(sent);
    sent += 1;
  }
  return { lines: sent * SPANS_PER_EXPORT, ms: performance.now() - began };
}

let legNumber = 0;

async function withServer<T>(logsDir: string, work: (server: RunledgerServer) => Promise<T>): Promise<T> {
  const server = await startServer({ dir: logsDir, port: 0, prices: null, liveUpdates: false });
  try {
    return await work(server);
  } finally {
    await server.close('bench leg done');
  }
}

/** Both sides must have journaled every span's events (6 lines per 4 spans, after RunStarted); then the run is removed. */
function checkedAndRemoved(logsDir: string, runId: string, spans: number): void {
  const journal = runPaths(logsDir, runId).journal;
  const lines = fs
    .readFileSync(journal, 'utf8')
    .split('\n')
    .filter((line) => line !== '').length;
  fs.rmSync(path.dirname(journal), { recursive: true, force: true });
  const expected = 1 + (spans / 4) * 6;
  if (lines < expected) throw new Error(`run ${runId} holds ${lines} lines after ${spans} spans; expected at least ${expected}`);
}

async function otlpLeg(logsDir: string, legMs: number): Promise<CollectorLegResult> {
  const traceId = hex(process.pid, 16) + hex((legNumber += 1), 16);
  const bodies = otlpBodies(traceId);
  const timed = await withServer(logsDir, (server) =>
    timedLeg((i) => post(`${server.url}/v1/traces`, 'application/x-protobuf', bodies[i]!), legMs),
  );
  checkedAndRemoved(logsDir, traceId, timed.lines);
  return { ...timed, lineBytes: 0 };
}

async function ndjsonLeg(logsDir: string, legMs: number): Promise<CollectorLegResult> {
  const runId = `otlp-bench-ndjson-${process.pid}-${(legNumber += 1)}`;
  const bodies = ndjsonBodies();
  const start = {
    projectId: 'bench-supervisor',
    runId,
    config: { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 } },
  };
  const timed = await withServer(logsDir, async (server) => {
    await post(`${server.url}/runs`, 'application/json', JSON.stringify(start));
    return timedLeg((i) => post(`${server.url}/runs/${runId}/calls`, 'application/x-ndjson', bodies[i]!), legMs);
  });
  checkedAndRemoved(logsDir, runId, timed.lines);
  return { ...timed, lineBytes: 0 };
}

export function otlpComparison(logsDir: string): (legMs: number) => Comparison {
  return (legMs) => ({ name: otlpFigureSpec().name, baseline: () => ndjsonLeg(logsDir, legMs), collector: () => otlpLeg(logsDir, legMs) });
}
