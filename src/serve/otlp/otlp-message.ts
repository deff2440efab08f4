import { InvalidRequestError } from '../../errors.js';
import type { AttributeValue, OtlpSpan, SpanStatus } from './otlp-span.js';

/**
 * ExportTraceServiceRequest as protobufjs decodes it (message objects, ids as bytes, fixed64 as
 * Long or number), read field by field into spans: the same spans as otlp-request.ts gives for
 * OTLP/JSON, without first turning the message into a plain object (which costs as much again as
 * the decoding).
 */
interface LongLike {
  readonly low: number;
  readonly high: number;
}
interface AnyValueMessage {
  readonly value?: string;
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: number | LongLike;
  readonly doubleValue?: number;
  readonly arrayValue?: { readonly values?: readonly AnyValueMessage[] };
  readonly kvlistValue?: { readonly values?: readonly KeyValueMessage[] };
  readonly bytesValue?: Uint8Array;
}
interface KeyValueMessage {
  readonly key: string;
  readonly value?: AnyValueMessage | null;
}
/** Fields left at their default may be absent, whatever protobufjs's defaults are. */
interface SpanMessage {
  readonly traceId?: Uint8Array;
  readonly spanId?: Uint8Array;
  readonly parentSpanId?: Uint8Array;
  readonly name?: string;
  readonly startTimeUnixNano?: number | LongLike;
  readonly endTimeUnixNano?: number | LongLike;
  readonly attributes?: readonly KeyValueMessage[];
  readonly status?: { readonly code?: number; readonly message?: string } | null;
}
interface RequestMessage {
  readonly resourceSpans?: ReadonlyArray<{
    readonly resource?: { readonly attributes?: readonly KeyValueMessage[] } | null;
    readonly scopeSpans?: ReadonlyArray<{ readonly spans?: readonly SpanMessage[] }>;
  }>;
}

const STATUS: readonly SpanStatus[] = ['unset', 'ok', 'error'];

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function idOf(bytes: Uint8Array | undefined, length: number, where: string, required: boolean): string | null {
  if (bytes === undefined || bytes.length === 0) {
    if (required) throw new InvalidRequestError(where, null, `a ${length}-byte id`);
    return null;
  }
  const hex = hexOf(bytes);
  if (hex.length !== length * 2) throw new InvalidRequestError(where, hex, `a ${length}-byte id`);
  if (/^0+$/.test(hex)) {
    if (required) throw new InvalidRequestError(where, hex, 'an id that is not all zeroes');
    return null;
  }
  return hex;
}

const nanos = (value: number | LongLike | undefined): bigint =>
  value === undefined ? 0n : typeof value === 'number' ? BigInt(value) : (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);

const int64 = (value: number | LongLike): number => (typeof value === 'number' ? value : value.high * 2 ** 32 + (value.low >>> 0));

function anyValueOf(any: AnyValueMessage | null | undefined, depth: number): AttributeValue {
  if (any === null || any === undefined || depth > 32) return null;
  switch (any.value) {
    case 'stringValue':
      return any.stringValue!;
    case 'boolValue':
      return any.boolValue!;
    case 'intValue':
      return int64(any.intValue!);
    case 'doubleValue':
      return any.doubleValue!;
    case 'arrayValue':
      return (any.arrayValue!.values ?? []).map((item) => anyValueOf(item, depth + 1));
    case 'kvlistValue':
      return Object.fromEntries(attributesOf(any.kvlistValue!.values, depth + 1));
    case 'bytesValue':
      return Buffer.from(any.bytesValue!).toString('base64');
    default:
      return null;
  }
}

function attributesOf(list: readonly KeyValueMessage[] | undefined, depth = 0): Map<string, AttributeValue> {
  const attributes = new Map<string, AttributeValue>();
  for (const kv of list ?? []) attributes.set(kv.key, anyValueOf(kv.value, depth));
  return attributes;
}

export function spansOfMessage(message: unknown): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  for (const [r, resourceSpans] of ((message as RequestMessage).resourceSpans ?? []).entries()) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const [s, scopeSpans] of (resourceSpans.scopeSpans ?? []).entries()) {
      for (const [i, span] of (scopeSpans.spans ?? []).entries()) {
        const where = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        const status = STATUS[span.status?.code ?? 0];
        if (status === undefined)
          throw new InvalidRequestError(`${where}.status.code`, span.status?.code, '0 (unset), 1 (ok) or 2 (error)');
        spans.push({
          traceId: idOf(span.traceId, 16, `${where}.traceId`, true)!,
          spanId: idOf(span.spanId, 8, `${where}.spanId`, true)!,
          parentSpanId: idOf(span.parentSpanId, 8, `${where}.parentSpanId`, false),
          name: span.name ?? '',
          startNs: nanos(span.startTimeUnixNano),
          endNs: nanos(span.endTimeUnixNano),
          status,
          statusMessage: span.status?.message ?? '',
          attributes: attributesOf(span.attributes),
          resource,
        });
      }
    }
  }
  return spans;
}
