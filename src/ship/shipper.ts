import fs from 'node:fs';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { listRunIds } from '../audit/verify-runs.js';
import { StreamConfigError } from '../errors.js';
import { resolveLogsDir } from '../journal/paths.js';
import { Backoff, sleep } from './backoff.js';
import { connectWithRetry, parseNatsServers } from './nats-connection.js';
import { RunShipper, type RunProblem } from './run-shipper.js';
import { writeShipTarget } from './ship-progress.js';
import { ensureStream } from './stream-setup.js';
import { DEFAULT_STREAM, isValidStreamName } from './subject.js';

export interface ShipOptions {
  /** The logs folder whose runs are shipped (default: RUNLEDGER_DIR or ./logs). */
  readonly dir?: string;
  /** `nats://host:port[,…]`, or the list. */
  readonly servers: string | readonly string[];
  readonly stream?: string;
  /** Copies of each message when the stream is created (1 for one server, 3 for a 3-node cluster). */
  readonly replicas?: number;
  /** Ship what is there and return; otherwise follow until `signal` aborts. */
  readonly once?: boolean;
  readonly signal?: AbortSignal;
  /** What the shipper is doing and waiting for (default: stderr). */
  readonly log?: (message: string) => void;
  /** Runs shipped at the same time (one publish in flight each). Default 64. */
  readonly concurrency?: number;
  /** Most journal bytes read at once per run. Default 256 KiB. */
  readonly windowBytes?: number;
  /** How often every journal is looked at again, besides file-system events. Default 1000 ms. */
  readonly rescanMs?: number;
  readonly publishTimeoutMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export interface RunShipReport {
  readonly runId: string;
  readonly subject: string | null;
  /** The last journal seq known to be on the stream. */
  readonly shippedSeq: number;
  /** Lines this shipper published (not counting those it found already shipped). */
  readonly published: number;
  readonly problem: RunProblem | null;
}

export interface ShipReport {
  readonly dir: string;
  readonly stream: string;
  /** False when a run could not be shipped in full (corrupt journal, conflict), or when `interrupted`. */
  readonly ok: boolean;
  /**
   * With `once`: the signal stopped it before everything there was shipped (NATS perhaps never
   * reached). Following ends only by the signal, so a follower is never interrupted.
   */
  readonly interrupted: boolean;
  readonly runs: readonly RunShipReport[];
}

const DEFAULTS = {
  concurrency: 64,
  windowBytes: 256 * 1024,
  rescanMs: 1000,
  publishTimeoutMs: 5000,
  backoff: { initialMs: 100, maxMs: 5000 },
};

export function checkShipOptions(options: ShipOptions): { servers: string[]; stream: string; replicas: number } {
  const servers = typeof options.servers === 'string' ? parseNatsServers(options.servers) : parseNatsServers(options.servers.join(','));
  const stream = options.stream ?? DEFAULT_STREAM;
  if (!isValidStreamName(stream)) throw new StreamConfigError(stream, 'a stream name is 1-64 characters of A-Z a-z 0-9 _ -');
  const replicas = options.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5)
    throw new StreamConfigError(stream, `replicas ${replicas} is not a whole number from 1 to 5`);
  return { servers, stream, replicas };
}

/**
 * The shipping sidecar: follows every journal under the logs folder (runs that appear later
 * too: a watch on the runs folder and on each open journal, plus a periodic rescan) and ships
 * each to JetStream with RunShipper. Survives NATS being down or a node dying: it retries with
 * capped backoff and says what it waits for. With `once`, returns when everything there is shipped.
 */
// eslint-disable-next-line complexity, max-lines-per-function -- the shipper's lifetime: connect, watch, rescan, retry, report
export async function shipJournals(options: ShipOptions): Promise<ShipReport> {
  const { servers, stream, replicas } = checkShipOptions(options);
  const logsDir = resolveLogsDir(options.dir);
  const log = options.log ?? ((message: string) => process.stderr.write(`runledger ship: ${message}\n`));
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  const signal = stop.signal;
  const shippers = new Map<string, RunShipper>();
  const report = (): ShipReport => {
    const runs = [...shippers.values()]
      .sort((a, b) => (a.runId < b.runId ? -1 : 1))
      .map((s) => ({ runId: s.runId, subject: s.subjectName, shippedSeq: s.shippedSeq, published: s.published, problem: s.problem }));
    const interrupted = options.once === true && signal.aborted;
    return { dir: logsDir, stream, ok: !interrupted && runs.every((r) => r.problem === null), interrupted, runs };
  };

  const nc = await connectWithRetry({
    servers,
    name: `runledger ship ${logsDir}`,
    log,
    signal,
    backoff: options.backoff ?? DEFAULTS.backoff,
  });
  if (nc === null) return report();
  try {
    const jsm = await jetstreamManager(nc, { timeout: options.publishTimeoutMs ?? DEFAULTS.publishTimeoutMs });
    const setupBackoff = new Backoff(100, 5000);
    for (;;) {
      if (signal.aborted) return report();
      try {
        const { created } = await ensureStream(jsm, { stream, replicas });
        if (created) log(`created stream ${stream} (file storage, ${replicas} replica(s), no limits, discard new)`);
        break;
      } catch (error) {
        if (error instanceof StreamConfigError) throw error;
        const delay = setupBackoff.next();
        log(`waiting for JetStream to create or find stream ${stream} (${(error as Error).message}); retrying in ${delay} ms`);
        await sleep(delay, signal);
      }
    }
    writeShipTarget(logsDir, { servers, stream, since: new Date().toISOString() });

    const troubleSaid = new Map<string, number>();
    const js = jetstream(nc, { timeout: options.publishTimeoutMs ?? DEFAULTS.publishTimeoutMs });
    const shipper = new Follower(
      logsDir,
      shippers,
      options.concurrency ?? DEFAULTS.concurrency,
      log,
      (runId) =>
        new RunShipper(runId, {
          logsDir,
          stream,
          js,
          jsm,
          windowBytes: options.windowBytes ?? DEFAULTS.windowBytes,
          publishTimeoutMs: options.publishTimeoutMs ?? DEFAULTS.publishTimeoutMs,
          backoff: options.backoff ?? DEFAULTS.backoff,
          signal,
          log,
          trouble: (id, what, error, retryInMs) => {
            // One line per kind of trouble every few seconds, not one per run and attempt.
            const key = `${(error as Error).message}`;
            const now = Date.now();
            if (now - (troubleSaid.get(key) ?? 0) < 3000) return;
            troubleSaid.set(key, now);
            log(
              `waiting for JetStream (stream ${stream}): ${what} of run ${id} failed (${(error as Error).message}); retrying in ${retryInMs} ms`,
            );
          },
        }),
    );
    if (options.once) {
      await shipper.pass();
      await shipper.idle();
    } else {
      await shipper.follow(options.rescanMs ?? DEFAULTS.rescanMs, signal);
    }
    return report();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await closeQuietly(nc);
  }
}

async function closeQuietly(nc: NatsConnection): Promise<void> {
  try {
    await nc.close();
  } catch {
    // already closed
  }
}

/**
 * Decides which runs to ship when: a pass looks at every run folder, creates a RunShipper for
 * new ones and queues those with unshipped bytes; at most `concurrency` ship at once, and a run
 * touched while it ships is queued again once it is done.
 */
class Follower {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly logsDir: string,
    private readonly shippers: Map<string, RunShipper>,
    private readonly concurrency: number,
    private readonly log: (message: string) => void,
    private readonly make: (runId: string) => RunShipper,
  ) {}

  async pass(): Promise<void> {
    const onDisk = listRunIds(this.logsDir);
    const present = new Set(onDisk);
    for (const runId of onDisk) {
      let shipper = this.shippers.get(runId);
      if (!shipper) {
        shipper = this.make(runId);
        this.shippers.set(runId, shipper);
      }
      if (shipper.mayHaveMore()) this.touch(runId);
    }
    for (const [runId, watcher] of this.watchers) {
      const shipper = this.shippers.get(runId);
      if (!present.has(runId) || !shipper || shipper.done || shipper.problem) {
        watcher.close();
        this.watchers.delete(runId);
      }
    }
  }

  touch(runId: string): void {
    if (this.running.has(runId)) this.again.add(runId);
    else if (!this.queued.has(runId)) {
      this.queued.add(runId);
      this.queue.push(runId);
    }
    this.startSome();
  }

  idle(): Promise<void> {
    if (this.running.size === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async follow(rescanMs: number, signal: AbortSignal): Promise<void> {
    const runsDir = path.join(this.logsDir, 'runs');
    let dirWatcher: fs.FSWatcher | null = null;
    let scheduled = false;
    const soon = (): void => {
      if (scheduled || signal.aborted) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        if (!signal.aborted) void this.pass().then(() => this.watchOpenJournals(soon));
      }, 20);
    };
    const watchRunsDir = (): void => {
      if (dirWatcher !== null) return;
      try {
        dirWatcher = fs.watch(runsDir, soon);
        dirWatcher.on('error', () => {
          dirWatcher?.close();
          dirWatcher = null;
        });
      } catch {
        dirWatcher = null; // no runs folder yet: the rescan finds it
      }
    };
    const timer = setInterval(() => {
      watchRunsDir();
      soon();
    }, rescanMs);
    try {
      watchRunsDir();
      await this.pass();
      this.watchOpenJournals(soon);
      await new Promise<void>((resolve) =>
        signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      await this.idle();
    } finally {
      clearInterval(timer);
      (dirWatcher as fs.FSWatcher | null)?.close();
      for (const watcher of this.watchers.values()) watcher.close();
      this.watchers.clear();
    }
  }

  /** A watch on each journal still being shipped, so appends ship without waiting for the rescan. */
  private watchOpenJournals(onChange: () => void): void {
    for (const [runId, shipper] of this.shippers) {
      if (this.watchers.has(runId) || shipper.done || shipper.problem) continue;
      try {
        const watcher = fs.watch(shipper.journal, () => this.touch(runId));
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(runId);
          onChange();
        });
        this.watchers.set(runId, watcher);
      } catch {
        // gone already; the next pass forgets it
      }
    }
  }

  private startSome(): void {
    while (this.running.size < this.concurrency && this.queue.length > 0) {
      const runId = this.queue.shift()!;
      this.queued.delete(runId);
      const shipper = this.shippers.get(runId);
      if (!shipper) continue;
      this.running.add(runId);
      void shipper
        .shipAvailable()
        .catch((error: unknown) => this.log(`run ${runId}: ${(error as Error).stack ?? String(error)}`))
        .finally(() => {
          this.running.delete(runId);
          if (this.again.delete(runId) && shipper.mayHaveMore()) {
            this.queued.add(runId);
            this.queue.push(runId);
          }
          this.startSome();
          if (this.running.size === 0 && this.queue.length === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
  }
}
