import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Child, CLI, runNode } from './helpers/child.js';
import { recordSampleRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const children: Child[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.destroy()));
});

/** `runledger metrics`: the exposition of a folder with --once, a listening server with a token, and the refusals (exit 2). */
describe('runledger metrics', () => {
  it('serves GET /metrics only, to scrapers that send the token', async () => {
    const dir = tempDir();
    await recordSampleRun(dir);
    const tokenFile = path.join(tempDir(), 'token');
    fs.writeFileSync(tokenFile, 'metrics-cli-token-0123456789abcdef\n');
    const child = new Child(CLI, ['metrics', '--dir', dir, '--listen', '127.0.0.1:0', '--token-file', tokenFile]);
    children.push(child);
    const ready = await child.waitFor((m) => typeof m.raw === 'string' && m.raw.includes('serving'), 'the serving line');
    const url = /serving (http:\/\/\S+\/metrics)/.exec(ready.raw as string)![1]!;
    const authorization = 'Bearer metrics-cli-token-0123456789abcdef';
    expect((await fetch(url)).status).toBe(401);
    const scraped = await fetch(url, { headers: { authorization } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('runledger_runs_total{status="completed",model="deepseek-chat"} 1\n');
    expect((await fetch(url.replace('/metrics', '/runs'), { headers: { authorization } })).status).toBe(404);
  });

  it("prints the folder's metrics once with --once", async () => {
    const dir = tempDir();
    await recordSampleRun(dir);
    const { code, stdout, stderr } = await runNode([CLI, 'metrics', '--dir', dir, '--once']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('runledger_runs_total{status="completed",model="deepseek-chat"} 1\n');
    expect(stdout).toContain('runledger_tool_calls_total{tool="create_branch",outcome="success"} 1\n');
    expect(stdout).toContain('runledger_tokens_total{type="input",model="deepseek-chat"} 1000\n');
  });

  it('refuses a missing or read-only folder and a bad --listen, with exit 2', async () => {
    const missing = await runNode([CLI, 'metrics', '--dir', path.join(tempDir(), 'nope'), '--once']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such folder/);

    const badListen = await runNode([CLI, 'metrics', '--dir', tempDir(), '--listen', 'localhost']);
    expect(badListen.code).toBe(2);
    expect(badListen.stderr).toMatch(/--listen "localhost" is not \[host\]:port/);

    const badRefresh = await runNode([CLI, 'metrics', '--dir', tempDir(), '--refresh-ms', '0']);
    expect(badRefresh.code).toBe(2);
    expect(badRefresh.stderr).toMatch(/--refresh-ms "0" is not a whole number from 10/);

    // Readable by everyone, writable by its owner only; the command runs as another user (nobody when root).
    const readOnly = tempDir();
    await recordSampleRun(readOnly);
    const open = (p: string): void => {
      fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
      if (fs.statSync(p).isDirectory()) for (const name of fs.readdirSync(p)) open(path.join(p, name));
    };
    open(readOnly);
    const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (!('uid' in asOther)) fs.chmodSync(readOnly, 0o555);
    const refused = spawnSync(process.execPath, [CLI, 'metrics', '--dir', readOnly, '--once'], {
      encoding: 'utf8',
      ...asOther,
      timeout: 30_000,
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^runledger: Logs folder .*: it is read-only, and the metrics are kept current by replaying it/);
    if (!('uid' in asOther)) fs.chmodSync(readOnly, 0o755);
  });
});
