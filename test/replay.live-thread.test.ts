import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../replay/index.js';
import { Child } from './helpers/child.js';
import { differences, filesUnder } from './helpers/derived-files.js';
import { tempDir } from './helpers/temp-dir.js';

interface Probe {
  readonly pid: number;
  readonly threads: ReadonlyArray<{ readonly tid: number; readonly nice: number }>;
  readonly updated: { readonly ok: boolean; readonly name?: string; readonly message?: string };
}

/** Runs the probe to its end (an idle live-update thread must not keep it alive) and returns its report. */
async function probe(dir: string, runId: string, issues: number): Promise<{ report: Probe; stderr: string }> {
  const child = Child.fixture('live-thread-probe.mjs', [JSON.stringify({ dir, runId, issues })]);
  try {
    const report = (await child.waitFor((m) => 'threads' in m, 'the thread report', 60_000)) as unknown as Probe;
    const exit = await child.exited;
    expect(exit, child.stderr).toEqual({ code: 0, signal: null });
    return { report, stderr: child.stderr };
  } finally {
    await child.destroy();
  }
}

describe("a supervisor's live updates run on a thread of their own, at the lowest priority (docs/DESIGN.md §7.4)", () => {
  it('one thread at nice 19 makes them; the main thread and libuv’s pool keep the process’s priority; the files are a full replay’s', async () => {
    const dir = tempDir();
    const { report } = await probe(dir, 'threaded', 4);
    expect(report.updated).toEqual({ ok: true });
    const niced = report.threads.filter((t) => t.nice === 19);
    expect(niced).toHaveLength(1);
    expect(niced[0]!.tid).not.toBe(report.pid);
    // Everything else, the main thread and the pool that runs the journal's fdatasync included, is untouched.
    expect(report.threads.filter((t) => t.nice !== 19).every((t) => t.nice === 0)).toBe(true);
    expect(report.threads.find((t) => t.tid === report.pid)?.nice).toBe(0);

    // The run's JSON files, fragments and tables are the ones a full replay of the journal alone writes.
    await replay({ dir }); // the tables the run's end left stale
    const live = filesUnder(dir);
    fs.rmSync(path.join(dir, '.replay'), { recursive: true });
    fs.rmSync(path.join(dir, 'csv'), { recursive: true });
    for (const file of ['metadata.json', 'final_report.json']) fs.rmSync(path.join(dir, 'runs', 'threaded', file), { force: true });
    fs.rmSync(path.join(dir, 'runs', 'threaded', 'issues'), { recursive: true });
    await replay({ dir, full: true });
    expect(differences(live, filesUnder(dir))).toEqual([]);
  });

  it('a failure on the thread reaches the collector with its name and message, and the run is still recorded', async () => {
    const dir = tempDir();
    fs.mkdirSync(dir, { recursive: true });
    // Where replay keeps its files, a file: every update fails, on the thread.
    fs.writeFileSync(path.join(dir, '.replay'), 'not a folder');
    const { report, stderr } = await probe(dir, 'failing', 2);
    expect(report.updated.ok).toBe(false);
    expect(report.updated.message).toContain(path.join(dir, '.replay'));
    expect(stderr).toContain('could not update the derived files');
    expect(fs.readFileSync(path.join(dir, 'runs', 'failing', 'events.ndjson'), 'utf8')).toContain('"RunFinished"');
  });
});
