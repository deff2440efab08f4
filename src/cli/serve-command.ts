import { startServer } from '../serve/server.js';
import { stopOnSignals } from '../serve/signals.js';
import { UsageError } from './exit-codes.js';
import { logsDirToCreate } from './logs-dir.js';

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port ${JSON.stringify(text)} is not a port number (0-65535; 0 picks a free one)`);
  return port;
}

function parseBytes(text: string): number {
  const bytes = Number(text);
  if (!Number.isInteger(bytes) || bytes < 1024)
    throw new UsageError(`--body-limit ${JSON.stringify(text)} is not a whole number of bytes >= 1024`);
  return bytes;
}

export interface ServeCommandOptions {
  dir?: string;
  host: string;
  port: string;
  tokenFile?: string;
  prices?: string;
  bodyLimit: string;
  liveUpdates: boolean;
}

export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  let server;
  try {
    server = await startServer({
      dir: logsDirToCreate(options.dir),
      host: options.host,
      port: parsePort(options.port),
      tokenFile: options.tokenFile,
      prices: options.prices,
      bodyLimit: parseBytes(options.bodyLimit),
      liveUpdates: options.liveUpdates,
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
