import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsCollector, verifyRun } from '../src/index.js';
import { readLines, recordSampleRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const RUN = 'sample-run';

function withTail(journal: string, keepBytes: number, tail: Buffer | string): void {
  const bytes = fs.readFileSync(journal).subarray(0, keepBytes);
  fs.writeFileSync(journal, Buffer.concat([bytes, Buffer.from(tail)]));
}

describe('torn tails: everything after the last verified line, when nothing after it verifies', () => {
  it("every truncation of the last line verifies as a torn tail at that line's offset", async () => {
    const dir = tempDir();
    const journal = await recordSampleRun(dir, RUN);
    const original = fs.readFileSync(journal);
    const lines = readLines(journal);
    const lastStart = original.length - Buffer.byteLength(lines.at(-1)!) - 1;
    let checked = 0;
    for (let cut = lastStart + 1; cut < original.length; cut += 1) {
      fs.writeFileSync(journal, original.subarray(0, cut));
      const v = verifyRun(dir, RUN);
      expect(v.verdict, `cut at ${cut}`).toBe('torn-tail');
      expect(v.tornTail).toMatchObject({ offset: lastStart, bytes: cut - lastStart, line: lines.length });
      expect(v.events).toBe(lines.length - 1);
      checked += 1;
    }
    expect(checked).toBe(original.length - lastStart - 1);
    fs.writeFileSync(journal, original.subarray(0, lastStart));
    expect(verifyRun(dir, RUN)).toMatchObject({ verdict: 'intact', events: lines.length - 1 });
  });

  it.each([
    ['zeros', Buffer.alloc(4096)],
    ['random bytes with newlines', Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251))],
    ['several garbage lines', '{"v":1,"seq":99}\nnot json at all\n\u0000\u0000\n{"half":'],
    ['a half line', '{"v":1,"seq":10,"ts":"2026-11-26T00:00:00.000Z","runId":"sample-run","type":"Error'],
  ])('a tail of %s after the last good line is torn, with its byte offset', async (_name, tail) => {
    const dir = tempDir();
    const journal = await recordSampleRun(dir, RUN);
    const size = fs.statSync(journal).size;
    const linesBefore = readLines(journal).length;
    withTail(journal, size, tail);
    const v = verifyRun(dir, RUN);
    expect(v.verdict).toBe('torn-tail');
    expect(v.tornTail?.offset).toBe(size);
    expect(v.tornTail?.bytes).toBe(Buffer.byteLength(tail));
    expect(v.events).toBe(linesBefore);
  });

  it('a duplicated last line (stale data) is a torn tail, not corruption', async () => {
    const dir = tempDir();
    const journal = await recordSampleRun(dir, RUN);
    const lines = readLines(journal);
    const size = fs.statSync(journal).size;
    fs.appendFileSync(journal, `${lines.at(-1)}\n`);
    const v = verifyRun(dir, RUN);
    expect(v.verdict).toBe('torn-tail');
    expect(v.tornTail?.offset).toBe(size);
    expect(v.tornTail?.problem).toMatch(/duplicate/);
    expect(v.events).toBe(lines.length);
  });

  it('an empty journal (a start that died before its first line) has no events and no damage', async () => {
    const dir = tempDir();
    const journal = await recordSampleRun(dir, RUN);
    fs.writeFileSync(journal, '');
    expect(verifyRun(dir, RUN)).toMatchObject({ verdict: 'intact', events: 0, bytes: 0 });
  });
});

describe('resume quarantines a torn tail and continues the chain', () => {
  it('copies the tail to quarantine/, cuts it off, and records RunResumed then TailQuarantined', async () => {
    const dir = tempDir();
    const c = await MetricsCollector.start({
      dir,
      runId: RUN,
      projectId: 'p',
      config: { llm: { model: 'deepseek-chat' } },
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    });
    c.startIssue(1);
    c.startAgent('coding');
    c.startToolCall('run_tests');
    c.close(); // the writer goes away without RunFinished, like a crash
    const journal = c.journalPath;
    const goodSize = fs.statSync(journal).size;
    const goodLines = readLines(journal).length;
    const tail = '{"v":1,"seq":6,"ts":"2026-11-26T0';
    fs.appendFileSync(journal, tail);

    const resumed = await MetricsCollector.resume({ dir, runId: RUN, handleSignals: false, prices: null, liveUpdates: false });
    const quarantine = path.join(dir, 'runs', RUN, 'quarantine');
    const files = fs.readdirSync(quarantine);
    expect(files).toHaveLength(1);
    expect(fs.readFileSync(path.join(quarantine, files[0]!), 'utf8')).toBe(tail);
    expect(files[0]).toMatch(new RegExp(`^tail-${goodSize}-[0-9a-f]{16}\\.bin$`));

    resumed.finalizeIssue(1, 'completed');
    resumed.finalizeRun('completed');
    const entries = readLines(journal).map((l) => JSON.parse(l));
    const resumedAt = entries[goodLines]!;
    expect(resumedAt).toMatchObject({
      seq: goodLines + 1,
      type: 'RunResumed',
      data: { afterSeq: goodLines, abandonedAgents: ['agent-1'], abandonedToolCalls: ['call-1'] },
    });
    expect(entries[goodLines + 1]).toMatchObject({
      seq: goodLines + 2,
      type: 'TailQuarantined',
      data: { offset: goodSize, bytes: tail.length, file: `quarantine/${files[0]}` },
    });
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(verifyRun(dir, RUN)).toMatchObject({ verdict: 'intact', events: entries.length });
  });

  it('records a quarantine file that a resume which died midway left unrecorded', async () => {
    const dir = tempDir();
    const c = await MetricsCollector.start({
      dir,
      runId: RUN,
      projectId: 'p',
      config: { llm: { model: 'm1' } },
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    });
    c.close();
    const quarantine = path.join(dir, 'runs', RUN, 'quarantine');
    fs.mkdirSync(quarantine);
    fs.writeFileSync(path.join(quarantine, 'tail-123-0123456789abcdef.bin'), 'left over');
    const resumed = await MetricsCollector.resume({ dir, runId: RUN, handleSignals: false, prices: null, liveUpdates: false });
    resumed.finalizeRun('completed');
    const types = readLines(c.journalPath).map((l) => JSON.parse(l));
    expect(types.find((e) => e.type === 'TailQuarantined')).toMatchObject({
      data: { offset: 123, bytes: 9, file: 'quarantine/tail-123-0123456789abcdef.bin' },
    });
  });
});
