/** An attribute's value as OTLP carries it (AnyValue), with int64 read as a JavaScript number. */
export type AttributeValue = string | number | boolean | null | readonly AttributeValue[] | { readonly [key: string]: AttributeValue };

export type Attributes = ReadonlyMap<string, AttributeValue>;

export type SpanStatus = 'unset' | 'ok' | 'error';

/** One span of an OTLP export, decoded from JSON or protobuf into the same shape. */
export interface OtlpSpan {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
  /** null for a trace's root span. */
  readonly parentSpanId: string | null;
  readonly name: string;
  /** Nanoseconds since the Unix epoch. */
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly status: SpanStatus;
  readonly statusMessage: string;
  readonly attributes: Attributes;
  /** The attributes of the resource that produced the span (service.name, ...). */
  readonly resource: Attributes;
}

/** A span attribute, else the same attribute of its resource. */
export function attributeOf(span: OtlpSpan, name: string): AttributeValue | undefined {
  return span.attributes.get(name) ?? span.resource.get(name);
}

export function durationMsOf(span: OtlpSpan): number {
  return span.endNs > span.startNs ? Number(span.endNs - span.startNs) / 1e6 : 0;
}
