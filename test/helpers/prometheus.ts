import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from './temp-dir.js';

/** Debian's prometheus and promtool (scripts/ensure-binaries.sh installs them). */
const PROMETHEUS = 'prometheus';
const PROMTOOL = 'promtool';

/** A scrape job: one target on loopback, with a bearer token when given. */
export interface ScrapeJob {
  readonly job: string;
  readonly target: string;
  readonly token?: string;
}

/** One sample of an instant query: its labels (with __name__, job, instance) and its value. */
export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

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

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A real Prometheus server on a free loopback port, scraping the given jobs every second, with
 * its store in a temporary folder. Waits are polls of its HTTP API for a condition, never sleeps
 * for a guessed time; each has a deadline so that a broken setup fails instead of hanging.
 */
export class PrometheusServer {
  private exitText = '';

  private constructor(
    private readonly proc: ChildProcess,
    readonly url: string,
    private log: { text: string },
  ) {
    proc.on('close', (code, signal) => {
      this.exitText = `prometheus exited (${code ?? signal})`;
    });
  }

  static async start(jobs: readonly ScrapeJob[]): Promise<PrometheusServer> {
    const dir = tempDir('runledger-prometheus-');
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      ...jobs.flatMap((j) => [
        `  - job_name: ${JSON.stringify(j.job)}`,
        ...(j.token === undefined ? [] : ['    authorization:', '      type: Bearer', `      credentials: ${JSON.stringify(j.token)}`]),
        '    static_configs:',
        `      - targets: [${JSON.stringify(j.target)}]`,
      ]),
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), `${config}\n`);
    const port = await freePort();
    const proc = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const log = { text: '' };
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (log.text += c));
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (log.text += c));
    const server = new PrometheusServer(proc, `http://127.0.0.1:${port}`, log);
    running.push(server);
    await server.until('Prometheus to be ready', async () => (await fetch(`${server.url}/-/ready`)).ok);
    return server;
  }

  /** Polls `condition` until it holds; fails with Prometheus's log if it exits or the deadline passes. */
  async until(what: string, condition: () => Promise<boolean>, deadlineMs = 120_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    let lastError = '';
    for (;;) {
      if (this.exitText) throw new Error(`${this.exitText} while waiting for ${what}:\n${this.log.text}`);
      try {
        if (await condition()) return;
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`no ${what} within ${deadlineMs} ms (last error: ${lastError}); log:\n${this.log.text}`);
      await pause(100);
    }
  }

  /** Waits until the job's target has been scraped successfully. */
  async waitForUp(job: string): Promise<void> {
    await this.until(`a successful scrape of job ${job}`, async () => {
      const body = (await (await fetch(`${this.url}/api/v1/targets`)).json()) as {
        data: { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> };
      };
      const target = body.data.activeTargets.find((t) => t.labels.job === job);
      if (target?.lastError) throw new Error(target.lastError);
      return target?.health === 'up';
    });
  }

  /** An instant query at the current time. */
  async query(expr: string): Promise<PromSample[]> {
    const response = await fetch(`${this.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
    if (body.data!.resultType === 'scalar') {
      const [, value] = body.data!.result as unknown as [number, string];
      return [{ metric: {}, value: Number(value) }];
    }
    return body.data!.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  async stop(): Promise<void> {
    if (this.exitText) return;
    const closed = new Promise((resolve) => this.proc.once('close', resolve));
    this.proc.kill('SIGTERM');
    await closed;
  }
}

const running: PrometheusServer[] = [];

/** Stops every Prometheus a test started (call from afterEach). */
export async function stopPrometheusServers(): Promise<void> {
  await Promise.all(running.splice(0).map((server) => server.stop()));
}

/** `promtool check metrics` on an exposition: its exit code and what it printed. */
export function promtoolCheckMetrics(exposition: string): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
