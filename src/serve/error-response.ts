import { describeValue, RunledgerError } from '../errors.js';

/** The JSON body of every refusal: `{ "error": { code, message, field?, value?, ... } }`. */
interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly [detail: string]: unknown;
}

/**
 * The HTTP status of each typed error. 400: the request itself is wrong; 404: no such run (open);
 * 409: the run's state refuses the call (fix the order of calls, or the run); 401: no or wrong
 * token; 500: the server's side failed (disk, price file), and the message says what to do;
 * 503: the server is stopping.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  RUN_ID_INVALID: 400,
  EVENT_INVALID: 400,
  CONFIG_INVALID: 400,
  REQUEST_INVALID: 400,
  UNAUTHORIZED: 401,
  RUN_NOT_FOUND: 404,
  RUN_NOT_OPEN: 404,
  RUN_EXISTS: 409,
  RUN_LOCKED: 409,
  LOCK_COMPROMISED: 409,
  JOURNAL_CORRUPT: 409,
  RUN_PATH_UNSAFE: 409,
  RUN_FINISHED: 409,
  RUN_FINALIZED: 409,
  ISSUE_NOT_OPEN: 409,
  ISSUE_ALREADY_OPEN: 409,
  NO_OPEN_AGENT: 409,
  TOOL_CALL_NOT_OPEN: 409,
  JOURNAL_FAILED: 500,
  PRICE_FILE_INVALID: 500,
  SERVER_STOPPING: 503,
};

/** A value as it goes back to the client: itself when small, else its short description. */
function shownValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return json !== undefined && json.length <= 512 ? value : describeValue(value);
}

/** The typed error's own fields (field, value, runId, eventType, allowed, ...), never its stack or cause. */
function details(error: RunledgerError): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'code' || key === 'name' || key === 'cause' || key === 'stack' || key === 'message') continue;
    out[key] = key === 'value' ? shownValue(value) : value;
  }
  return out;
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
}

/**
 * The response for anything thrown while handling a request. Only runledger's typed errors carry
 * their message to the client; anything else is a bug, logged on the server, answered with a
 * generic 500 (no stack, no internals).
 */
export function errorResponse(error: unknown, statusOverride?: number): ErrorResponse {
  if (error instanceof RunledgerError) {
    return {
      status: statusOverride ?? STATUS_BY_CODE[error.code] ?? 500,
      body: { code: error.code, message: error.message, ...details(error) },
    };
  }
  return {
    status: 500,
    body: {
      code: 'INTERNAL',
      message: 'The server failed while handling this request; its log says why. Events acknowledged before are durable.',
    },
  };
}

/** What the client is not told goes to the server's log: the request and the error with its stack. */
export function logUnexpected(request: { method: string; url: string }, error: unknown): void {
  const text =
    error instanceof RunledgerError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`runledger serve: ${request.method} ${request.url} failed: ${text}\n`);
}
