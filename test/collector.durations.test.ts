import { describe, expect, it } from 'vitest';
import { AsyncMetricsCollector, nodeFileOps, type FileOps } from '../src/index.js';
import { CONFIG, readLines, startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const sleepMs = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * A disk whose next fdatasync is slow: `slowNext()` arms it, and it costs `cost()` (moving a
 * simulated clock, or sleeping for real). Only the armed one is slow, so the run's other events are not.
 */
function slowDisk(cost: () => void): { ops: FileOps; slowNext: () => void } {
  let armed = false;
  const pay = (): void => {
    if (!armed) return;
    armed = false;
    cost();
  };
  const ops: FileOps = {
    ...nodeFileOps,
    fdatasyncSync: (fd) => {
      nodeFileOps.fdatasyncSync(fd);
      pay();
    },
    fdatasync: (fd, cb) =>
      nodeFileOps.fdatasync(fd, (error) => {
        pay();
        cb(error);
      }),
  };
  return { ops, slowNext: () => (armed = true) };
}

const journal = (path: string) =>
  readLines(path).map((line) => JSON.parse(line) as { type: string; ts: string; data: Record<string, unknown> });
const ended = (path: string, type: string) => journal(path).find((e) => e.type === type)!;
const started = (path: string, type: string) => journal(path).find((e) => e.type === type)!;

describe("tool-call and agent durations run from the start call's return to the end call", () => {
  it('a no-op tool call and agent are not charged the fdatasync of their start event (simulated clock, sync collector)', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const disk = slowDisk(() => (now += 60_000));
    const c = await startRun(tempDir(), { clock: () => new Date(now), fileOps: disk.ops });
    disk.slowNext();
    const agent = c.startAgent('coding');
    disk.slowNext();
    const call = c.startToolCall('read_file', { agentId: agent });
    now += 5;
    c.endToolCall(call, { success: true });
    c.finalizeAgent({ agentId: agent, success: true });
    c.finalizeRun();

    const callStart = started(c.journalPath, 'ToolCallStarted');
    const callEnd = ended(c.journalPath, 'ToolCallEnded');
    // The start event was stamped before its 60 s fdatasync: measured from that stamp, the call took 60 s.
    expect(Date.parse(callEnd.ts) - Date.parse(callStart.ts)).toBe(60_005);
    expect(callEnd.data.durationMs).toBe(5);
    // The agent's start fdatasync (60 s) is left out; the tool call's (60 s, inside the agent's work) counts.
    expect(ended(c.journalPath, 'AgentFinished').data.durationMs).toBe(60_005);
  });

  it('the same with group commit (async collector) and trackToolCall', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const disk = slowDisk(() => (now += 60_000));
    const c = await AsyncMetricsCollector.start({
      dir: tempDir(),
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      liveUpdates: false,
      prices: null,
      clock: () => new Date(now),
      fileOps: disk.ops,
    });
    disk.slowNext();
    await c.trackToolCall('run_tests', () => {
      now += 250;
    });
    await c.finalizeRun();
    expect(ended(c.journalPath, 'ToolCallEnded').data.durationMs).toBe(250);
  });

  it('on the real monotonic clock: a 5 ms tool call behind a 2 s fdatasync is recorded as about 5 ms', async () => {
    const disk = slowDisk(() => sleepMs(2000));
    const c = await startRun(tempDir(), { fileOps: disk.ops });
    disk.slowNext();
    c.trackToolCall('sleep', () => sleepMs(5));
    c.finalizeRun();
    const callStart = started(c.journalPath, 'ToolCallStarted');
    const callEnd = ended(c.journalPath, 'ToolCallEnded');
    expect(Date.parse(callEnd.ts) - Date.parse(callStart.ts)).toBeGreaterThanOrEqual(2000);
    const duration = callEnd.data.durationMs as number;
    expect(duration).toBeGreaterThanOrEqual(4.9);
    expect(duration).toBeLessThan(2000);
  });
});
