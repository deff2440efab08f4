import { InvalidRequestError } from '../../errors.js';
import type { AttributeValue, OtlpSpan, SpanStatus } from './otlp-span.js';

/**
 * ExportTraceServiceRequest in the OTLP/JSON mapping: lowerCamelCase keys, ids in hex, int64 as a
 * string or a number, enums as integers (their names are accepted too).
 */
type Json = Record<string, unknown>;

const STATUS_CODES: Readonly<Record<string, SpanStatus>> = {
  '0': 'unset',
  '1': 'ok',
  '2': 'error',
  STATUS_CODE_UNSET: 'unset',
  STATUS_CODE_OK: 'ok',
  STATUS_CODE_ERROR: 'error',
};

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function arrayAt(parent: Json, key: string, where: string): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidRequestError(`${where}.${key}`, value, 'an array (OTLP ExportTraceServiceRequest)');
  return value;
}

function objectAt(value: unknown, where: string): Json {
  if (!isObject(value)) throw new InvalidRequestError(where, value, 'an object (OTLP ExportTraceServiceRequest)');
  return value;
}

function idOf(value: unknown, bytes: number, where: string, required: boolean): string | null {
  if (value === undefined || value === null || value === '') {
    if (required) throw new InvalidRequestError(where, value ?? null, `a ${bytes}-byte id`);
    return null;
  }
  if (typeof value !== 'string') throw new InvalidRequestError(where, value, `a ${bytes}-byte id as a string`);
  const hex = value.toLowerCase();
  if (hex.length !== bytes * 2 || !/^[0-9a-f]+$/.test(hex))
    throw new InvalidRequestError(where, value, `a ${bytes}-byte id (${bytes * 2} hex digits)`);
  if (/^0+$/.test(hex)) {
    if (required) throw new InvalidRequestError(where, value, 'an id that is not all zeroes');
    return null;
  }
  return hex;
}

function nanosOf(value: unknown, where: string): bigint {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new InvalidRequestError(where, value ?? null, 'nanoseconds since the Unix epoch (a string of digits)');
}

/** A number from OTLP/JSON, where int64 may come as a string. */
function numberOf(value: unknown, where: string, integer: boolean): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || (integer && !Number.isInteger(number)))
    throw new InvalidRequestError(where, value, integer ? 'an integer' : 'a number');
  return number;
}

function anyValueOf(value: unknown, where: string, depth = 0): AttributeValue {
  if (value === undefined || value === null) return null;
  const any = objectAt(value, where);
  if (depth > 32) throw new InvalidRequestError(where, '(nested deeper than 32)', 'attribute values nested at most 32 deep');
  if (typeof any.stringValue === 'string') return any.stringValue;
  if (typeof any.boolValue === 'boolean') return any.boolValue;
  if (any.intValue !== undefined) return numberOf(any.intValue, `${where}.intValue`, true);
  if (any.doubleValue !== undefined) return numberOf(any.doubleValue, `${where}.doubleValue`, false);
  if (isObject(any.arrayValue))
    return arrayAt(any.arrayValue, 'values', where).map((item, i) => anyValueOf(item, `${where}[${i}]`, depth + 1));
  if (isObject(any.kvlistValue)) return Object.fromEntries(attributesOf(any.kvlistValue, `${where}.kvlistValue`, depth + 1));
  if (typeof any.bytesValue === 'string') return any.bytesValue;
  return null;
}

function attributesOf(parent: Json, where: string, depth = 0): Map<string, AttributeValue> {
  const attributes = new Map<string, AttributeValue>();
  const list = arrayAt(parent, depth === 0 ? 'attributes' : 'values', where);
  for (let i = 0; i < list.length; i += 1) {
    const kv = objectAt(list[i], `${where}[${i}]`);
    if (typeof kv.key !== 'string') throw new InvalidRequestError(`${where}[${i}].key`, kv.key ?? null, 'a string');
    attributes.set(kv.key, anyValueOf(kv.value, `${where}[${i}].value`, depth));
  }
  return attributes;
}

function spanOf(raw: unknown, resource: ReadonlyMap<string, AttributeValue>, where: string): OtlpSpan {
  const span = objectAt(raw, where);
  const status = isObject(span.status) ? span.status : {};
  const code = status.code === undefined || status.code === null ? 'unset' : STATUS_CODES[String(status.code)];
  if (code === undefined) throw new InvalidRequestError(`${where}.status.code`, status.code, '0 (unset), 1 (ok) or 2 (error)');
  return {
    traceId: idOf(span.traceId, 16, `${where}.traceId`, true)!,
    spanId: idOf(span.spanId, 8, `${where}.spanId`, true)!,
    parentSpanId: idOf(span.parentSpanId, 8, `${where}.parentSpanId`, false),
    name: typeof span.name === 'string' ? span.name : '',
    startNs: nanosOf(span.startTimeUnixNano ?? '0', `${where}.startTimeUnixNano`),
    endNs: nanosOf(span.endTimeUnixNano ?? '0', `${where}.endTimeUnixNano`),
    status: code,
    statusMessage: typeof status.message === 'string' ? status.message : '',
    attributes: attributesOf(span, `${where}.attributes`),
    resource,
  };
}

/** Every span of the request, each with its resource's attributes; throws REQUEST_INVALID on a malformed one. */
export function spansOfRequest(request: unknown): OtlpSpan[] {
  const body = objectAt(request, '(body)');
  const spans: OtlpSpan[] = [];
  arrayAt(body, 'resourceSpans', '(body)').forEach((rawResourceSpans, r) => {
    const where = `resourceSpans[${r}]`;
    const resourceSpans = objectAt(rawResourceSpans, where);
    const resource = isObject(resourceSpans.resource) ? attributesOf(resourceSpans.resource, `${where}.resource.attributes`) : new Map();
    arrayAt(resourceSpans, 'scopeSpans', where).forEach((rawScopeSpans, s) => {
      const scopeSpans = objectAt(rawScopeSpans, `${where}.scopeSpans[${s}]`);
      arrayAt(scopeSpans, 'spans', `${where}.scopeSpans[${s}]`).forEach((span, i) => {
        spans.push(spanOf(span, resource, `${where}.scopeSpans[${s}].spans[${i}]`));
      });
    });
  });
  return spans;
}
