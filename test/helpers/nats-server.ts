import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ROOT } from './child.js';

/** Debian's nats-server (scripts/ensure-binaries.sh installs it). */
const NATS_SERVER = fs.existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';
/** The cluster config the README shows; the tests start their nodes from this same file. */
const CLUSTER_CONFIG = path.join(ROOT, 'examples/nats-cluster/node.conf');

/** A port nobody listens on right now (the OS picks it; a tiny race with other processes is accepted). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One nats-server process on loopback with JetStream in its own store folder. */
export class NatsNode {
  private proc: ChildProcess | null = null;
  private exitedPromise: Promise<void> = Promise.resolve();
  private logText = '';

  constructor(
    readonly name: string,
    readonly port: number,
    readonly storeDir: string,
    private readonly argsFor: () => { args: string[]; env: NodeJS.ProcessEnv },
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null;
  }

  get log(): string {
    return this.logText;
  }

  /** Starts the process (again, with the same port and store, after a stop or kill). */
  start(): void {
    if (this.proc) throw new Error(`nats node ${this.name} is already running`);
    const { args, env } = this.argsFor();
    const proc = spawn(NATS_SERVER, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (this.logText += c));
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (this.logText += c));
    this.exitedPromise = new Promise((resolve) => proc.on('close', () => resolve()));
    proc.on('close', () => {
      if (this.proc === proc) this.proc = null;
    });
    this.proc = proc;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    proc.kill(signal);
    await this.exitedPromise;
    this.proc = null;
  }

  /** SIGKILL: a node dying, no goodbye to its peers. */
  kill(): Promise<void> {
    return this.stop('SIGKILL');
  }
}

/** Waits until JetStream answers through `urls` (a cluster has elected its meta leader). */
async function waitForJetStream(urls: readonly string[], timeoutMs = 20_000, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const nc = await connect({ servers: [...urls], timeout: 1000, reconnect: false });
      try {
        const jsm = await jetstreamManager(nc, { timeout: 1000 });
        await jsm.getAccountInfo();
        return;
      } finally {
        await nc.close();
      }
    } catch (error) {
      last = error;
      await sleep(100);
    }
  }
  throw new Error(`JetStream at ${urls.join(',')} not ready within ${timeoutMs} ms: ${(last as Error)?.message}\n${describe()}`);
}

function storeRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'runledger-nats-'));
}

/** A single JetStream server for a test. */
export class NatsSingle {
  private constructor(
    readonly node: NatsNode,
    private readonly root: string,
  ) {}

  static async start(): Promise<NatsSingle> {
    const root = storeRoot();
    const port = await freePort();
    const node = new NatsNode('single', port, path.join(root, 'single'), () => ({
      args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', path.join(root, 'single'), '-n', 'single'],
      env: {},
    }));
    const single = new NatsSingle(node, root);
    node.start();
    await waitForJetStream([node.url], 20_000, () => node.log);
    return single;
  }

  get url(): string {
    return this.node.url;
  }

  async restart(): Promise<void> {
    if (!this.node.running) this.node.start();
    await waitForJetStream([this.node.url], 20_000, () => this.node.log);
  }

  async destroy(): Promise<void> {
    await this.node.kill();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** A 3-node JetStream cluster (each node routes to the two others) from examples/nats-cluster/node.conf. */
export class NatsCluster {
  private constructor(
    readonly nodes: NatsNode[],
    private readonly root: string,
  ) {}

  static async start(): Promise<NatsCluster> {
    const root = storeRoot();
    const clientPorts = await Promise.all([freePort(), freePort(), freePort()]);
    const clusterPorts = await Promise.all([freePort(), freePort(), freePort()]);
    const names = ['a', 'b', 'c'];
    const nodes = names.map((name, i) => {
      const store = path.join(root, name);
      const routes = clusterPorts.filter((_, j) => j !== i).map((p) => `nats-route://127.0.0.1:${p}`);
      return new NatsNode(name, clientPorts[i]!, store, () => ({
        args: ['-c', CLUSTER_CONFIG],
        env: {
          NODE_NAME: name,
          HOST: '127.0.0.1',
          CLIENT_PORT: String(clientPorts[i]),
          CLUSTER_PORT: String(clusterPorts[i]),
          ROUTE_1: routes[0]!,
          ROUTE_2: routes[1]!,
          STORE_DIR: store,
        },
      }));
    });
    const cluster = new NatsCluster(nodes, root);
    for (const node of nodes) node.start();
    await waitForJetStream(cluster.urls, 30_000, () => nodes.map((n) => `--- ${n.name}\n${n.log}`).join('\n'));
    return cluster;
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export interface StreamMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Buffer;
}

/** Every message a stream holds, in order, read with an ordered consumer. */
export async function readStream(urls: string | readonly string[], stream: string): Promise<StreamMessage[]> {
  const nc = await connect({ servers: typeof urls === 'string' ? [urls] : [...urls], timeout: 2000 });
  try {
    const js = (await jetstreamManager(nc)).jetstream();
    // Right after a node died the cluster may still be electing: creating the consumer can time out.
    let consumer: Awaited<ReturnType<typeof js.consumers.get>> | null = null;
    let pending = 0;
    for (let attempt = 0; consumer === null; attempt++) {
      try {
        const created = await js.consumers.get(stream);
        pending = (await created.info()).num_pending;
        consumer = created;
      } catch (error) {
        if (attempt >= 10) throw error;
        await sleep(500);
      }
    }
    const out: StreamMessage[] = [];
    if (pending === 0) return out;
    const messages = await consumer.consume();
    for await (const m of messages) {
      out.push({ seq: m.seq, subject: m.subject, data: Buffer.from(m.data) });
      if (out.length >= pending || m.info.pending === 0) break;
    }
    messages.stop();
    return out;
  } finally {
    await nc.close();
  }
}
