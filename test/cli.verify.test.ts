import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI, runNode } from './helpers/child.js';
import { recordSampleRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * The built CLI, `node dist/src/cli/main.js verify`, as a user runs it: exit codes (0 intact or
 * torn tail only, 1 corruption, 2 usage), the facts it prints (run, line number, byte offset),
 * and the same facts as parseable JSON with --json.
 */

function verify(dir: string, ...rest: string[]) {
  return runNode([CLI, 'verify', '--dir', dir, ...rest]);
}

interface JsonReport {
  dir: string;
  ok: boolean;
  counts: { intact: number; tornTail: number; corrupt: number };
  runs: Array<{
    runId: string;
    verdict: string;
    events: number;
    bytes: number;
    tornTail: { offset: number; bytes: number; line: number; problem: string } | null;
    corruption: {
      line: number;
      offset: number;
      problem: string;
      verifiedAfter: { line: number; offset: number; seq: number } | null;
    } | null;
  }>;
}

async function verifyJson(dir: string, ...rest: string[]): Promise<{ code: number | null; report: JsonReport }> {
  const result = await verify(dir, ...rest, '--json');
  expect(result.stderr).toBe('');
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport };
}

/** Byte offsets where each line of the file starts. */
function lineStarts(file: string): number[] {
  const bytes = fs.readFileSync(file);
  const starts = [0];
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < bytes.length - 1; i = bytes.indexOf(0x0a, i + 1)) starts.push(i + 1);
  return starts;
}

/** The file's lines with their newlines, as buffers. */
function rawLines(file: string): Buffer[] {
  const bytes = fs.readFileSync(file);
  const starts = lineStarts(file);
  return starts.map((start, i) => bytes.subarray(start, starts[i + 1] ?? bytes.length));
}

describe('runledger verify (the built CLI in a child process)', () => {
  it('exits 0 for intact runs and lists each with its event count, all runs or the ones named', async () => {
    const dir = tempDir();
    await recordSampleRun(dir, 'run-a');
    await recordSampleRun(dir, 'run-b');

    const all = await verify(dir);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('Verified 2 runs');
    expect(all.stdout).toMatch(/ok\s+run-a: 10 events, chain intact/);
    expect(all.stdout).toMatch(/ok\s+run-b: 10 events, chain intact/);
    expect(all.stdout).toContain('2 intact, 0 with a torn tail, 0 corrupt');

    const one = await verify(dir, 'run-b');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Verified 1 run in');
    expect(one.stdout).not.toContain('run-a');

    const { code, report } = await verifyJson(dir);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, counts: { intact: 2, tornTail: 0, corrupt: 0 } });
    expect(report.runs.map((r) => [r.runId, r.verdict, r.events, r.tornTail, r.corruption])).toEqual([
      ['run-a', 'intact', 10, null, null],
      ['run-b', 'intact', 10, null, null],
    ]);
  });

  it("exits 0 and prints the torn tail's byte offset for a journal whose last line was cut", async () => {
    const dir = tempDir();
    const journal = await recordSampleRun(dir, 'torn-run');
    const lastStart = lineStarts(journal).at(-1)!;
    fs.truncateSync(journal, lastStart + 37);

    const text = await verify(dir, 'torn-run');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`torn-run: 9 events intact; torn tail at byte ${lastStart} (37 bytes from line 10`);
    expect(text.stdout).toContain('0 intact, 1 with a torn tail, 0 corrupt');

    const { code, report } = await verifyJson(dir, 'torn-run');
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, counts: { intact: 0, tornTail: 1, corrupt: 0 } });
    expect(report.runs[0]).toMatchObject({
      runId: 'torn-run',
      verdict: 'torn-tail',
      events: 9,
      bytes: lastStart + 37,
      corruption: null,
      tornTail: { offset: lastStart, bytes: 37, line: 10 },
    });
  });

  // Line 5 of 10 is damaged; each case gives the line and byte the CLI must name, and the later line that proves corruption.
  const damages: Array<{
    name: string;
    damage: (file: string) => void;
    line: number;
    offsetOfLine: number;
    problem: RegExp;
    verifiedAfter: { line: number; seq: number } | null;
  }> = [
    {
      name: 'a flipped byte',
      damage: (file) => {
        const bytes = fs.readFileSync(file);
        const at = lineStarts(file)[4]! + 20; // inside the timestamp: still valid JSON, wrong hash
        bytes[at] = bytes[at]! ^ 0x01;
        fs.writeFileSync(file, bytes);
      },
      line: 5,
      offsetOfLine: 4,
      problem: /hash mismatch/,
      verifiedAfter: { line: 6, seq: 6 },
    },
    {
      name: 'a deleted line',
      damage: (file) => {
        const lines = rawLines(file);
        fs.writeFileSync(file, Buffer.concat([...lines.slice(0, 4), ...lines.slice(5)]));
      },
      line: 5,
      offsetOfLine: 4,
      problem: /seq gap: expected 5, found 6/,
      verifiedAfter: null,
    },
    {
      name: 'a duplicated line',
      damage: (file) => {
        const lines = rawLines(file);
        fs.writeFileSync(file, Buffer.concat([...lines.slice(0, 5), lines[4]!, ...lines.slice(5)]));
      },
      line: 6,
      offsetOfLine: 5,
      problem: /duplicate: seq 5 again/,
      verifiedAfter: { line: 7, seq: 6 },
    },
  ];

  it.each(damages)(
    'exits 1 naming run, line number and byte offset for $name in the middle (text and --json)',
    async ({ damage, line, offsetOfLine, problem, verifiedAfter }) => {
      const dir = tempDir();
      const journal = await recordSampleRun(dir, 'damaged-run');
      // The offset of the damaged line is the same before and after each damage (it follows intact lines).
      const offset = lineStarts(journal)[offsetOfLine]!;
      damage(journal);

      const text = await verify(dir, 'damaged-run');
      expect(text.code, text.stderr).toBe(1);
      expect(text.stdout).toMatch(new RegExp(`CORRUPT\\s+damaged-run: line ${line} at byte ${offset}: `));
      expect(text.stdout).toMatch(problem);
      expect(text.stdout).toContain('0 intact, 0 with a torn tail, 1 corrupt');

      const { code, report } = await verifyJson(dir, 'damaged-run');
      expect(code).toBe(1);
      expect(report).toMatchObject({ ok: false, counts: { intact: 0, tornTail: 0, corrupt: 1 } });
      const run = report.runs[0]!;
      expect(run).toMatchObject({ runId: 'damaged-run', verdict: 'corrupt', tornTail: null, corruption: { line, offset } });
      expect(run.corruption!.problem).toMatch(problem);
      if (verifiedAfter === null) expect(run.corruption!.verifiedAfter).toBeNull();
      else expect(run.corruption!.verifiedAfter).toMatchObject({ ...verifiedAfter, offset: lineStarts(journal)[verifiedAfter.line - 1] });
    },
  );

  it('exits 1 when one run of several is corrupt, and still reports the intact ones', async () => {
    const dir = tempDir();
    await recordSampleRun(dir, 'good-run');
    const bad = await recordSampleRun(dir, 'bad-run');
    const lines = rawLines(bad);
    fs.writeFileSync(bad, Buffer.concat([...lines.slice(0, 2), ...lines.slice(3)]));

    const text = await verify(dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/ok\s+good-run: 10 events/);
    expect(text.stdout).toMatch(/CORRUPT\s+bad-run: line 3 at byte \d+/);
    const { code, report } = await verifyJson(dir);
    expect(code).toBe(1);
    expect(report.counts).toEqual({ intact: 1, tornTail: 0, corrupt: 1, refused: 0 });
  });

  it('exits 2 for an invalid run id such as ../x, before touching any file', async () => {
    const dir = tempDir();
    await recordSampleRun(dir, 'run-a');
    for (const args of [['../x'], ['../x', '--json']]) {
      const result = await verify(dir, ...args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('Invalid run id "../x"');
    }
  });

  it('exits 2 for an unknown run, naming it', async () => {
    const dir = tempDir();
    await recordSampleRun(dir, 'run-a');
    for (const args of [['no-such-run'], ['run-a', 'no-such-run', '--json']]) {
      const result = await verify(dir, ...args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/run no-such-run has no journal/);
    }
  });
});
