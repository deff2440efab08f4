import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPaths, verifyRun } from '../src/index.js';
import { Child, CLI, journalEntries, ROOT, runNode } from './helpers/child.js';
import { CONFIG, clientOf } from './helpers/serve.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * `runledger serve` as a real process (the built CLI): a Python supervisor using only urllib,
 * SIGKILL in the middle of batches, SIGTERM with requests in flight, and the token rule.
 */

const PYTHON_CLIENT = path.join(ROOT, 'examples/python/runledger_client.py');
const servers: Child[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.destroy()));
});

async function serveProcess(
  dir: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: Child; url: string }> {
  const child = new Child(CLI, ['serve', '--dir', dir, '--port', '0', ...args], { env });
  servers.push(child);
  const ready = await child.waitFor((m) => typeof m.raw === 'string' && m.raw.includes('listening on'), 'the listening line');
  return { child, url: /listening on (http:\/\/\S+)/.exec(ready.raw as string)![1]! };
}

function python(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn('python3', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The ErrorRecorded messages of the journal's verified lines (a torn tail left by SIGKILL is not read). */
const messagesOf = (dir: string, runId: string): string[] =>
  journalEntries(runPaths(dir, runId).journal, verifyRun(dir, runId).tornTail?.offset)
    .filter((l) => l.type === 'ErrorRecorded')
    .map((l) => l.data.message as string);

/**
 * `loops` clients sending batches of `size` recordError items to `runId` until told to stop or
 * the server stops answering; returns the markers of every acknowledged (200) item.
 */
function hammer(url: string, runId: string, loops: number, size: number) {
  const acknowledged: string[] = [];
  /** Answers other than 200 (the server stopping), as status and error code. */
  const refusals: string[] = [];
  let stopped = false;
  const api = clientOf(url);
  const loop = async (n: number): Promise<void> => {
    for (let batch = 0; !stopped; batch += 1) {
      const items = Array.from({ length: size }, (_, i) => ({
        call: 'recordError',
        args: { kind: 'load', message: `l${n}-b${batch}-i${i}`, recoverable: true },
      }));
      let answer;
      try {
        answer = await api.batch(runId, items);
      } catch {
        return; // connection refused or reset: the server is gone
      }
      if (answer.status !== 200) {
        refusals.push(`${answer.status} ${answer.body.error?.code}`);
        return;
      }
      acknowledged.push(...items.map((item) => item.args.message));
    }
  };
  const done = Promise.all(Array.from({ length: loops }, (_, n) => loop(n)));
  return {
    acknowledged,
    refusals,
    stop: () => {
      stopped = true;
    },
    done,
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('runledger serve as a process', () => {
  it('a Python supervisor using only urllib records a run; runledger verify and replay accept it', async () => {
    const dir = tempDir();
    const { url } = await serveProcess(dir);
    const result = await python([PYTHON_CLIENT, '--url', url, '--run-id', 'py-run']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, any>;
    expect(summary).toMatchObject({
      runId: 'py-run',
      agentId: 'agent-1',
      callId: 'call-1',
      refused: { code: 'EVENT_INVALID', field: 'inputTokens', value: -5 },
      batchResults: [null, null, null],
      finished: { runId: 'py-run', status: 'completed', alreadyFinalized: false },
    });
    expect(summary.costUsd).toBeGreaterThan(0);

    const types = journalEntries(runPaths(dir, 'py-run').journal).map((l) => l.type);
    expect(types).toEqual([
      'RunStarted',
      'IssueStarted',
      'AgentStarted',
      'ToolCallStarted',
      'ToolCallEnded',
      'TokensUsed',
      'DebuggingCycleRecorded',
      'PipelineFinished',
      'AgentFinished',
      'IssueFinished',
      'RunFinished',
    ]);
    const verify = await runNode([CLI, 'verify', '--dir', dir, '--json']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, counts: { intact: 1, tornTail: 0, corrupt: 0 } });
    const replay = await runNode([CLI, 'replay', '--dir', dir, '--json'], { timeoutMs: 60_000 });
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout).runs).toEqual([expect.objectContaining({ runId: 'py-run' })]);
    expect(fs.readFileSync(path.join(dir, 'csv', 'runs.csv'), 'utf8')).toContain('py-run');
  });

  it('kill -9 in the middle of batches: every acknowledged event is in the journal, once; a new server resumes the run', async () => {
    const dir = tempDir();
    const { child, url } = await serveProcess(dir);
    expect((await clientOf(url).start('busy', { lockStaleMs: 2000 })).status).toBe(201);
    const load = hammer(url, 'busy', 8, 25);
    await until(() => load.acknowledged.length >= 400, 30_000);
    child.kill('SIGKILL');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await load.done;

    expect(verifyRun(dir, 'busy').verdict).not.toBe('corrupt');
    const written = messagesOf(dir, 'busy');
    const counts = new Map<string, number>();
    for (const m of written) counts.set(m, (counts.get(m) ?? 0) + 1);
    const missing = load.acknowledged.filter((m) => counts.get(m) !== 1);
    expect(missing).toEqual([]);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);

    // A new server takes the run over once the dead one's lock is stale, and goes on.
    const second = await serveProcess(dir);
    const api = clientOf(second.url);
    const resumed = await api.post('/runs/busy/resume', { lockWaitMs: 10_000 });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect((await api.call('busy', 'recordError', { kind: 'x', message: 'after the kill', recoverable: true })).status).toBe(200);
    expect((await api.finalize('busy')).body).toMatchObject({ status: 'completed' });
    expect(verifyRun(dir, 'busy').verdict).toBe('intact');
    const after = messagesOf(dir, 'busy');
    for (const m of load.acknowledged) expect(after.filter((x) => x === m)).toHaveLength(1);
    expect(after.at(-1)).toBe('after the kill');
  });

  it('SIGTERM with requests in flight: they are answered, open runs get RunFinished "interrupted", the process ends by the signal', async () => {
    const dir = tempDir();
    const { child, url } = await serveProcess(dir);
    const api = clientOf(url);
    expect((await api.start('one')).status).toBe(201);
    expect((await api.start('two')).status).toBe(201);
    const load = hammer(url, 'one', 16, 10);
    await until(() => load.acknowledged.length >= 200, 30_000);
    child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM' });
    await load.done;
    expect(child.stderr).toMatch(/SIGTERM: stopped; 2 open run\(s\) recorded as interrupted: one, two/);
    // A request that came too late was refused as such (or found the connection closed), never half-done.
    for (const refusal of load.refusals) expect(refusal).toBe('503 SERVER_STOPPING');

    for (const runId of ['one', 'two']) {
      expect(verifyRun(dir, runId).verdict).toBe('intact');
      const lines = journalEntries(runPaths(dir, runId).journal);
      expect(lines.filter((l) => l.type === 'RunFinished')).toHaveLength(1);
      expect(lines.at(-1)).toMatchObject({ type: 'RunFinished', data: { status: 'interrupted', reason: 'received SIGTERM' } });
    }
    const written = messagesOf(dir, 'one');
    for (const m of load.acknowledged) expect(written.includes(m), m).toBe(true);
    expect(new Set(written).size).toBe(written.length);
  });

  it('SIGINT (Ctrl-C) likewise: the open run is recorded as interrupted, the process ends by SIGINT', async () => {
    const dir = tempDir();
    const { child, url } = await serveProcess(dir);
    expect((await clientOf(url).start('ctrl-c')).status).toBe(201);
    child.kill('SIGINT');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(journalEntries(runPaths(dir, 'ctrl-c').journal).at(-1)).toMatchObject({
      type: 'RunFinished',
      data: { status: 'interrupted', reason: 'received SIGINT' },
    });
    // Its lock was released: a new server resumes it at once.
    const second = await serveProcess(dir);
    expect((await clientOf(second.url).post('/runs/ctrl-c/resume', { lockWaitMs: 0 })).status).toBe(200);
  });

  it('an uncaught exception in the server process: open runs get RunFinished "crashed" from its exit hook', async () => {
    const dir = tempDir();
    const child = Child.fixture('serve-crash.mjs', [dir]);
    servers.push(child);
    const { url } = (await child.waitFor((m) => typeof m.url === 'string', 'the url')) as { url: string };
    const api = clientOf(url);
    expect((await api.start('doomed')).status).toBe(201);
    expect((await api.call('doomed', 'recordError', { kind: 'x', message: 'before the crash', recoverable: true })).status).toBe(200);
    child.send('crash');
    expect((await child.exited).code).toBe(1);
    expect(child.stderr).toContain('supervisor host bug: boom');
    expect(verifyRun(dir, 'doomed').verdict).toBe('intact');
    const lines = journalEntries(runPaths(dir, 'doomed').journal);
    expect(lines.map((l) => l.type)).toEqual(['RunStarted', 'ErrorRecorded', 'RunFinished']);
    expect(lines.at(-1)!.data).toMatchObject({
      status: 'crashed',
      reason: 'the runledger serve process exited with code 1 while the run was open',
    });
  });

  it('cannot start: an unreadable price file, a port in use, a bad port: exit code 2 with the reason', async () => {
    const dir = tempDir();
    const prices = await runNode([CLI, 'serve', '--dir', dir, '--port', '0', '--prices', path.join(dir, 'missing.json')]);
    expect(prices.code).toBe(2);
    expect(prices.stderr).toContain('missing.json');
    const { url } = await serveProcess(dir);
    const port = new URL(url).port;
    const inUse = await runNode([CLI, 'serve', '--dir', dir, '--port', port]);
    expect(inUse.code).toBe(2);
    expect(inUse.stderr).toContain(`cannot listen on 127.0.0.1:${port}`);
    const badPort = await runNode([CLI, 'serve', '--dir', dir, '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port "eighty" is not a whole number from 0 to 65535');
  });

  it('beyond loopback: refuses to start without a token; with --token-file it requires the token (Python client too)', async () => {
    const dir = tempDir();
    const refused = await runNode([CLI, 'serve', '--dir', dir, '--host', '0.0.0.0', '--port', '0'], { env: { RUNLEDGER_SERVE_TOKEN: '' } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Refusing to listen on 0.0.0.0 without a bearer token');

    const tokenFile = path.join(tempDir(), 'token');
    fs.writeFileSync(tokenFile, 'cli-token-0123456789abcdef\n', { mode: 0o600 });
    const { url } = await serveProcess(dir, ['--host', '0.0.0.0', '--token-file', tokenFile]);
    const local = url.replace(/\/\/[^:]+(?=:\d+$)|\/\/\[[^\]]+\]/, '//127.0.0.1');
    const anonymous = await clientOf(local).post('/runs', { projectId: 'p', runId: 'x', config: CONFIG });
    expect(anonymous.status).toBe(401);
    expect(fs.existsSync(path.join(dir, 'runs'))).toBe(false);

    const withoutToken = await python([PYTHON_CLIENT, '--url', local, '--run-id', 'py-token']);
    expect(withoutToken.code).not.toBe(0);
    expect(withoutToken.stderr).toContain('UNAUTHORIZED (401)');
    const withToken = await python([PYTHON_CLIENT, '--url', local, '--run-id', 'py-token', '--token-file', tokenFile]);
    expect(withToken.code, withToken.stderr).toBe(0);
    expect(verifyRun(dir, 'py-token').verdict).toBe('intact');
  });
});
