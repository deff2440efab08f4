import type { Observable } from 'rxjs';
import type { JournalEntry } from '../journal/envelope.js';
import type { ResumeSummary, RunSession } from './run-session.js';

/**
 * What MetricsCollector and AsyncMetricsCollector share: the run they hold and the calls that do
 * not record an event. Each subclass adds the recording calls, synchronous or with group commit.
 */
export abstract class CollectorBase {
  protected constructor(protected readonly session: RunSession) {}

  get runId(): string {
    return this.session.runId;
  }
  get journalPath(): string {
    return this.session.journalPath;
  }
  /**
   * What `resume` found: the agents and tool calls abandoned by the previous writer, the issues
   * still open, the quarantined bytes and the downtime. Null for a run this collector started.
   */
  get resumed(): ResumeSummary | null {
    return this.session.resumed;
  }
  /** Resolves when the background update of logs/csv and the JSON reports (after a finalize) is done. */
  whenDerivedFilesUpdated(): Promise<void> {
    return this.session.whenDerivedFilesUpdated();
  }
  /** Events as they become durable. Completes when the run is finalized or closed. */
  get events$(): Observable<JournalEntry> {
    return this.session.events$.asObservable();
  }
  /** Releases the run without finalizing it (it then shows as crashed until resumed). */
  close(): void {
    this.session.close();
  }
}
