import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { InvalidRequestError, RunledgerError } from '../../errors.js';
import { errorResponse, logUnexpected } from '../error-response.js';
import type { OpenRuns } from '../open-runs.js';
import { OtlpIngest, RETRYABLE_CODES } from './otlp-ingest.js';
import { loadOtlpProtobuf } from './otlp-protobuf.js';
import { spansOfRequest } from './otlp-request.js';
import type { OtlpAttribution } from './run-attribution.js';

export const OTLP_TRACES_PATH = '/v1/traces';
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
/** A gzip body may inflate to this many times the body limit; more is refused rather than held in memory. */
const MAX_INFLATION = 16;

const gunzip = promisify(zlib.gunzip);

export interface OtlpRouteContext {
  readonly runs: OpenRuns;
  readonly logsDir: string;
  readonly bodyLimit: number;
  readonly attribution: OtlpAttribution;
}

/** gRPC status codes (google.rpc.Code) the OTLP/HTTP refusals carry. */
const GRPC_CODE_BY_STATUS: Readonly<Record<number, number>> = { 400: 3, 401: 16, 404: 5, 409: 9, 413: 8, 415: 3, 500: 13, 503: 14 };

async function bodyOf(request: FastifyRequest, bodyLimit: number): Promise<Buffer> {
  const raw = request.body as Buffer;
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity') return raw;
  if (encoding !== 'gzip') throw new InvalidRequestError('content-encoding', encoding, 'gzip or none');
  try {
    return await gunzip(raw, { maxOutputLength: bodyLimit * MAX_INFLATION });
  } catch (error) {
    throw new InvalidRequestError(
      '(body)',
      `${raw.length} gzip bytes`,
      `gzip data of at most ${bodyLimit * MAX_INFLATION} bytes inflated (${(error as Error).message})`,
    );
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InvalidRequestError('(body)', `${body.length} bytes`, `OTLP/JSON (${(error as Error).message})`);
  }
}

/**
 * POST /v1/traces: OTLP/HTTP traces, protobuf or JSON, optionally gzip'd (README "OpenTelemetry
 * in"). The answer is OTLP's ExportTraceServiceResponse in the request's encoding, after the events
 * are durable; spans runledger cannot record are counted in its partial_success, with why. A body
 * that is not OTLP is refused (400) before anything is written. A failed journal or a run locked by
 * another writer answers 503: the exporter retries, and spans already recorded are not recorded twice.
 */
export function registerOtlpRoute(app: FastifyInstance, ctx: OtlpRouteContext): void {
  let ingest: OtlpIngest | null = null;
  void app.register(async (scope) => {
    // Bodies arrive as bytes (protobuf, gzip); this scope's parsers replace the server's text ones.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser([PROTOBUF, JSON_TYPE], { parseAs: 'buffer', bodyLimit: ctx.bodyLimit }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(OTLP_TRACES_PATH, async (request, reply) => {
      const protobuf = (request.headers['content-type'] ?? '').toLowerCase().startsWith(PROTOBUF);
      try {
        const body = await bodyOf(request, ctx.bodyLimit);
        const codec = protobuf ? await loadOtlpProtobuf() : null;
        const spans = codec ? codec.decodeRequest(body) : spansOfRequest(parseJson(body));
        ingest ??= new OtlpIngest(ctx.runs, ctx.logsDir, ctx.attribution);
        const outcome = await ingest.ingest(spans);
        const message = outcome.messages.join('; ');
        if (codec)
          return reply
            .code(200)
            .type(PROTOBUF)
            .send(Buffer.from(codec.encodeResponse(outcome.rejected, message)));
        return reply
          .code(200)
          .send(outcome.rejected === 0 ? {} : { partialSuccess: { rejectedSpans: String(outcome.rejected), errorMessage: message } });
      } catch (error) {
        return refuse(request, reply, error, protobuf);
      }
    });
  });
}

async function refuse(request: FastifyRequest, reply: FastifyReply, error: unknown, protobuf: boolean): Promise<FastifyReply> {
  const retryable = error instanceof RunledgerError && RETRYABLE_CODES.has(error.code);
  const { status, body } = errorResponse(error, retryable ? 503 : undefined);
  if (status >= 500) logUnexpected(request, error);
  const code = GRPC_CODE_BY_STATUS[status] ?? 2;
  if (protobuf) {
    const codec = await loadOtlpProtobuf();
    return reply
      .code(status)
      .type(PROTOBUF)
      .send(Buffer.from(codec.encodeStatus(code, body.message)));
  }
  // google.rpc.Status in OTLP/JSON, with runledger's error body beside it.
  return reply.code(status).send({ code, message: body.message, error: body });
}
