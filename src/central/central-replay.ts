import { DeliverPolicy, jetstream, type Consumer, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DerivedFilesLock } from '../../replay/derived-lock.js';
import { replayPaths } from '../../replay/replay-paths.js';
import { updateRuns, type ReplayReport } from '../../replay/replay.js';
import { finishTables } from '../../replay/finish-tables.js';
import { listRunIds } from '../audit/verify-runs.js';
import { StreamConfigError } from '../errors.js';
import { resolveLogsDir } from '../journal/paths.js';
import { parseNatsServers } from '../ship/nats-connection.js';
import { DEFAULT_STREAM, isValidStreamName } from '../ship/subject.js';
import { emptyCentralState, loadCentralState, saveCentralState, type CentralState, type RefusedSubject } from './central-state.js';
import { startMirrorSink, type MirrorSink } from './chunk-sink.js';
import { removeUnrecorded, truncateToRecorded } from './mirrored-journals.js';

export interface CentralReplayOptions {
  /** The central folder: mirrored journals and every derived file (default: RUNLEDGER_DIR or ./logs). */
  readonly dir?: string;
  readonly servers: string | readonly string[];
  readonly stream?: string;
  /** Bytes mirrored per durable step (one fdatasync per run touched, then one state save). Default 8 MiB. */
  readonly durableBytes?: number;
  readonly progress?: boolean;
  readonly lockWaitMs?: number;
  /** Mirror only; leave the derived files alone (the benchmark's mirror-only leg). */
  readonly skipReplay?: boolean;
}

export interface CentralReplayReport {
  readonly dir: string;
  readonly stream: string;
  /** The stream sequence mirrored before this call and after it. */
  readonly fromStreamSeq: number;
  readonly toStreamSeq: number;
  readonly messages: number;
  readonly refused: readonly RefusedSubject[];
  readonly replay: ReplayReport | null;
  readonly ok: boolean;
}

/**
 * Central replay: mirrors the stream into `<dir>/runs/<runId>/events.ndjson` (the same bytes as
 * each origin journal, every line checked against its run's chain before it is written), then
 * runs the ordinary incremental replay over the mirror. Derived files are therefore the ones a
 * local replay of the same journals writes, by construction. Incremental: it remembers the
 * stream sequence it reached and reads only what came after.
 */
export async function replayFromStream(options: CentralReplayOptions): Promise<CentralReplayReport> {
  const servers = typeof options.servers === 'string' ? parseNatsServers(options.servers) : parseNatsServers(options.servers.join(','));
  const stream = options.stream ?? DEFAULT_STREAM;
  if (!isValidStreamName(stream)) throw new StreamConfigError(stream, 'a stream name is 1-64 characters of A-Z a-z 0-9 _ -');
  const logsDir = resolveLogsDir(options.dir);
  const paths = replayPaths(logsDir);
  const lock = await DerivedFilesLock.acquire(paths, options.lockWaitMs ?? 60_000);
  try {
    let state = openState(logsDir, stream);
    const fromStreamSeq = state.streamSeq;
    // Started first: the worker loads while the connection is made.
    const sink = startMirrorSink(logsDir, state, lock, paths.lock);
    let messages = 0;
    try {
      let nc: NatsConnection;
      try {
        nc = await connect({ servers, name: `runledger central replay ${logsDir}`, timeout: 5000, noAsyncTraces: true });
      } catch (error) {
        throw new StreamConfigError(
          stream,
          `no NATS server answered at ${servers.join(',')} (${(error as Error).message}); nothing was changed`,
        );
      }
      try {
        messages = await mirrorStream(nc, stream, logsDir, state, options.durableBytes ?? 8 * 1024 * 1024, sink);
        state = await sink.finish();
      } finally {
        await nc.close().catch(() => undefined);
      }
    } finally {
      await sink.close();
    }
    let replay: ReplayReport | null = null;
    if (!options.skipReplay) {
      const { index, runs, previous } = await updateRuns(paths, lock, { progress: options.progress });
      // As a local replay does: the parts of unchanged runs are copied from the tables as they are.
      replay = await finishTables(paths, lock, index, runs, previous);
    }
    const refused = [...state.refused.values()];
    return {
      dir: logsDir,
      stream,
      fromStreamSeq,
      toStreamSeq: state.streamSeq,
      messages,
      refused,
      replay,
      ok: refused.length === 0 && (replay?.ok ?? true),
    };
  } finally {
    lock.release();
  }
}

function openState(logsDir: string, stream: string): CentralState {
  const state = loadCentralState(logsDir);
  if (state === null) {
    const present = listRunIds(logsDir);
    if (present.length > 0) {
      throw new StreamConfigError(
        stream,
        `${logsDir} already holds journals (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}) that central replay did not write; give --dir a folder of its own`,
      );
    }
    return emptyCentralState(stream);
  }
  if (state.stream !== stream)
    throw new StreamConfigError(
      stream,
      `${logsDir} mirrors stream ${state.stream}, not ${stream}; give --dir a folder of its own per stream`,
    );
  for (const run of state.runs.values()) truncateToRecorded(logsDir, run.runId, run.offset);
  // Journals of runs the state does not hold yet: begun by a step that never saved its state.
  for (const runId of listRunIds(logsDir)) if (!state.subjectOfRun.has(runId)) removeUnrecorded(logsDir, runId);
  return state;
}

/**
 * Reads the stream from where the state stopped to what it holds at the start of the call.
 * Messages go to the sink to be verified and written in chunks as they arrive; every
 * `durableBytes` (and at the end) the touched files are fdatasync'd and then the state saved:
 * one durable step.
 */
async function mirrorStream(
  nc: NatsConnection,
  stream: string,
  logsDir: string,
  state: CentralState,
  durableBytes: number,
  sink: MirrorSink,
): Promise<number> {
  const js = jetstream(nc);
  let consumer: Consumer;
  let backlog: number;
  try {
    consumer = await js.consumers.get(
      stream,
      state.streamSeq === 0
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: state.streamSeq + 1 },
    );
    // What is there now (messages deleted or purged from the stream are not counted): read that much.
    backlog = (await consumer.info()).num_pending;
  } catch (error) {
    throw new StreamConfigError(stream, `cannot read the stream (${(error as Error).message}); nothing was changed`);
  }
  if (backlog === 0) return 0;
  // A new folder is marked as central before its first journal is written: after a crash in the
  // first step it is taken up again (what it wrote removed, in openState), not refused as someone else's.
  if (state.streamSeq === 0 && state.runs.size === 0 && state.refused.size === 0) saveCentralState(logsDir, state);
  const messages = await consumer.consume({ max_messages: 4096 });
  let count = 0;
  let chunk: JsMsg[] = [];
  let chunkBytes = 0;
  let stepBytes = 0;
  // A step is whole chunks: no chunk larger than a step.
  const chunkLimit = Math.min(CHUNK_BYTES, durableBytes);
  try {
    for await (const m of messages) {
      chunk.push(m);
      count += 1;
      chunkBytes += m.data.length;
      const last = count >= backlog || m.info.pending === 0;
      if (chunkBytes >= chunkLimit || last) {
        sink.stage(chunk);
        stepBytes += chunkBytes;
        chunk = [];
        chunkBytes = 0;
      }
      if (stepBytes >= durableBytes || last) {
        await sink.step(m.seq);
        stepBytes = 0;
      }
      if (last) break;
    }
  } finally {
    messages.stop();
  }
  return count;
}

/** Verified and written per chunk of about this many bytes, so that receiving goes on in between. */
const CHUNK_BYTES = 512 * 1024;
