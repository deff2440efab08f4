import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runNode } from './helpers/child.js';
import { NatsSingle } from './helpers/nats-server.js';
import { readLines, recordSampleRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

let nats: NatsSingle;
beforeAll(async () => {
  nats = await NatsSingle.start();
});
afterAll(async () => {
  await nats?.destroy();
});

describe('runledger ship and replay --from on the command line', () => {
  it('ship --once, then replay --from: exit 0, the tables written centrally', async () => {
    const local = tempDir();
    const central = tempDir();
    const journal = await recordSampleRun(local, 'cli.run');
    const ship = await runNode([CLI, 'ship', '--once', '--to', nats.url, '--stream', 'CLI1', '--dir', local]);
    expect(ship.code, ship.stderr).toBe(0);
    expect(ship.stdout).toContain(`${readLines(journal).length} line(s) published`);
    const replay = await runNode([CLI, 'replay', '--from', nats.url, '--stream', 'CLI1', '--dir', central, '--json']);
    expect(replay.code, replay.stderr).toBe(0);
    const report = JSON.parse(replay.stdout) as { ok: boolean; messages: number };
    expect(report).toMatchObject({ ok: true, messages: readLines(journal).length });
    expect(fs.readdirSync(path.join(central, 'csv')).sort()).toEqual([
      'agents.csv',
      'debugging_cycles.csv',
      'errors.csv',
      'issues.csv',
      'pipelines.csv',
      'runs.csv',
      'tool_usage.csv',
    ]);
  });

  it('ship --once stopped by SIGTERM while NATS is unreachable says it stopped, and exits 1', async () => {
    const dir = tempDir();
    await recordSampleRun(dir, 'unsent');
    // Port 1 on loopback: nothing listens there, so the shipper waits for NATS and says so.
    const child = spawn(process.execPath, [CLI, 'ship', '--once', '--to', 'nats://127.0.0.1:1', '--dir', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    const waiting = new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
        if (stderr.includes('waiting for NATS')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waiting;
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(1);
    expect(stdout).toMatch(
      /^Stopped by SIGTERM before everything in \S+ was shipped to stream RUNLEDGER: 0 line\(s\) published, 0 run\(s\) looked at; run it again to ship the rest\.\n$/,
    );
    expect(stdout).not.toContain('Shipped');
  });

  it('ship exits 1 naming a corrupt run, and 2 on an address that is not nats://', async () => {
    const dir = tempDir();
    const journal = await recordSampleRun(dir, 'bad');
    const lines = readLines(journal);
    lines[2] = lines[2]!.replace('"seq":3', '"seq":33');
    fs.writeFileSync(journal, `${lines.join('\n')}\n`);
    const ship = await runNode([CLI, 'ship', '--once', '--to', nats.url, '--stream', 'CLI2', '--dir', dir]);
    expect(ship.code).toBe(1);
    expect(ship.stdout).toMatch(/NOT SHIPPED PAST seq 2 {2}bad: corrupt journal at line 3/);

    const wrong = await runNode([CLI, 'ship', '--once', '--to', 'http://127.0.0.1:1', '--dir', dir]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/NATS address "http:\/\/127.0.0.1:1" is not usable: the scheme is http, not nats/);
  });
});
