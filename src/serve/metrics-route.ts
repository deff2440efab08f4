import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { PRIVATE_DIR_MODE } from '../durable/file-ops.js';
import { firstUnknownKey } from '../../events/known-keys.js';
import { InvalidOptionError } from '../errors.js';
import { MetricsRefresher, PROMETHEUS_CONTENT_TYPE } from '../metrics-export/index.js';

/** `startServer`'s `metrics` option: how GET /metrics keeps the folder's metrics current. */
export interface ServeMetricsOptions {
  /** Pause between two refreshes from the journals; default 15 s. */
  readonly refreshIntervalMs?: number;
  /** Most values of the model, tool and agent_type labels; default 30. */
  readonly maxLabelValues?: number;
}

const METRICS_OPTIONS = ['refreshIntervalMs', 'maxLabelValues'];

export function assertMetricsOptions(options: ServeMetricsOptions | false | undefined): void {
  if (options === undefined || options === false) return;
  const unknown = firstUnknownKey(options, METRICS_OPTIONS);
  if (unknown) throw new InvalidOptionError('startServer metrics', unknown.key, unknown.message);
}

/**
 * GET /metrics: the logs folder's metrics (README "Prometheus metrics"), behind the same bearer
 * token as every other route. The folder is first read on the first scrape, not at start: a
 * server nobody scrapes replays nothing in the background.
 */
export function registerMetricsRoute(app: FastifyInstance, logsDir: string, options: ServeMetricsOptions): void {
  let refresher: MetricsRefresher | null = null;
  app.get('/metrics', async (_request, reply) => {
    if (refresher === null) {
      // A server nobody has started a run on yet has no folder: it is the folder serve would create for the first run.
      fs.mkdirSync(logsDir, { recursive: true, mode: PRIVATE_DIR_MODE });
      refresher = new MetricsRefresher({ logsDir, ...options });
    }
    const text = await refresher.exposition();
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(text);
  });
  app.addHook('onClose', async () => {
    await refresher?.stop();
  });
}
