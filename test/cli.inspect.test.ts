import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsCollector } from '../src/index.js';
import { readLines, startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const CLI = path.resolve('dist/src/cli/main.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });

async function recordRuns(dir: string): Promise<void> {
  const a = await startRun(dir, {
    runId: 'run-a',
    config: { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.2 }, maxRetries: 1 },
    clock: () => new Date('2026-11-01T10:00:00Z'),
  });
  a.startIssue(1, { title: 'first' });
  a.startAgent('coding');
  const call = a.startToolCall('run_tests');
  a.endToolCall(call, { success: false, error: 'two tests failed' });
  a.recordTokenUsage({ model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1000, outputTokens: 100 });
  a.finalizeAgent({ success: true });
  a.finalizeIssue(1, 'completed');
  a.startIssue(2, { title: 'second' });
  a.recordTokenUsage({ model: 'acme-9000', inputTokens: 10, outputTokens: 10 });
  a.finalizeIssue(2, 'failed');
  a.finalizeRun('completed');
  const b = await startRun(dir, {
    runId: 'run-b',
    config: { llm: { provider: 'openai', model: 'gpt-4o', temperature: 0.7 } },
    clock: () => new Date('2026-11-03T10:00:00Z'),
  });
  b.startIssue(1);
  b.close(); // crashed: no RunFinished, no live writer
}

describe('runledger runs', () => {
  it('lists runs with status, config, issues, success and cost; filters by status, config and date', async () => {
    const dir = tempDir();
    await recordRuns(dir);
    const all = cli('runs', '--dir', dir);
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/run-a\s+completed\s+2026-11-01 10:00:00\s+deepseek-chat\s+0\.2\s+1\s+1\/2\s+50%\s+≥\$0\.0004/);
    // The known part is shown as a lower bound, with the unpriced records and their tokens named.
    expect(all.stdout).toContain(
      'cost of 1 run(s) is a lower bound (≥) or unknown: 1 token record(s) with 20 tokens have no price (acme-9000); see runledger prices --check',
    );
    const [runA] = JSON.parse(cli('runs', '--dir', dir, '--config', 'llm.model=deepseek-chat', '--json').stdout);
    expect(runA).toMatchObject({ costUsd: 0.00038, tokenRecords: 2, unpricedRecords: 1, unpricedTokens: 20 });
    expect(all.stdout).toMatch(/run-b\s+crashed/);
    expect(all.stdout).not.toContain('\x1b['); // no colour when piped
    const crashed = JSON.parse(cli('runs', '--dir', dir, '--status', 'crashed', '--json').stdout);
    expect(crashed.map((r: { runId: string }) => r.runId)).toEqual(['run-b']);
    const byConfig = JSON.parse(cli('runs', '--dir', dir, '--config', 'llm.model=deepseek-chat', '--json').stdout);
    expect(byConfig.map((r: { runId: string }) => r.runId)).toEqual(['run-a']);
    const since = JSON.parse(cli('runs', '--dir', dir, '--since', '2026-11-02', '--json').stdout);
    expect(since.map((r: { runId: string }) => r.runId)).toEqual(['run-b']);
    const bad = cli('runs', '--dir', dir, '--status', 'exploded');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"exploded" is not one of');
  });
});

/** One CSV file's rows as objects, read by python's csv module (config_json is a quoted cell). */
function csvRows(file: string): Record<string, string>[] {
  const script = 'import csv, json, sys\nprint(json.dumps(list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))))';
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as Record<string, string>[];
}

describe('a resumed run in runs, runs --json, runs.csv and the HTML report', () => {
  it('is marked resumed, with its wall time and its active time (the downtime left out) in one unit', async () => {
    const dir = tempDir();
    let now = Date.parse('2026-11-05T10:00:00Z');
    const clock = (): Date => new Date(now);
    const first = await startRun(dir, { runId: 'resumed-run', clock });
    first.startIssue(1);
    now += 1500;
    first.startAgent('coding');
    first.close(); // the writer dies 1.5 s in
    now += 27_700;
    const again = await MetricsCollector.resume({
      dir,
      runId: 'resumed-run',
      clock,
      handleSignals: false,
      liveUpdates: false,
      prices: null,
    });
    expect(again.resumed?.downtimeMs).toBe(27_700);
    now += 500;
    again.finalizeIssue(1, 'completed');
    again.finalizeRun('completed');

    const text = cli('runs', '--dir', dir);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/resumed-run\s+completed, resumed ×1\s.*\s29\.7 s\s+2\.0 s\n/);
    expect(text.stdout).toContain('1 run(s) resumed after a crash or interruption: wall time includes the downtime before each resume');
    const [json] = JSON.parse(cli('runs', '--dir', dir, '--json').stdout);
    expect(json).toMatchObject({ resumes: 1, durationMs: 29_700, activeDurationMs: 2000 });
    const [row] = csvRows(path.join(dir, 'csv', 'runs.csv'));
    expect(row).toMatchObject({ resumes: '1', duration_s: '29.7', downtime_s: '27.7', active_duration_s: '2' });

    const out = path.join(dir, 'report.html');
    expect(cli('report', '--dir', dir, '--format', 'html', '--out', out).status).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toMatch(
      /<span class="resumed" data-resumes="1" title="resumed once after a crash or interruption; 27\.7 s of downtime between them">resumed ×1<\/span>/,
    );
    expect(html).toContain('data-metric="active-duration" data-value="2000"');
  });
});

describe('a provider-reported cost in runs and show', () => {
  it('runs says how many records use it and reported − computed; show prints both', async () => {
    const dir = tempDir();
    // 20:00 UTC: deepseek-chat costs $0.135 / $0.55 per million: 1000 in + 100 out = $0.00019 computed.
    const c = await startRun(dir, { runId: 'gateway', clock: () => new Date('2026-11-01T20:00:00Z') });
    c.recordTokenUsage({ model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1000, outputTokens: 100, reportedCostUsd: 0.0003 });
    c.finalizeRun('completed');
    const runs = cli('runs', '--dir', dir).stdout;
    expect(runs).toMatch(/gateway\s+completed.*\$0\.0003/);
    expect(runs).toContain('cost of 1 run(s) uses the provider-reported cost of 1 token record(s); reported − computed: +$0.0001');
    expect(cli('show', 'gateway', '--dir', dir).stdout).toMatch(/TokensUsed\s+.*; \$0\.000300 reported \(computed \$0\.000190\)/);
  });
});

describe('runledger show', () => {
  it('prints the audited timeline with the chain verified; --issue narrows it; corruption exits 1', async () => {
    const dir = tempDir();
    await recordRuns(dir);
    const out = cli('show', 'run-a', '--dir', dir);
    expect(out.status).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^\s+1 {2}2026-11-01T10:00:00\.000Z {2}RunStarted\s+project test-project; deepseek\/deepseek-chat t=0\.2 retries=1/,
    );
    expect(out.stdout).toMatch(/ToolCallEnded\s+run_tests call-1 failed in 0 ms: two tests failed/);
    expect(lines.at(-1)).toBe(`chain verified: ${readLines(path.join(dir, 'runs', 'run-a', 'events.ndjson')).length} events intact`);
    const issue2 = cli('show', 'run-a', '--dir', dir, '--issue', '2', '--json');
    const shown = JSON.parse(issue2.stdout);
    expect(shown.events.map((e: { type: string }) => e.type)).toEqual(['IssueStarted', 'TokensUsed', 'IssueFinished']);
    const journal = path.join(dir, 'runs', 'run-a', 'events.ndjson');
    const all = readLines(journal);
    fs.writeFileSync(journal, [...all.slice(0, 2), ...all.slice(3)].map((l) => `${l}\n`).join(''));
    const corrupt = cli('show', 'run-a', '--dir', dir);
    expect(corrupt.status).toBe(1);
    expect(corrupt.stdout).toMatch(/CORRUPT at line 3/);
    expect(cli('show', 'nope', '--dir', dir).status).toBe(2);
  });
});

describe('runledger tail', () => {
  it('prints the last events, then follows events another process appends, as NDJSON with --json', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'live' });
    c.startIssue(1);
    const child = spawn(process.execPath, [CLI, 'tail', 'live', '--dir', dir, '--follow', '--json', '-n', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const seen: Array<{ seq: number; type: string }> = [];
    let buffer = '';
    const waiters: Array<() => void> = [];
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl = buffer.indexOf('\n');
      while (nl !== -1) {
        seen.push(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
      }
      for (const wake of waiters.splice(0)) wake();
    });
    const waitFor = async (count: number): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (seen.length < count) {
        if (Date.now() > deadline) throw new Error(`tail printed ${JSON.stringify(seen)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 500);
        });
      }
    };
    await waitFor(1);
    expect(seen[0]).toMatchObject({ seq: 2, type: 'IssueStarted' });
    c.startAgent('coding');
    c.recordError({ kind: 'tool', message: 'boom', recoverable: true });
    c.finalizeRun('completed');
    await waitFor(4);
    expect(seen.map((e) => [e.seq, e.type])).toEqual([
      [2, 'IssueStarted'],
      [3, 'AgentStarted'],
      [4, 'ErrorRecorded'],
      [5, 'RunFinished'],
    ]);
    // The run finished: nothing more will be appended, so following ends by itself.
    expect(await exited).toBe(0);
    expect(stderr).toContain('run live has finished (completed); nothing more to follow');
  });

  it('--follow of a run that has already finished prints its last events and exits 0', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'done' });
    c.startIssue(1);
    c.finalizeRun('completed');
    const out = spawnSync(process.execPath, [CLI, 'tail', 'done', '--dir', dir, '--follow', '-n', '1'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/3 .+RunFinished/);
    expect(out.stderr).toContain('run done has finished (completed); nothing more to follow');
  });
});

describe('runledger prices', () => {
  it('shows the per-million price and its source; an unknown model exits 1; --check lists unpriced models', async () => {
    const out = cli('prices', 'deepseek-chat', '--json');
    expect(out.status).toBe(0);
    const prices = JSON.parse(out.stdout);
    expect(prices).toMatchObject({ model: 'deepseek-chat', source: { kind: 'package', package: '@pydantic/genai-prices' } });
    expect(prices.perMillion.input).toBeGreaterThan(0);
    expect(prices.perMillion.output).toBeGreaterThan(prices.perMillion.input);
    const text = cli('prices', 'deepseek:deepseek-chat');
    expect(text.stdout).toMatch(/source: @pydantic\/genai-prices \S+ \(provider deepseek, model deepseek-chat\)/);

    const overrides = path.join(tempDir(), 'prices.json');
    fs.writeFileSync(overrides, JSON.stringify({ models: { 'acme-9000': { input: 2, output: 8 } } }));
    const custom = JSON.parse(cli('prices', 'acme-9000', '--prices', overrides, '--json').stdout);
    expect(custom).toMatchObject({
      perMillion: { input: 2, output: 8, cacheRead: 2, cacheWrite: 2 },
      source: { kind: 'override', entry: 'acme-9000' },
    });
    const unknown = cli('prices', 'acme-9000');
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain('No price for acme-9000');

    const dir = tempDir();
    await recordRuns(dir);
    const check = cli('prices', '--check', '--dir', dir, '--json');
    expect(check.status).toBe(1);
    expect(JSON.parse(check.stdout).unpriced).toEqual([{ model: 'acme-9000', provider: null, runs: 1 }]);
    expect(cli('prices', '--check', '--dir', dir, '--prices', overrides).status).toBe(0);
  });

  it('shows every tier with its condition and the price a typical call gets (issue 15)', () => {
    const json = JSON.parse(cli('prices', 'claude-sonnet-4-5', '--json').stdout);
    expect(json.perMillion).toEqual({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
    expect(json.variants[0].perMillion.output).toEqual({ base: 15, tiers: [{ aboveInputTokens: 200000, price: 22.5 }] });
    const text = cli('prices', 'claude-sonnet-4-5').stdout;
    expect(text).toMatch(/call input ≤ 200,000 \(typical\)\s+call input > 200,000/);
    expect(text).toMatch(/output\s+\$15\s+\$22\.5/);
    expect(text).toContain('A typical call (below the tier thresholds) gets $3 input / $15 output per million tokens.');
    const deepseek = cli('prices', 'deepseek-chat').stdout;
    expect(deepseek).toContain('when no other variant applies');
    expect(deepseek).toContain('between 00:30:00Z and 16:30:00Z (time of day)');
    expect(deepseek).toContain('(applies now)');
  });
});

it('every command has --help with an example', () => {
  for (const command of [
    'runs',
    'show',
    'tail',
    'verify',
    'replay',
    'cleanup',
    'compare',
    'influence',
    'cost',
    'trends',
    'best',
    'suggest',
    'report',
    'prices',
  ]) {
    const help = execFileSync(process.execPath, [CLI, command, '--help'], { encoding: 'utf8' });
    expect(help, command).toMatch(/Example/);
    expect(help, command).toContain('--dir');
  }
});
