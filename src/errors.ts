/* eslint-disable max-lines -- the catalogue of typed errors: one class per code, kept in one file so that every code is found in one place */
/**
 * Every error runledger throws on purpose is a RunledgerError with a stable `code`.
 * One class per kind, so callers can `instanceof` or switch on `code`.
 * Messages say what was wrong, with which value, and what to do.
 */
export abstract class RunledgerError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Shows a value in an error message without flooding it. */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') text = String(value);
  else if (value === undefined) text = 'undefined';
  else if (typeof value === 'function') text = 'a function';
  else if (typeof value === 'symbol') text = value.toString();
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Characters a terminal acts on instead of showing: C0 and C1 controls (ESC, BEL, NUL, CR, LF...),
 * DEL, line and paragraph separators and the bidirectional overrides that reorder what is shown.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text as a terminal may show it: every control character written as an escape (`\n`, `\x1b`,
 * `\u202e`), so that text from a journal can neither forge a line nor send escape sequences.
 * Human output only: JSON output stays exact.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    const named = NAMED[ch];
    if (named !== undefined) return named;
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export class InvalidRunIdError extends RunledgerError {
  readonly code = 'RUN_ID_INVALID';
  constructor(
    readonly value: unknown,
    reason: string,
  ) {
    super(
      `Invalid run id ${describeValue(value)}: ${reason}. ` + 'A run id is 1-128 characters of A-Z a-z 0-9 . _ - and is not "." or "..".',
    );
  }
}

/** An event field failed its schema; nothing was written. */
export class InvalidEventError extends RunledgerError {
  readonly code = 'EVENT_INVALID';
  constructor(
    readonly eventType: string,
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${eventType}: ${field} = ${describeValue(value)} is not allowed: ${allowed}. Nothing was written.`);
  }
}

export class InvalidConfigError extends RunledgerError {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`config.${field} = ${describeValue(value)} is not allowed: ${allowed}. Nothing was written.`);
  }
}

export class PriceFileError extends RunledgerError {
  readonly code = 'PRICE_FILE_INVALID';
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Price override file ${file}: ${problem}`, options);
  }
}

export class RunExistsError extends RunledgerError {
  readonly code = 'RUN_EXISTS';
  constructor(
    readonly runId: string,
    readonly path: string,
  ) {
    super(
      `Run ${runId} already has a journal at ${path}. Use MetricsCollector.resume({ runId: '${runId}' }) to continue it, or pick another run id.`,
    );
  }
}

export class RunNotFoundError extends RunledgerError {
  readonly code = 'RUN_NOT_FOUND';
  constructor(
    readonly runId: string,
    readonly path: string,
  ) {
    super(`Run ${runId} has no journal at ${path}. Check --dir / RUNLEDGER_DIR and the run id.`);
  }
}

export class RunLockedError extends RunledgerError {
  readonly code = 'RUN_LOCKED';
  constructor(
    readonly runId: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Run ${runId} is being written by another live writer (${detail}). One writer per run: stop that writer, or wait until its lock is stale if it was killed.`,
      options,
    );
  }
}

export class LockCompromisedError extends RunledgerError {
  readonly code = 'LOCK_COMPROMISED';
  constructor(
    readonly runId: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The lock on run ${runId} was lost (${detail}); appends are stopped so that two writers never interleave. Events acknowledged before this are safe. Resume the run from one process.`,
      options,
    );
  }
}

/** A write or fsync failed; the journal was truncated back to its last good line and takes no more appends. */
export class JournalFailedError extends RunledgerError {
  readonly code = 'JOURNAL_FAILED';
  constructor(
    readonly runId: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Journal of run ${runId} failed and takes no more appends: ${detail}. Events acknowledged before the failure are intact; fix the cause (disk full? I/O error?) and resume the run.`,
      options,
    );
  }
}

export class CorruptJournalError extends RunledgerError {
  readonly code = 'JOURNAL_CORRUPT';
  constructor(
    readonly runId: string,
    readonly line: number,
    readonly offset: number,
    problem: string,
  ) {
    super(
      `Journal of run ${runId} is corrupt at line ${line} (byte ${offset}): ${problem}. Run "runledger verify ${runId}" for details; a corrupt journal is never resumed or rewritten.`,
    );
  }
}

/**
 * A run folder that is a symbolic link, or a journal that is a link or not a regular file (a FIFO, a
 * socket, a device, a folder): runledger never follows a link for a run and reads only regular files.
 */
export class UnsafeRunPathError extends RunledgerError {
  readonly code = 'RUN_PATH_UNSAFE';
  constructor(
    readonly runId: string,
    readonly path: string,
    readonly what: string,
  ) {
    super(
      `Run ${runId} is refused: ${path} is ${what}. runledger never follows a symbolic link for a run folder or a journal, and reads only regular files; nothing was read or written there.`,
    );
  }
}

export class ResumeFinishedRunError extends RunledgerError {
  readonly code = 'RUN_FINISHED';
  constructor(
    readonly runId: string,
    readonly status: string,
  ) {
    super(`Run ${runId} finished as ${status}; only crashed or interrupted runs can be resumed. Start a new run instead.`);
  }
}

export class RunFinalizedError extends RunledgerError {
  readonly code = 'RUN_FINALIZED';
  constructor(
    readonly runId: string,
    readonly status: string,
  ) {
    super(`Run ${runId} is already finalized (${status}); no more events are accepted. Start a new run.`);
  }
}

export class IssueNotOpenError extends RunledgerError {
  readonly code = 'ISSUE_NOT_OPEN';
  constructor(
    readonly operation: string,
    readonly issueId: string | number,
  ) {
    super(
      `${operation}: issue ${describeValue(issueId)} is not open. Open issues are those started with startIssue and not yet finalized.`,
    );
  }
}

export class IssueAlreadyOpenError extends RunledgerError {
  readonly code = 'ISSUE_ALREADY_OPEN';
  constructor(readonly issueId: string | number) {
    super(`startIssue: issue ${describeValue(issueId)} is already open. Finalize it before starting it again.`);
  }
}

export class NoOpenAgentError extends RunledgerError {
  readonly code = 'NO_OPEN_AGENT';
  constructor(
    readonly operation: string,
    readonly agentId?: string,
  ) {
    super(
      agentId === undefined
        ? `${operation}: no agent is open. Call startAgent(type) first.`
        : `${operation}: agent ${describeValue(agentId)} is not open (never started, or already finalized).`,
    );
  }
}

export class ToolCallNotOpenError extends RunledgerError {
  readonly code = 'TOOL_CALL_NOT_OPEN';
  constructor(readonly callId: unknown) {
    super(
      `endToolCall: tool call ${describeValue(callId)} is not open (never started, or already ended). Use the id returned by startToolCall, once.`,
    );
  }
}

/** A collector was started in a mode it cannot serve: live updates on with no updater to run them. */
export class CollectorModeError extends RunledgerError {
  readonly code = 'COLLECTOR_MODE';
  constructor(detail: string) {
    super(detail);
  }
}

/** Another process holds the lock on derived files (replay, live updates, cleanup), or it was lost. */
export class DerivedFilesLockError extends RunledgerError {
  readonly code = 'DERIVED_LOCKED';
  constructor(message: string) {
    super(message);
  }
}

/** An options object of the library (replay, startServer) with a key it does not know: a typo is never dropped silently. */
export class InvalidOptionError extends RunledgerError {
  readonly code = 'OPTION_INVALID';
  constructor(
    readonly call: string,
    readonly key: string,
    detail: string,
  ) {
    super(`${call}: option ${JSON.stringify(key)} is ${detail}`);
  }
}

/** An analysis was asked for something the data or the arguments cannot give (unknown baseline, no key). */
export class AnalysisInputError extends RunledgerError {
  readonly code = 'ANALYSIS_INPUT';
  constructor(message: string) {
    super(message);
  }
}

/** A `nats://host:port[,…]` argument that is not one. */
export class NatsUrlError extends RunledgerError {
  readonly code = 'NATS_URL_INVALID';
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`NATS address ${describeValue(value)} is not usable: ${reason}. Give nats://host:port, several separated by commas.`);
  }
}

/** An existing JetStream stream whose configuration could lose or misplace shipped events. */
export class StreamConfigError extends RunledgerError {
  readonly code = 'STREAM_CONFIG';
  constructor(
    readonly stream: string,
    problem: string,
  ) {
    super(`JetStream stream ${stream}: ${problem}`);
  }
}

/** The stream holds, for a run id, lines that are not this journal's: another run with the same id, or a rewritten journal. */
export class ShipConflictError extends RunledgerError {
  readonly code = 'SHIP_CONFLICT';
  constructor(
    readonly runId: string,
    detail: string,
  ) {
    super(
      `Run ${runId} cannot be shipped: ${detail}. Nothing of it is shipped past this point; give one of the runs another id, or ship to another stream.`,
    );
  }
}

/** Central replay met a run it must not merge or mirror past: a broken chain on the stream, or one run id from two sources. */
export class CentralRunRefusedError extends RunledgerError {
  readonly code = 'CENTRAL_RUN_REFUSED';
  constructor(
    readonly runId: string,
    detail: string,
  ) {
    super(`Run ${runId} is refused by central replay: ${detail}`);
  }
}

/** `runledger serve`: a request the HTTP API cannot map to a collector call (not JSON, unknown call or argument). Nothing was written. */
export class InvalidRequestError extends RunledgerError {
  readonly code = 'REQUEST_INVALID';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${field} = ${describeValue(value)} is not allowed: ${allowed}. Nothing was written.`);
  }
}

/** `runledger serve`: the run has a journal, or not, but this server does not hold it open. */
export class RunNotOpenError extends RunledgerError {
  readonly code = 'RUN_NOT_OPEN';
  constructor(readonly runId: string) {
    super(`Run ${runId} is not open in this server: start it with POST /runs, or resume it with POST /runs/${runId}/resume.`);
  }
}

/** `runledger serve`: a missing or wrong bearer token. */
export class UnauthorizedError extends RunledgerError {
  readonly code = 'UNAUTHORIZED';
  constructor(detail: string) {
    super(
      `${detail}. Send the header "Authorization: Bearer <token>" with the token the server was started with (--token-file or RUNLEDGER_SERVE_TOKEN).`,
    );
  }
}

/** `runledger serve` cannot start as configured (e.g. bound beyond loopback without a token). */
export class ServeConfigError extends RunledgerError {
  readonly code = 'SERVE_CONFIG';
  constructor(message: string) {
    super(message);
  }
}

/** `runledger serve` is stopping: the request was not handled and wrote nothing. */
export class ServerStoppingError extends RunledgerError {
  readonly code = 'SERVER_STOPPING';
  constructor() {
    super(
      'The server is stopping; this request was not handled and wrote nothing. Its open runs are recorded as interrupted: resume them (POST /runs/:runId/resume) on the restarted server.',
    );
  }
}

/**
 * The logs folder cannot be used as asked: it is a file, it does not exist (read commands never
 * create it), RUNLEDGER_DIR is set but empty, or it is read-only for a command that must write.
 */
export class LogsDirError extends RunledgerError {
  readonly code = 'LOGS_DIR';
  constructor(
    readonly dir: string,
    problem: string,
  ) {
    super(`Logs folder ${dir}: ${problem}`);
  }
}

/**
 * The file system refused an operation for a reason outside runledger: disk full, no permission,
 * a read-only file system, a file where a folder should be (or the reverse). Nothing acknowledged
 * before it is lost: journals are only appended to, derived files are replaced atomically.
 */
export class FileSystemError extends RunledgerError {
  readonly code = 'FILE_SYSTEM';
  constructor(
    readonly errno: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

/** `codeMetricsFromGit` / `runledger git-metrics`: no `git` program on PATH. */
export class GitMissingError extends RunledgerError {
  readonly code = 'GIT_MISSING';
  constructor(options?: { cause?: unknown }) {
    super('The git program was not found on PATH: install git (Debian: apt-get install git) or put it on PATH.', options);
  }
}

/** `codeMetricsFromGit` / `runledger git-metrics`: the folder is not inside a git repository (or does not exist). */
export class NotAGitRepositoryError extends RunledgerError {
  readonly code = 'GIT_NOT_A_REPOSITORY';
  constructor(
    readonly cwd: string,
    detail: string,
  ) {
    super(`${cwd} ${detail}: give the folder of the repository the agents work in (cwd, or --cwd).`);
  }
}

/** `codeMetricsFromGit` / `runledger git-metrics`: a base or head that names no commit. */
export class UnknownGitRefError extends RunledgerError {
  readonly code = 'GIT_REF_UNKNOWN';
  constructor(
    readonly ref: string,
    readonly cwd: string,
  ) {
    super(
      `${describeValue(ref)} names no commit in the repository at ${cwd}: give a branch, tag, commit id or an expression such as HEAD~1 (git rev-parse --verify must accept it).`,
    );
  }
}

/** `codeMetricsFromGit` / `runledger git-metrics`: git ran and failed, or printed what runledger cannot read. */
export class GitFailedError extends RunledgerError {
  readonly code = 'GIT_FAILED';
  constructor(
    readonly command: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${command} failed: ${detail}`, options);
  }
}
/** A source file given to `runledger import` that cannot be read as its format: nothing of it was written. */
export class ImportInputError extends RunledgerError {
  readonly code = 'IMPORT_INPUT_INVALID';
  constructor(
    readonly file: string,
    /** 1-based line of the file, when the format has lines; null otherwise. */
    readonly line: number | null,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${file}${line === null ? '' : `:${line}`}: ${problem}. Nothing of this source was imported: fix or remove it and import again.`,
      options,
    );
  }
}
