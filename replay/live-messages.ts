/** What a collector asks of a live update (the collector's LiveUpdateRequest, which replay does not import). */
export type LiveUpdateRequest = { readonly runIds: readonly string[] } | { readonly tablesLaggingMs: number };

/** What a live update answers: since when the tables are stale (null: current), and the events it read. */
export interface LiveUpdateAnswer {
  readonly tablesStaleSince: number | null;
  readonly newEvents?: number;
}

/** One update asked of the live-update thread (live-thread.ts → live-worker.ts). */
export interface LiveThreadRequest {
  readonly id: number;
  readonly logsDir: string;
  readonly request?: LiveUpdateRequest;
}

/** Its answer, or its failure as plain data (an Error does not cross threads whole). */
export type LiveThreadReply =
  | { readonly id: number; readonly answer: LiveUpdateAnswer }
  | { readonly id: number; readonly failed: { readonly name: string; readonly message: string; readonly code?: string } };
