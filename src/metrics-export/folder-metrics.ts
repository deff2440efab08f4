import fs from 'node:fs';
import { runReadModels } from '../../projections/run-projection.js';
import { derivedFilesWritable } from '../../replay/read-only.js';
import { replay } from '../../replay/replay.js';
import { replayPaths, type ReplayPaths } from '../../replay/replay-paths.js';
import { readRunState } from '../../replay/replay-run.js';
import { indexLogFile } from '../../replay/index-log.js';
import { loadRunIndex, tableOrder, type RunIndexEntry } from '../../replay/run-index.js';
import { LogsDirError } from '../errors.js';
import { emptyLabelBounds, admitLabels } from './label-bounds.js';
import { labelVolumes, metricFamilies, type MetricFamily, type MetricLabelBounds } from './families.js';
import { sumContributions, type FolderTotals } from './folder-totals.js';
import { runContribution, type RunContribution } from './run-contribution.js';

export const DEFAULT_MAX_LABEL_VALUES = 30;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The metrics of one logs folder, kept up to date by `refresh()`: replay (incremental, as every
 * read command does), then only the runs whose index entry changed are read again (their replay
 * state, one file each) and the folder's totals summed anew. A scrape reads the totals and never
 * replays, so its cost does not grow with the journals. Everything comes from the journals, so a
 * restart starts from the folder's totals: no counter goes backwards.
 */
export class FolderMetrics {
  private readonly paths: ReplayPaths;
  private runs = new Map<string, { readonly fingerprint: string; readonly contribution: RunContribution }>();
  private totals: FolderTotals = sumContributions([]);
  private bounds: MetricLabelBounds;
  private indexStamp: string | null = null;
  private inFlight: Promise<void> | null = null;
  private familiesCache: MetricFamily[] | null = null;
  /** Bumped whenever the families change: what an exposition cache is keyed by. */
  version = 0;
  /** When the last refresh finished (ms since the epoch); 0 before the first. */
  refreshedAtMs = 0;

  constructor(logsDir: string, maxLabelValues: number = DEFAULT_MAX_LABEL_VALUES) {
    if (!derivedFilesWritable(logsDir))
      throw new LogsDirError(
        logsDir,
        'it is read-only, and the metrics are kept current by replaying it (incrementally) into logs/.replay: give a writable folder (a copy of this one)',
      );
    this.paths = replayPaths(logsDir);
    this.bounds = {
      models: emptyLabelBounds(maxLabelValues),
      tools: emptyLabelBounds(maxLabelValues),
      agentTypes: emptyLabelBounds(maxLabelValues),
    };
  }

  get logsDir(): string {
    return this.paths.logsDir;
  }

  /** Brings the totals up to date with the journals. Concurrent calls share one refresh. */
  refresh(): Promise<void> {
    this.inFlight ??= this.refreshOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Resolves when no refresh is in flight (starting none). */
  settled(): Promise<void> {
    return this.inFlight ? this.inFlight.catch(() => undefined) : Promise.resolve();
  }

  /** The families as of the last refresh (computed once per change). */
  families(): MetricFamily[] {
    this.familiesCache ??= metricFamilies(this.totals, this.bounds);
    return [
      ...this.familiesCache,
      {
        kind: 'gauge',
        name: 'runledger_metrics_refresh_timestamp_seconds',
        help: 'When these metrics were last brought up to date with the journals (Unix time)',
        labelNames: [],
        samples: [{ labels: {}, value: this.refreshedAtMs / 1000 }],
      },
    ];
  }

  private async refreshOnce(): Promise<void> {
    await replay({ dir: this.paths.logsDir });
    // The index is index.json with the pending log's entries on top (docs/DESIGN.md §6.1): either may change.
    const indexFile = fileStamp(this.paths.index);
    const stamp = indexFile === null ? null : `${indexFile}/${fileStamp(indexLogFile(this.paths)) ?? 'no log'}`;
    if (stamp === null || stamp !== this.indexStamp) await this.readChangedRuns(stamp);
    this.refreshedAtMs = Date.now();
    this.version += 1;
  }

  private async readChangedRuns(stamp: string | null): Promise<void> {
    const next = new Map<string, { readonly fingerprint: string; readonly contribution: RunContribution }>();
    let changed = false;
    let complete = true;
    let lastYield = Date.now();
    for (const entry of tableOrder(loadRunIndex(this.paths))) {
      const fingerprint = fingerprintOf(entry);
      const known = this.runs.get(entry.runId);
      if (known?.fingerprint === fingerprint) {
        next.set(entry.runId, known);
        continue;
      }
      changed = true;
      const saved = readRunState(this.paths, entry.runId);
      const models =
        saved && runReadModels(saved.state, { writerAlive: entry.writerAlive, bytes: entry.journalBytes, tornTail: entry.tornTail });
      if (!saved || !models) {
        // Its state went missing between replay and now (cleanup, a user): the next refresh's replay rebuilds it.
        complete = false;
        continue;
      }
      next.set(entry.runId, { fingerprint, contribution: runContribution(models, saved.state.tools) });
      if (Date.now() - lastYield > 50) {
        await yieldToEventLoop(); // a first load of 10,000 runs must not stall a server that shares the process
        lastYield = Date.now();
      }
    }
    if (changed || next.size !== this.runs.size) {
      this.runs = next;
      this.totals = sumContributions([...next.keys()].sort().map((runId) => next.get(runId)!.contribution));
      const volumes = labelVolumes(this.totals);
      this.bounds = {
        models: admitLabels(this.bounds.models, volumes.models),
        tools: admitLabels(this.bounds.tools, volumes.tools),
        agentTypes: admitLabels(this.bounds.agentTypes, volumes.agentTypes),
      };
      this.familiesCache = null;
    }
    this.indexStamp = complete ? stamp : null;
  }
}

/** What decides a run's contribution: where its replay stopped and the facts its status depends on. */
function fingerprintOf(e: RunIndexEntry): string {
  return `${e.checkpoint.offset}:${e.checkpoint.hash}:${e.journalBytes}:${e.writerAlive}:${e.unfinished}:${e.tornTail?.offset ?? ''}`;
}

/** The index file's identity: replay replaces it by a rename, so a new inode, size or mtime means it changed. */
function fileStamp(file: string): string | null {
  const stat = fs.statSync(file, { throwIfNoEntry: false, bigint: true });
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : null;
}
