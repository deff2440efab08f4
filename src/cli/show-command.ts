import type { RunEntry } from '../journal/envelope.js';
import { checkJournalEvent } from '../../events/registry.js';
import { toVerification } from '../audit/verify-runs.js';
import { assertRunId } from '../journal/paths.js';
import { scanJournal } from '../journal/reader.js';
import { colours } from './colour.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './exit-codes.js';
import { issueOfEvent, summarizeEvent } from './event-summary.js';
import { existingJournal } from './logs-dir.js';
import { printable } from '../errors.js';

export interface ShowOptions {
  dir?: string;
  issue?: string;
  json?: boolean;
}

export function showCommand(runId: string, options: ShowOptions): void {
  assertRunId(runId);
  const journal = existingJournal(options.dir, runId);
  const callIssues = new Map<string, string | number | null>();
  const events: RunEntry[] = [];
  const issues = new Set<string>();
  const scan = scanJournal(journal, { runId, checkEvent: checkJournalEvent }, (entry) => {
    const e = entry as RunEntry;
    const issueId = issueOfEvent(e, callIssues);
    if (issueId !== null) issues.add(String(issueId));
    if (options.issue === undefined || (issueId !== null && String(issueId) === options.issue)) events.push(e);
  });
  const verification = toVerification(scan);
  if (options.issue !== undefined && !issues.has(options.issue) && verification.verdict !== 'corrupt') {
    const known = [...issues].slice(0, 20).map((id) => JSON.stringify(id));
    throw new UsageError(
      `--issue ${JSON.stringify(options.issue)}: run ${runId} has no such issue (${known.length > 0 ? `its issues: ${known.join(', ')}${issues.size > known.length ? ', ...' : ''}` : 'it has no issues'})`,
    );
  }
  process.exitCode = verification.verdict === 'corrupt' ? EXIT_FINDINGS : EXIT_OK;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ runId, verification, events }, null, 2)}\n`);
    return;
  }
  const c = colours();
  for (const e of events)
    process.stdout.write(`${String(e.seq).padStart(5)}  ${c.dim(e.ts)}  ${e.type.padEnd(22)} ${printable(summarizeEvent(e))}\n`);
  if (verification.verdict === 'intact') process.stdout.write(c.green(`chain verified: ${verification.events} events intact\n`));
  else if (verification.tornTail)
    process.stdout.write(
      c.yellow(
        `chain verified up to byte ${verification.tornTail.offset}; torn tail of ${verification.tornTail.bytes} bytes after it (${printable(verification.tornTail.problem)})\n`,
      ),
    );
  else if (verification.corruption)
    process.stdout.write(
      c.red(
        `CORRUPT at line ${verification.corruption.line} (byte ${verification.corruption.offset}): ${printable(verification.corruption.problem)}; events after it are not shown\n`,
      ),
    );
}
