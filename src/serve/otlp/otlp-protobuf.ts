import type { Type } from 'protobufjs';
import { InvalidRequestError } from '../../errors.js';
import { spansOfMessage } from './otlp-message.js';
import type { OtlpSpan } from './otlp-span.js';

/**
 * OTLP's protobuf messages, from the opentelemetry-proto files (otlp-protos.ts) parsed by
 * protobufjs. Loaded on the first protobuf request, so a server that never receives one never
 * loads protobufjs or parses the protos.
 */
export interface OtlpProtobuf {
  /** ExportTraceServiceRequest's spans. */
  decodeRequest(body: Uint8Array): OtlpSpan[];
  /** ExportTraceServiceResponse, with partial_success when spans were rejected. */
  encodeResponse(rejectedSpans: number, errorMessage: string): Uint8Array;
  /** google.rpc.Status, the body of a refusal to a protobuf request. */
  encodeStatus(code: number, message: string): Uint8Array;
}

let loading: Promise<OtlpProtobuf> | null = null;

export function loadOtlpProtobuf(): Promise<OtlpProtobuf> {
  loading ??= (async () => {
    const protobuf = (await import('protobufjs')).default;
    const { OTLP_TRACE_PROTO_FILES } = await import('./otlp-protos.js');
    const root = new protobuf.Root();
    for (const file of OTLP_TRACE_PROTO_FILES) protobuf.parse(file.source, root, { keepCase: false });
    // google.rpc.Status without its details (an Any list runledger never sends).
    protobuf.parse('syntax = "proto3"; package google.rpc; message Status { int32 code = 1; string message = 2; }', root);
    root.resolveAll();
    const request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
    const response = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
    const status = root.lookupType('google.rpc.Status');
    return {
      decodeRequest: (body) => decodeRequest(request, body),
      encodeResponse: (rejectedSpans, errorMessage) =>
        response
          .encode(
            response.fromObject(rejectedSpans === 0 && errorMessage === '' ? {} : { partialSuccess: { rejectedSpans, errorMessage } }),
          )
          .finish(),
      encodeStatus: (code, message) => status.encode(status.fromObject({ code, message })).finish(),
    };
  })();
  return loading;
}

function decodeRequest(request: Type, body: Uint8Array): OtlpSpan[] {
  let message;
  try {
    message = request.decode(body);
  } catch (error) {
    throw new InvalidRequestError(
      '(body)',
      `${body.length} bytes`,
      `an OTLP ExportTraceServiceRequest in protobuf (${(error as Error).message})`,
    );
  }
  return spansOfMessage(message);
}
