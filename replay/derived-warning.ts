/**
 * One warning line for a derived file that did not verify (docs/DESIGN.md §6.5): it is discarded and
 * what it held is rebuilt from the journal, which is the only truth.
 */
export function warnDiscarded(file: string, problem: string): void {
  process.stderr.write(`runledger: warning: ${file} did not verify (${problem}); discarded, rebuilt from the journal\n`);
}
