import { describe, expect, it } from 'vitest';
import { cpuTicks, stealShare } from '../bench/cpu-steal.js';

describe("bench:live's steal figure (the host's share of the machine's CPU time during a leg)", () => {
  it('is the stolen ticks over all ticks between two readings; null without a reading or time between them', () => {
    expect(stealShare({ total: 1_000, steal: 10 }, { total: 3_000, steal: 60 })).toBe(0.025);
    expect(stealShare(null, { total: 3_000, steal: 60 })).toBeNull();
    expect(stealShare({ total: 3_000, steal: 60 }, { total: 3_000, steal: 60 })).toBeNull();
  });

  it("reads this machine's /proc/stat: totals that only grow, steal within them", () => {
    const before = cpuTicks();
    expect(before).not.toBeNull(); // runledger's tests run on Linux
    let after = cpuTicks()!;
    while (after.total === before!.total) after = cpuTicks()!; // a tick is 10 ms of any core's time
    expect(after.total).toBeGreaterThan(before!.total);
    expect(after.steal).toBeGreaterThanOrEqual(before!.steal);
    const share = stealShare(before, after)!;
    expect(share).toBeGreaterThanOrEqual(0);
    expect(share).toBeLessThanOrEqual(1);
  });
});
