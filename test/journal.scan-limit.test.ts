import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkJournalEvent } from '../events/registry.js';
import { MetricsCollector, PriceBook, scanJournal } from '../src/index.js';
import { tempDir } from './helpers/temp-dir.js';

describe('scanJournal with maxEntries', () => {
  it('stops after that many verified lines, without judging what follows', async () => {
    const dir = tempDir();
    const c = await MetricsCollector.start({
      dir,
      runId: 'run-limit',
      projectId: 'p',
      config: { llm: { model: 'deepseek-chat' } },
      handleSignals: false,
      liveUpdates: false,
      priceBook: new PriceBook({ overrideFile: null }),
    });
    for (let i = 1; i <= 5; i += 1) c.startIssue(i);
    c.finalizeRun('completed');
    const journal = path.join(dir, 'runs', 'run-limit', 'events.ndjson');
    fs.appendFileSync(journal, 'garbage after the end\n');

    const whole = scanJournal(journal, { runId: 'run-limit', checkEvent: checkJournalEvent });
    expect(whole.entries).toBe(7);
    expect(whole.tail.kind).toBe('torn');

    const seen: number[] = [];
    const first = scanJournal(journal, { runId: 'run-limit', checkEvent: checkJournalEvent, maxEntries: 1 }, (entry) =>
      seen.push(entry.seq),
    );
    expect(first.entries).toBe(1);
    expect(seen).toEqual([1]);
    expect(first.lastSeq).toBe(1);
    expect(first.goodEnd).toBe(fs.readFileSync(journal, 'utf8').indexOf('\n') + 1);
    expect(first.tail.kind).toBe('clean');
  });
});
