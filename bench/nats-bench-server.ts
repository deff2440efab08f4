import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export interface BenchNats {
  readonly url: string;
  stop(): Promise<void>;
}

const NATS_SERVER = fs.existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * One JetStream server on loopback for the shipping figures, its store in `dir` (the bench's
 * scratch folder, on the project's disk like the journals). Resolves once JetStream answers.
 */
export async function startBenchNats(dir: string): Promise<BenchNats> {
  const port = await freePort();
  const store = path.join(dir, 'nats-store');
  fs.mkdirSync(store, { recursive: true });
  const proc = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<void>((resolve) => proc.on('close', () => resolve()));
  const url = `nats://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const nc = await connect({ servers: url, timeout: 1000, reconnect: false });
      await (await jetstreamManager(nc)).getAccountInfo();
      await nc.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`nats-server did not start (${(error as Error).message}): ${stderr}`, { cause: error });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
