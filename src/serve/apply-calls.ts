import { parseCallRequest, planCall } from './calls.js';
import type { OpenRun, OpenRuns } from './open-runs.js';
import type { BatchLine } from './request-bodies.js';

/** What became of a request's items: a durable prefix, then at most one item that stopped the rest. */
export interface AppliedCalls {
  /** What each durable item's library call returned (null for calls that return nothing), in order. */
  readonly results: unknown[];
  /** The item that was refused (0 bytes written) or whose append failed; null when all are durable. */
  readonly stopped: { readonly index: number; readonly line: number; readonly error: unknown } | null;
  /** The stopping item and those after it: none of them is in the journal. */
  readonly notApplied: number;
}

/**
 * Applies a request's items in order, and stops at the first item that is refused: the items
 * before it are durable, it and those after it are not in the journal. Later items often depend on
 * earlier ones (an endToolCall on the call a refused startToolCall would have opened), so going on
 * would turn one refusal into a string of confusing ones; the client resends from the refused item.
 *
 * Every item is planned (validated) synchronously, one after the other, with no await in between:
 * a batch's lines are consecutive in the journal and share one group commit. The answer waits for
 * the fdatasync that covers the last queued item.
 */
export async function applyCalls(runs: OpenRuns, run: OpenRun, items: readonly BatchLine[]): Promise<AppliedCalls> {
  const queued: Array<Promise<unknown>> = [];
  let refused: AppliedCalls['stopped'] = null;
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index]!;
    try {
      if (item.error) throw item.error;
      const committed = runs.commit(run, planCall(run.session.planner, parseCallRequest(item.item)));
      // Awaited below, all together; this only keeps a failure from counting as unhandled meanwhile.
      committed.catch(() => {});
      queued.push(committed);
    } catch (error) {
      refused = { index, line: item.line, error };
      break;
    }
  }
  const settled = await Promise.allSettled(queued);
  const results: unknown[] = [];
  for (const [index, outcome] of settled.entries()) {
    if (outcome.status === 'rejected') {
      // The journal failed: it cut itself back to its last durable line and rejected every line queued after it.
      return { results, stopped: { index, line: items[index]!.line, error: outcome.reason }, notApplied: items.length - index };
    }
    results.push(outcome.value ?? null);
  }
  return { results, stopped: refused, notApplied: items.length - results.length };
}
