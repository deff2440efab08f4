import type { Command } from 'commander';
import { resolveLogsDir } from '../journal/paths.js';
import { DEFAULT_HOST, DEFAULT_PORT, startServer, stopOnSignals, TOKEN_ENV } from '../serve/index.js';
import { UsageError } from './exit-codes.js';

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port ${JSON.stringify(text)} is not a port number (0-65535; 0 picks a free one)`);
  return port;
}

function parseBytes(text: string): number {
  const bytes = Number(text);
  if (!Number.isInteger(bytes) || bytes < 1024) throw new UsageError(`--body-limit ${JSON.stringify(text)} is not a whole number of bytes >= 1024`);
  return bytes;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('accept events from any language over HTTP: start runs, append calls (one or an NDJSON batch), finalize; answers only after fdatasync')
    .option('--dir <dir>', 'logs folder (default: RUNLEDGER_DIR or ./logs)')
    .option('--host <host>', `address to listen on; anything but loopback needs a token`, DEFAULT_HOST)
    .option('--port <port>', `port to listen on; 0 picks a free one (printed)`, String(DEFAULT_PORT))
    .option('--token-file <file>', `bearer token clients must send (default: ${TOKEN_ENV}, else none on loopback)`)
    .option('--prices <file>', 'price override file for every run (default: RUNLEDGER_PRICES)')
    .option('--body-limit <bytes>', 'largest request body', String(1 << 20))
    .option('--no-live-updates', 'do not rebuild derived files in the background when issues and runs finish')
    .addHelpText(
      'after',
      '\nSIGINT/SIGTERM: stop accepting, finish requests in flight, record runs still open as "interrupted", exit.\n' +
        'API and a Python client: README "runledger serve".\n\nExample:\n  $ runledger serve --dir logs --port 7340\n  $ RUNLEDGER_SERVE_TOKEN=$(openssl rand -hex 32) runledger serve --host 0.0.0.0',
    )
    .action(async (options: { dir?: string; host: string; port: string; tokenFile?: string; prices?: string; bodyLimit: string; liveUpdates: boolean }) => {
      let server;
      try {
        server = await startServer({
          dir: resolveLogsDir(options.dir),
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
        process.stderr.write(`runledger serve: ${signal}: stopped; ${runIds.length} open run(s) recorded as interrupted${runIds.length > 0 ? `: ${runIds.join(', ')}` : ''}\n`);
      });
      process.stdout.write(`runledger serve: listening on ${server.url} (logs: ${server.logsDir})\n`);
    });
}
