import { FolderMetrics } from './folder-metrics.js';
import { renderExposition } from './exposition.js';

export const DEFAULT_REFRESH_INTERVAL_MS = 15_000;

export interface MetricsRefresherOptions {
  readonly logsDir: string;
  /** Pause between the end of one refresh and the start of the next; default 15 s (a refresh at 10,000 runs costs about a second of CPU). */
  readonly refreshIntervalMs?: number;
  /** Most values of a model, tool or agent-type label; the rest are `other`. Default 30. */
  readonly maxLabelValues?: number;
  /** A refresh that failed (the next one is tried after the interval); default: one line on stderr per distinct message. */
  readonly onError?: (error: Error) => void;
}

/**
 * A folder's metrics refreshed in the background, one refresh after another with a pause
 * between, and their exposition text, made once per refresh however often it is scraped.
 */
export class MetricsRefresher {
  private readonly metrics: FolderMetrics;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private cache: { readonly version: number; readonly text: string } | null = null;
  private lastError = '';

  constructor(private readonly options: MetricsRefresherOptions) {
    this.metrics = new FolderMetrics(options.logsDir, options.maxLabelValues);
    void this.metrics.refresh().then(
      () => this.schedule(),
      (error: unknown) => {
        this.report(error);
        this.schedule();
      },
    );
  }

  /** The exposition as of the last refresh; the first call waits for the first refresh (and fails with it). */
  async exposition(): Promise<string> {
    if (this.metrics.refreshedAtMs === 0) await this.metrics.refresh();
    const { version } = this.metrics;
    if (this.cache?.version !== version) this.cache = { version, text: await renderExposition(this.metrics.families()) };
    return this.cache.text;
  }

  /** Brings the metrics up to date now (the next scrape shows everything durable before this call). */
  refreshNow(): Promise<void> {
    return this.metrics.refresh();
  }

  /** Stops refreshing; waits for a refresh in flight, so that no replay runs after it resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.metrics.settled();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.metrics.refresh().then(
        () => this.schedule(),
        (error: unknown) => {
          this.report(error);
          this.schedule();
        },
      );
    }, this.options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  private report(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    if (this.options.onError) return this.options.onError(err);
    if (err.message === this.lastError) return;
    this.lastError = err.message;
    process.stderr.write(`runledger metrics: refreshing ${this.metrics.logsDir} failed (tried again every interval): ${err.message}\n`);
  }
}
