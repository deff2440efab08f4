import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NatsUrlError } from '../errors.js';
import { Backoff, sleep } from './backoff.js';

/** `nats://h:p[,nats://h2:p2|h2:p2…]` → the server list the client takes. Refused before anything connects. */
export function parseNatsServers(text: string): string[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new NatsUrlError(text, 'no server in it');
  return parts.map((part) => {
    const withScheme = part.includes('://') ? part : `nats://${part}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw new NatsUrlError(part, 'it does not parse as a URL');
    }
    if (url.protocol !== 'nats:') throw new NatsUrlError(part, `the scheme is ${url.protocol.replace(':', '')}, not nats`);
    if (url.hostname === '') throw new NatsUrlError(part, 'it has no host');
    if (url.pathname !== '' && url.pathname !== '/') throw new NatsUrlError(part, 'it has a path');
    return `${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${url.port || '4222'}`;
  });
}

export interface ConnectOptions {
  readonly servers: readonly string[];
  readonly name: string;
  /** Says what the connection is waiting for (NATS down, reconnecting). */
  readonly log: (message: string) => void;
  readonly signal?: AbortSignal;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/**
 * Connects, retrying with capped exponential backoff while no server answers (NATS down at
 * start), and keeps reconnecting forever afterwards. Null only when `signal` aborted first.
 */
export async function connectWithRetry(options: ConnectOptions): Promise<NatsConnection | null> {
  const backoff = new Backoff(options.backoff?.initialMs ?? 200, options.backoff?.maxMs ?? 5000);
  for (;;) {
    if (options.signal?.aborted) return null;
    try {
      const nc = await connect({
        servers: [...options.servers],
        name: options.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        timeout: 2000,
        pingInterval: 5000,
        maxPingOut: 2,
        // An Error (with its stack) per request only to enrich traces: a cost per published line.
        noAsyncTraces: true,
      });
      watchStatus(nc, options.log);
      if (backoff.attempts > 0) options.log(`connected to NATS at ${nc.getServer()}`);
      return nc;
    } catch (error) {
      const delay = backoff.next();
      options.log(`waiting for NATS at ${options.servers.join(',')} (${(error as Error).message}); retrying in ${delay} ms`);
      await sleep(delay, options.signal);
    }
  }
}

function watchStatus(nc: NatsConnection, log: (message: string) => void): void {
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') log(`lost NATS server ${status.server}; reconnecting`);
      else if (status.type === 'reconnect') log(`reconnected to NATS server ${status.server}`);
    }
  })().catch(() => undefined);
}
