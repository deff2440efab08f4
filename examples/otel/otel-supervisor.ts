/**
 * A supervisor instrumented only with OpenTelemetry (no runledger code), as in README
 * "OpenTelemetry in": its GenAI spans go to `runledger serve` over OTLP/HTTP.
 * Run: runledger serve --dir logs, then node dist/examples/otel/otel-supervisor.js [url]
 */
import { trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const url = process.argv[2] ?? 'http://127.0.0.1:7340/v1/traces';
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'my-supervisor', 'runledger.config.maxRetries': 3 }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
});
provider.register();
const tracer = trace.getTracer('my-supervisor');
const span = <T>(name: string, attributes: Record<string, string | number>, work: (s: Span) => T): T =>
  tracer.startActiveSpan(name, { attributes }, (s) => {
    try {
      return work(s);
    } finally {
      s.end();
    }
  });

span('invoke_agent coder', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'coder', 'runledger.issue_id': 42 }, () => {
  span('chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.request.temperature': 0.2 }, (chat) =>
    chat.setAttributes({
      'gen_ai.usage.input_tokens': 1500,
      'gen_ai.usage.output_tokens': 800,
      'gen_ai.usage.cache_read.input_tokens': 1000,
    }),
  );
  span('execute_tool run_tests', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'run_tests' }, (tool) =>
    tool.setAttribute('error.type', 'TestFailure'),
  );
});
await provider.shutdown(); // flushes the batch: the run is recorded, and ended with its root span
