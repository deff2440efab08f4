import { context, trace, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';

/**
 * GenAI spans made by the real OpenTelemetry JS SDK, exported by its real OTLP/HTTP exporters
 * (JSON or protobuf) to `runledger serve`. Spans are first collected in memory, so a test chooses
 * how they are split over exports and in which order, as a batch span processor would send them.
 */
export interface SpanSpec {
  readonly name: string;
  readonly attributes?: Attributes;
  /** Milliseconds after the trace's start. */
  readonly startMs: number;
  readonly endMs: number;
  readonly error?: string;
  readonly children?: readonly SpanSpec[];
}

export const T0 = Date.parse('2026-12-01T10:00:00Z');

/** Records one trace of nested spans; returns them as the SDK hands them to an exporter, keyed by name. */
export async function recordTrace(resource: Attributes, root: SpanSpec): Promise<Map<string, ReadableSpan>> {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('runledger-test', '1.0.0');
  const record = (spec: SpanSpec, parent: Span | null): void => {
    const ctx = parent === null ? context.active() : trace.setSpan(context.active(), parent);
    const span = tracer.startSpan(spec.name, { attributes: spec.attributes, startTime: new Date(T0 + spec.startMs) }, ctx);
    for (const child of spec.children ?? []) record(child, span);
    if (spec.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error });
    else span.setStatus({ code: SpanStatusCode.OK });
    span.end(new Date(T0 + spec.endMs));
  };
  record(root, null);
  await provider.forceFlush();
  const spans = new Map(memory.getFinishedSpans().map((span) => [span.name, span]));
  await provider.shutdown();
  return spans;
}

export type Encoding = 'json' | 'protobuf';

/** An OTLP/HTTP trace exporter of the SDK, pointed at the server. */
export function otlpExporter(url: string, encoding: Encoding, options: { token?: string; gzip?: boolean } = {}) {
  const config = {
    url: `${url}/v1/traces`,
    headers: (options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }) as Record<string, string>,
    ...(options.gzip ? { compression: 'gzip' as never } : {}),
  };
  return encoding === 'json' ? new JsonExporter(config) : new ProtoExporter(config);
}

/** One export, as the SDK's processors call it; resolves with the exporter's result (code 0: success). */
export function exportSpans(
  exporter: ReturnType<typeof otlpExporter>,
  spans: readonly ReadableSpan[],
): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export([...spans], (result) => resolve(result)));
}
