import { startServer } from '../serve/server.js';
import { stopOnSignals } from '../serve/signals.js';
import { UsageError } from './exit-codes.js';
import { logsDirToCreate } from './logs-dir.js';
import { BOUNDS, wholeNumber } from './numbers.js';

export interface ServeCommandOptions {
  dir?: string;
  host: string;
  port: string;
  tokenFile?: string;
  prices?: string;
  bodyLimit: string;
  liveUpdates: boolean;
  metrics: boolean;
  metricsRefreshMs: string;
  runAttribute?: string;
  issueAttribute: string;
}

export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  let server;
  try {
    server = await startServer({
      dir: logsDirToCreate(options.dir),
      host: options.host,
      port: wholeNumber('--port', options.port, BOUNDS.port),
      tokenFile: options.tokenFile,
      prices: options.prices,
      bodyLimit: wholeNumber('--body-limit', options.bodyLimit, BOUNDS.bodyLimit),
      liveUpdates: options.liveUpdates,
      metrics: options.metrics && { refreshIntervalMs: wholeNumber('--metrics-refresh-ms', options.metricsRefreshMs, BOUNDS.refreshMs) },
      runAttribute: options.runAttribute,
      issueAttribute: options.issueAttribute,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new UsageError(`cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
    }
    throw error;
  }
  stopOnSignals(server, (signal, runIds) => {
    process.stderr.write(
      `runledger serve: ${signal}: stopped; ${runIds.length} open run(s) recorded as interrupted${runIds.length > 0 ? `: ${runIds.join(', ')}` : ''}\n`,
    );
  });
  process.stdout.write(`runledger serve: listening on ${server.url} (logs: ${server.logsDir})\n`);
}
