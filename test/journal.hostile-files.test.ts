import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupRuns, replay } from '../src/entries/replay.js';
import { scanJournal, UnsafeRunPathError, verifyRun } from '../src/index.js';
import { Child, CLI, runNode } from './helpers/child.js';
import { startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * docs/DESIGN.md §6.5: runledger never follows a symbolic link for a run folder or a journal, and
 * reads only regular files. A FIFO named events.ndjson used to block open() forever (deaf to SIGTERM);
 * every test that meets one runs the command in a child and waits for its exit (killed if it never comes).
 */

/** Every file under `dir` with its bytes: what the test compares before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (fs.lstatSync(file).isFile()) out[name] = fs.readFileSync(file, 'base64');
  }
  return out;
}

/** A crashed run `runId` recorded in `dir`, plus a final_report.json that replay would remove (the run has no RunFinished). */
async function crashedRunWithStaleReport(dir: string, runId: string): Promise<string> {
  const c = await startRun(dir, { runId });
  c.startIssue(1);
  c.close();
  const runDir = path.join(dir, 'runs', runId);
  fs.writeFileSync(path.join(runDir, 'final_report.json'), '{"mine": "not runledger\'s"}\n');
  return runDir;
}

describe('a run folder that is a symbolic link', () => {
  it('is refused by name in verify, replay and cleanup; nothing is written, removed or locked through it', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    await startRun(dir, { runId: 'fine' }).then((c) => c.finalizeRun('completed'));
    const target = await crashedRunWithStaleReport(elsewhere, 'evil');
    fs.symlinkSync(target, path.join(dir, 'runs', 'evil'));
    const before = snapshot(target);

    expect(() => scanJournal(path.join(dir, 'runs', 'evil', 'events.ndjson'), { runId: 'evil' })).toThrow(UnsafeRunPathError);
    expect(verifyRun(dir, 'evil')).toMatchObject({ verdict: 'refused', refusal: expect.stringContaining('is a symbolic link') });
    const report = await replay({ dir });
    expect(report.ok).toBe(false);
    expect(report.runs.find((r) => r.runId === 'evil')).toMatchObject({
      outcome: 'refused',
      refused: { problem: expect.stringContaining('symbolic link') },
    });
    expect(report.runs.find((r) => r.runId === 'fine')).toMatchObject({ outcome: 'replayed' });
    expect((await replay({ dir, full: true })).runs.find((r) => r.runId === 'evil')).toMatchObject({ refused: { line: 0 } });
    const cleanup = await cleanupRuns({ dir, keepLast: 0, includeCrashed: true });
    expect(cleanup.skipped).toEqual([{ runId: 'evil', reason: expect.stringContaining('symbolic link') }]);
    expect(snapshot(target)).toEqual(before);
    expect(fs.readdirSync(target).sort()).toEqual(['events.ndjson', 'final_report.json']);

    const verify = await runNode([CLI, 'verify', '--dir', dir]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/REFUSED\s+evil: Run evil is refused: .* is a symbolic link/);
  });

  it('a journal that is a symbolic link is refused the same way, and resume never copies through it', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    await crashedRunWithStaleReport(elsewhere, 'linked');
    fs.mkdirSync(path.join(dir, 'runs', 'linked'), { recursive: true });
    fs.symlinkSync(path.join(elsewhere, 'runs', 'linked', 'events.ndjson'), path.join(dir, 'runs', 'linked', 'events.ndjson'));
    expect(verifyRun(dir, 'linked')).toMatchObject({ verdict: 'refused' });
    expect((await replay({ dir })).runs).toEqual([expect.objectContaining({ runId: 'linked', outcome: 'refused' })]);
    expect(fs.readdirSync(path.join(dir, 'runs', 'linked'))).toEqual(['events.ndjson']);
    const { MetricsCollector } = await import('../src/index.js');
    await expect(MetricsCollector.resume({ dir, runId: 'linked', handleSignals: false, liveUpdates: false, prices: null })).rejects.toThrow(
      UnsafeRunPathError,
    );
  });
});

describe("a derived file's folder or a derived file that is not what replay writes", () => {
  it('an issues folder that is a symbolic link: the run is refused, nothing is written or removed through it', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    const c = await startRun(dir, { runId: 'issues-linked' });
    c.startIssue(1);
    c.finalizeIssue(1, 'completed');
    c.finalizeRun('completed');
    fs.writeFileSync(path.join(elsewhere, 'issue_9_report.json'), "not runledger's");
    fs.symlinkSync(elsewhere, path.join(dir, 'runs', 'issues-linked', 'issues'));
    const report = await replay({ dir });
    expect(report.runs).toEqual([
      expect.objectContaining({
        runId: 'issues-linked',
        outcome: 'refused',
        refused: expect.objectContaining({ problem: expect.stringContaining('symbolic link') }),
      }),
    ]);
    expect(fs.readdirSync(elsewhere)).toEqual(['issue_9_report.json']);
  });

  it('a FIFO where metadata.json goes: replay replaces it instead of waiting on it', async () => {
    const dir = tempDir();
    await startRun(dir, { runId: 'fifo-meta' }).then((c) => c.finalizeRun('completed'));
    execFileSync('mkfifo', [path.join(dir, 'runs', 'fifo-meta', 'metadata.json')]);
    const replayed = await runNode([CLI, 'replay', '--dir', dir]);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(fs.lstatSync(path.join(dir, 'runs', 'fifo-meta', 'metadata.json')).isFile()).toBe(true);
  });
});

describe('a FIFO named events.ndjson', () => {
  const fifoRun = (): string => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'runs', 'piped'), { recursive: true });
    execFileSync('mkfifo', [path.join(dir, 'runs', 'piped', 'events.ndjson')]);
    return dir;
  };

  it('verify, show and replay refuse it at once instead of waiting forever for a writer', async () => {
    const dir = fifoRun();
    const verify = await runNode([CLI, 'verify', '--dir', dir]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/REFUSED\s+piped: .*a FIFO/);
    const show = await runNode([CLI, 'show', 'piped', '--dir', dir]);
    expect(show.code).toBe(2);
    expect(show.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^runledger: Run piped is refused: .* is a FIFO/)]);
    const replayed = await runNode([CLI, 'replay', '--dir', dir]);
    expect(replayed.stdout).toMatch(/REFUSED\s+piped: .* is a FIFO/);
  });

  const servers: Child[] = [];
  afterEach(async () => {
    for (const child of servers.splice(0)) {
      child.kill('SIGKILL');
      await child.exited;
    }
  });

  it('GET /runs/<id> answers 409 and the server stays responsive, then stops on SIGTERM', async () => {
    const dir = fifoRun();
    const child = new Child(CLI, ['serve', '--dir', dir, '--port', '0']);
    servers.push(child);
    const ready = await child.waitFor((m) => typeof m.raw === 'string' && m.raw.includes('listening on'), 'the listening line');
    const url = /listening on (http:\/\/\S+)/.exec(ready.raw as string)![1]!;
    // Bounded only so that a regression fails instead of hanging the suite; nothing here is a speed check.
    const get = (route: string) => fetch(url + route, { signal: AbortSignal.timeout(20_000) });
    const answer = await get('/runs/piped');
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({ error: { code: 'RUN_PATH_UNSAFE', runId: 'piped' } });
    expect((await get('/health')).status).toBe(200);
    child.kill('SIGTERM');
    expect(await child.exited).toMatchObject({ signal: 'SIGTERM' });
  });
});
