import fs from 'node:fs';
import type { AnalysisRun } from '../projections/analysis-input.js';
import type { RunEntry } from '../src/journal/envelope.js';
import { runPaths } from '../src/journal/paths.js';
import { scanJournal } from '../src/journal/reader.js';
import { PriceBook } from '../src/prices/price-book.js';
import { loadEventCheck } from './replay-run.js';

/** How costs are priced: as recorded in each TokensUsed (the default), or with today's table. */
export { PRICES_AS, type PricesAs } from './prices-as.js';

interface Totals {
  costUsd: number;
  unpricedRecords: number;
  unpricedTokens: number;
  readonly unpricedModels: Set<string>;
}

const emptyTotals = (): Totals => ({ costUsd: 0, unpricedRecords: 0, unpricedTokens: 0, unpricedModels: new Set() });

/**
 * A projection, never a rewrite: every TokensUsed of each run's journal is priced again with
 * today's table and the override file (at the record's own time, so time-of-day prices apply), a
 * provider-reported cost still winning; the runs' cost fields and per-issue costs are replaced and
 * the recorded figures kept in `repriced`. The journals are only read.
 */
export async function repriceAnalysisRuns(
  logsDir: string,
  runs: readonly AnalysisRun[],
  overrideFile?: string | null,
): Promise<AnalysisRun[]> {
  const book = new PriceBook({ overrideFile, onUnpriced: () => {} });
  const checkEvent = await loadEventCheck();
  const table = book.tableInfo;
  const out: AnalysisRun[] = [];
  for (const run of runs) {
    const journal = runPaths(logsDir, run.runId).journal;
    if (!fs.statSync(journal, { throwIfNoEntry: false })?.isFile()) {
      out.push(run);
      continue;
    }
    const total = emptyTotals();
    const byIssue = new Map<string, Totals>();
    scanJournal(journal, { runId: run.runId, checkEvent }, (raw) => {
      const entry = raw as RunEntry;
      if (entry.type !== 'TokensUsed') return;
      const usage = entry.data;
      const cost = usage.reportedCostUsd ?? book.quote(usage, new Date(entry.ts)).cost?.totalUsd ?? null;
      const issueKey = usage.issueId === null ? null : JSON.stringify(usage.issueId);
      let issue: Totals | undefined;
      if (issueKey !== null) {
        issue = byIssue.get(issueKey);
        if (!issue) byIssue.set(issueKey, (issue = emptyTotals()));
      }
      for (const t of issue ? [total, issue] : [total]) {
        if (cost === null) {
          t.unpricedRecords += 1;
          t.unpricedTokens += usage.inputTokens + usage.outputTokens;
          t.unpricedModels.add(usage.model);
        } else t.costUsd += cost;
      }
    });
    const issueCost = (id: AnalysisRun['finishedIssues']['ids'][number]): number | null => {
      const t = byIssue.get(JSON.stringify(id));
      return !t ? 0 : t.unpricedRecords > 0 ? null : t.costUsd;
    };
    out.push({
      ...run,
      costUsd: total.costUsd,
      unpricedRecords: total.unpricedRecords,
      unpricedTokens: total.unpricedTokens,
      unpricedModels: [...total.unpricedModels].sort(),
      finishedIssues: { ...run.finishedIssues, costUsd: run.finishedIssues.ids.map(issueCost) },
      repriced: {
        pricesAs: 'current',
        table,
        recorded: {
          costUsd: run.costUsd,
          unpricedRecords: run.unpricedRecords,
          unpricedTokens: run.unpricedTokens,
          unpricedModels: run.unpricedModels,
        },
      },
    });
  }
  return out;
}
