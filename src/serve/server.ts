import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { firstUnknownKey } from '../../events/known-keys.js';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { InvalidOptionError, InvalidRequestError, RunledgerError, ServeConfigError, ServerStoppingError } from '../errors.js';
import type { FileOps } from '../durable/file-ops.js';
import { resolveLogsDir } from '../journal/paths.js';
import { PriceBook } from '../prices/price-book.js';
import { assertBindable, checkedToken, makeTokenCheck, readToken } from './auth.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_HOST, DEFAULT_PORT } from './defaults.js';
import { errorResponse, logUnexpected } from './error-response.js';
import { OpenRuns } from './open-runs.js';
import { assertMetricsOptions, registerMetricsRoute, type ServeMetricsOptions } from './metrics-route.js';
import { NDJSON, registerRoutes } from './routes.js';
import { registerOtlpRoute } from './otlp/otlp-route.js';
import { DEFAULT_ISSUE_ATTRIBUTE, type OtlpAttribution } from './otlp/run-attribution.js';

export interface ServeOptions {
  /** The logs folder; default RUNLEDGER_DIR, else ./logs. */
  readonly dir?: string;
  /** Default 127.0.0.1. Any other than loopback needs a token. */
  readonly host?: string;
  /** Default 7340; 0 picks a free port (the server's `port` says which). */
  readonly port?: number;
  /** The bearer token; when absent, read from `tokenFile`, else RUNLEDGER_SERVE_TOKEN, else none. */
  readonly token?: string;
  readonly tokenFile?: string;
  /** Price override file for every run; default RUNLEDGER_PRICES; null for none. */
  readonly prices?: string | null;
  /** Largest request body in bytes; default 1 MiB. */
  readonly bodyLimit?: number;
  /** Most items in one NDJSON batch; default 10 000. */
  readonly maxBatchItems?: number;
  /** Update derived files in the background when issues and runs are finalized (default true, as in the library). */
  readonly liveUpdates?: boolean;
  /** How long close() waits for requests in flight before it closes their connections; default 10 s. */
  readonly shutdownGraceMs?: number;
  /** GET /metrics (Prometheus): how it refreshes, or false for no such route. Default: on, refreshed every 15 s once scraped. */
  readonly metrics?: ServeMetricsOptions | false;
  /**
   * OTLP traces (POST /v1/traces): the span or resource attribute whose value names a span's run;
   * default none, one run per trace (named by its trace id).
   */
  readonly runAttribute?: string;
  /** OTLP traces: the span or resource attribute that names a span's issue; default runledger.issue_id. */
  readonly issueAttribute?: string;
  /** For tests: the library's file-access seam, for every run. */
  readonly fileOps?: FileOps;
}

export { DEFAULT_HOST, DEFAULT_PORT };

export interface RunledgerServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly logsDir: string;
  /** Run ids this server holds open right now. */
  readonly openRunIds: readonly string[];
  /**
   * Stops accepting requests, waits for those in flight (their events are durable before they are
   * answered), then records RunFinished "interrupted" with `reason` for every run still open.
   * Resolves with those run ids. Calling it again returns the same promise.
   */
  close(reason?: string): Promise<string[]>;
  /** Synchronously: RunFinished "interrupted" for every open run (queued events first), no waiting. */
  finalizeOpenRunsNow(reason: string): string[];
}

/** The collector over HTTP: see README "runledger serve". */
const SERVE_OPTIONS = [
  'dir',
  'host',
  'port',
  'token',
  'tokenFile',
  'prices',
  'bodyLimit',
  'maxBatchItems',
  'liveUpdates',
  'shutdownGraceMs',
  'metrics',
  'runAttribute',
  'issueAttribute',
  'fileOps',
];

function attributeName(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 256)
    throw new InvalidOptionError('startServer', option, `an attribute name (1-256 characters), not ${JSON.stringify(value)}`);
  return value.trim();
}

/** Which attributes name a span's run and issue (POST /v1/traces). */
function otlpAttribution(options: ServeOptions): OtlpAttribution {
  return {
    runAttribute: attributeName('runAttribute', options.runAttribute) ?? null,
    issueAttribute: attributeName('issueAttribute', options.issueAttribute) ?? DEFAULT_ISSUE_ATTRIBUTE,
  };
}

export async function startServer(options: ServeOptions = {}): Promise<RunledgerServer> {
  const unknown = firstUnknownKey(options, SERVE_OPTIONS);
  if (unknown) throw new InvalidOptionError('startServer', unknown.key, unknown.message);
  assertMetricsOptions(options.metrics);
  const host = options.host ?? DEFAULT_HOST;
  const token = options.token !== undefined ? checkedToken(options.token) : readToken(options.tokenFile);
  assertBindable(host, token);
  const logsDir = resolveLogsDir(options.dir);
  assertUsableLogsDir(logsDir);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const runs = new OpenRuns(logsDir, new PriceBook({ overrideFile: options.prices }), options.liveUpdates ?? true, options.fileOps);
  const lifecycle = { stopping: false };
  const attribution = otlpAttribution(options);
  const app = buildApp({ logsDir, runs, bodyLimit, maxBatchItems: options.maxBatchItems ?? 10_000, token, lifecycle, attribution });
  if (options.metrics !== false) registerMetricsRoute(app, logsDir, options.metrics ?? {});

  try {
    await app.listen({ host, port: options.port ?? DEFAULT_PORT });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const graceMs = options.shutdownGraceMs ?? 10_000;
  let closing: Promise<string[]> | null = null;

  return {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    logsDir,
    get openRunIds() {
      return runs.ids;
    },
    close(reason = 'the server was stopped') {
      closing ??= (async () => {
        lifecycle.stopping = true;
        const closed = app.close();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          closed.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), graceMs);
          }),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          app.server.closeAllConnections();
          await closed;
        }
        return runs.finalizeAll('interrupted', reason);
      })();
      return closing;
    },
    finalizeOpenRunsNow(reason) {
      return runs.finalizeAll('interrupted', reason);
    },
  };
}

/**
 * Refuses to start on a logs folder no run could be written to (a file, under a file, read-only):
 * a server that starts anyway would answer 500 to every request.
 */
function assertUsableLogsDir(logsDir: string): void {
  const statOf = (p: string): fs.Stats | undefined => {
    try {
      return fs.statSync(p, { throwIfNoEntry: false });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined; // under a file: its parent says which
      throw error;
    }
  };
  let existing = logsDir;
  let stat = statOf(existing);
  while (stat === undefined && path.dirname(existing) !== existing) {
    existing = path.dirname(existing);
    stat = statOf(existing);
  }
  if (stat !== undefined && !stat.isDirectory())
    throw new ServeConfigError(`Cannot serve the logs folder ${logsDir}: ${existing} is not a folder. Give a folder with --dir.`);
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    throw new ServeConfigError(
      `Cannot serve the logs folder ${logsDir}: ${existing} is not writable, so no run could be recorded. Give a writable --dir.`,
    );
  }
}

interface AppOptions {
  readonly logsDir: string;
  readonly runs: OpenRuns;
  readonly bodyLimit: number;
  readonly maxBatchItems: number;
  readonly token: string | null;
  /** Set when close() begins: requests that arrive after it are refused with SERVER_STOPPING (503). */
  readonly lifecycle: { stopping: boolean };
  readonly attribution: OtlpAttribution;
}

function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit,
    // Run ids are up to 128 characters.
    routerOptions: { maxParamLength: 256 },
    // Refused by the hook below instead, with runledger's error body.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // A URL the router cannot read (bad percent-encoding, a run id over the parameter limit) never
    // reaches the hooks: the token is checked here first, then refused in runledger's error body.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      try {
        if (options.token !== null) makeTokenCheck(options.token)(request.headers.authorization);
      } catch (refusal) {
        const { body } = errorResponse(refusal);
        void reply.code(401).header('www-authenticate', 'Bearer').send({ error: body });
        return;
      }
      const status = error.statusCode === 414 ? 414 : 400;
      const refusal = new InvalidRequestError(
        'url',
        request.url,
        status === 414 ? 'a run id is 1-128 characters of A-Z a-z 0-9 . _ -' : 'a URL with valid percent-encoding',
      );
      void reply.code(status).send({ error: errorResponse(refusal).body });
    },
  });

  // Bodies are read as text and parsed by runledger: plain JSON.parse (the library handles keys such
  // as __proto__ itself), and errors that name the NDJSON line.
  app.removeAllContentTypeParsers();
  for (const type of ['application/json', NDJSON]) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: options.bodyLimit }, (_request, body, done) => done(null, body));
  }

  // Callback hooks, not async ones: an async hook costs every request a promise and a microtask turn.
  app.addHook('onRequest', (_request, _reply, done) => {
    done(options.lifecycle.stopping ? new ServerStoppingError() : undefined);
  });
  if (options.token !== null) {
    const check = makeTokenCheck(options.token);
    app.addHook('onRequest', (request, _reply, done) => {
      try {
        check(request.headers.authorization);
      } catch (error) {
        done(error as Error);
        return;
      }
      done();
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof RunledgerError) {
      const { status, body } = errorResponse(error);
      if (status === 401) void reply.header('www-authenticate', 'Bearer');
      if (status === 500) logUnexpected(request, error);
      return reply.code(status).send({ error: body });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own refusals (body too large, unknown content type, bad content-length): the request is wrong.
      const field = status === 415 ? 'content-type' : '(body)';
      const value =
        status === 415 ? (request.headers['content-type'] ?? null) : status === 413 ? `more than ${options.bodyLimit} bytes` : null;
      const refusal = new InvalidRequestError(field, value, status === 415 ? `application/json or ${NDJSON}` : error.message);
      return reply.code(status).send({ error: errorResponse(refusal).body });
    }
    logUnexpected(request, error);
    return reply.code(500).send({ error: errorResponse(error).body });
  });

  app.setNotFoundHandler((request, reply) => {
    const refusal = new InvalidRequestError(
      'route',
      `${request.method} ${request.url.split('?')[0]}`,
      'one of GET /health, GET /metrics, GET /runs, POST /runs, GET /runs/:runId, POST /runs/:runId/resume, POST /runs/:runId/calls, POST /runs/:runId/finalize, POST /v1/traces',
    );
    return reply.code(404).send({ error: errorResponse(refusal).body });
  });

  registerRoutes(app, { logsDir: options.logsDir, runs: options.runs, maxBatchItems: options.maxBatchItems });
  registerOtlpRoute(app, { logsDir: options.logsDir, runs: options.runs, bodyLimit: options.bodyLimit, attribution: options.attribution });
  return app;
}
