import { mulberry32 } from '../../src/analysis/stats/random.js';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: children run there; fixtures import the BUILT package by its name (`runledger`, its entry in dist/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures');
export const CLI = path.join(ROOT, 'dist/src/cli/main.js');

/** A message a child printed on stdout: one JSON object per line. */
export type Message = Record<string, unknown>;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A node child process that speaks JSON lines on stdout. Every complete line is parsed and kept
 * in order; `waitFor` resolves on the first message (old or new) that matches, and rejects if the
 * child exits first, with its stderr in the error, so a dead child never turns into a hang.
 */
export class Child {
  readonly proc: ChildProcess;
  readonly messages: Message[] = [];
  /** Resolves with code and signal once the child has exited and its stdio is closed. */
  readonly exited: Promise<Exit>;
  private stdoutRest = '';
  private stderrText = '';
  private exit: Exit | null = null;
  private readonly listeners = new Set<() => void>();
  private nextId = 1;

  constructor(script: string, args: readonly string[] = [], options: { env?: NodeJS.ProcessEnv } = {}) {
    this.proc = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stdout!.on('data', (chunk: string) => this.onStdout(chunk));
    this.proc.stderr!.on('data', (chunk: string) => {
      this.stderrText += chunk;
    });
    // A child that dies leaves our writes to its stdin failing with EPIPE: not the test's concern.
    this.proc.stdin!.on('error', () => {});
    this.exited = new Promise((resolve, reject) => {
      this.proc.on('error', reject);
      this.proc.on('close', (code, signal) => {
        this.exit = { code, signal };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  /** Starts a fixture from test/fixtures by file name. */
  static fixture(name: string, args: readonly string[] = [], options: { env?: NodeJS.ProcessEnv } = {}): Child {
    return new Child(path.join(FIXTURES, name), args, options);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get hasExited(): boolean {
    return this.exit !== null;
  }

  /** Sends one line on the child's stdin. */
  send(message: Message | string): void {
    this.proc.stdin!.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
  }

  /** Sends a command {op, ...} with a fresh id and resolves with the reply that carries the id. */
  async call(op: string, args: Message = {}, timeoutMs = 30_000): Promise<Message> {
    const id = this.nextId++;
    this.send({ id, op, ...args });
    return this.waitFor((m) => m.reply === id, `the reply to ${op} #${id}`, timeoutMs);
  }

  /** The first message matching `predicate`; rejects if the child exits first or after timeoutMs. */
  waitFor(predicate: (message: Message) => boolean, what: string, timeoutMs = 30_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.messages.find(predicate);
        if (found) {
          done();
          resolve(found);
        } else if (this.exit) {
          done();
          reject(new Error(`child ${this.pid} exited (${JSON.stringify(this.exit)}) before ${what}; stderr:\n${this.stderrText}`));
        }
      };
      const done = (): void => {
        this.listeners.delete(check);
        clearTimeout(timer);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`child ${this.pid}: no ${what} within ${timeoutMs} ms; stderr:\n${this.stderrText}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Resolves once `count` messages match `predicate` (counting those already received). */
  waitForCount(predicate: (message: Message) => boolean, count: number, what: string, timeoutMs = 30_000): Promise<void> {
    return this.waitFor(() => this.messages.filter(predicate).length >= count, `${count} × ${what}`, timeoutMs).then(() => undefined);
  }

  kill(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }

  /** Kills the child with SIGKILL unless it has already exited (for cleanup after a failed test). */
  async destroy(): Promise<void> {
    if (!this.exit) this.proc.kill('SIGKILL');
    await this.exited.catch(() => undefined);
  }

  private onStdout(chunk: string): void {
    const text = this.stdoutRest + chunk;
    const lines = text.split('\n');
    // The last piece has no newline yet (or is empty): keep it for the next chunk. A child killed
    // mid-line leaves it here, never in `messages`.
    this.stdoutRest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        this.messages.push(JSON.parse(line) as Message);
      } catch {
        this.messages.push({ raw: line });
      }
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Children started by a test, destroyed in afterEach so a failing test leaves no process behind. */
export class ChildPool {
  private readonly children: Child[] = [];

  fixture(name: string, args: readonly string[] = [], options: { env?: NodeJS.ProcessEnv } = {}): Child {
    const child = Child.fixture(name, args, options);
    this.children.push(child);
    return child;
  }

  async destroyAll(): Promise<void> {
    await Promise.all(this.children.splice(0).map((c) => c.destroy()));
  }
}

/** Runs a node script to its end and returns its exit, stdout and stderr. */
export function runNode(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Exit & { stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms; stderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A journal line as the tests read it: the envelope, with `data` left loose. */
export interface JournalLine {
  readonly v: number;
  readonly seq: number;
  readonly ts: string;
  readonly runId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly prev: string;
  readonly hash: string;
}

/** The lines of a journal file up to `upToByte` (default: all), parsed; throws on a line that is not JSON. */
export function journalEntries(file: string, upToByte?: number): JournalLine[] {
  const bytes = fs.readFileSync(file);
  const text = bytes.subarray(0, upToByte ?? bytes.length).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as JournalLine);
}

/** A small seeded PRNG (the analyzer's mulberry32), so a failing random schedule can be replayed from its seed. */
export const seededRandom = (seed: number): (() => number) => mulberry32(seed);

/** The seed for randomized schedules: RUNLEDGER_TEST_SEED if set, else fresh (printed by the test on failure). */
export function testSeed(): number {
  const fromEnv = Number(process.env.RUNLEDGER_TEST_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1;
}
