/**
 * The interface every format's importer implements (one module per format, listed in registry.ts):
 * `detect` says whether a path looks like the format, `runs` reads it as a stream and yields the
 * runs it holds, each with its events as an async iterable. The framework (import-runs.ts) builds
 * RunStarted, validates every event, and writes each run whole or not at all (run-file.ts).
 */
import type { JsonValue } from '../../events/config.js';
import type { EventType } from '../../events/registry.js';
import type { PriceBook } from '../prices/price-book.js';

/** Events an importer yields: everything after RunStarted, ending with RunFinished. */
export type ImportedEventType = Exclude<EventType, 'RunStarted' | 'RunResumed' | 'TailQuarantined'>;

export interface ImportedEvent {
  /** From the source where it has a time, else the file's modification time. */
  readonly ts: Date;
  readonly type: ImportedEventType;
  /** Checked with validateEventData before anything is written. */
  readonly data: unknown;
}

export interface ImportedRun {
  /**
   * SHA-256 (hex) of what makes this run: the run id derives from it, so importing the same source
   * twice finds the run already there. For a source holding one run, its sha256; for a source
   * holding several (a leaderboard), the run's own part of it.
   */
  readonly identity: string;
  /** The run in messages: a file, or a file and an entry. */
  readonly label: string;
  /** `source.file` and `source.sha256` of the run's config (`source.format` is the importer's). */
  readonly source: { readonly file: string; readonly sha256: string } & Readonly<Record<string, JsonValue>>;
  /** What the source says of the configuration: `llm.model`, `editFormat`, `agent`, anything else under its own name. */
  readonly config: { readonly llm: { readonly model: string } & Readonly<Record<string, JsonValue>> } & Readonly<Record<string, JsonValue>>;
  readonly startedAt: Date;
  /** Read again from the source each time it is called: never held in memory whole. */
  events(): AsyncIterable<ImportedEvent>;
}

export interface ImportOptions {
  readonly prices: PriceBook;
  /** A results file to join (swe-agent trajectories with a SWE-bench report); formats that take none refuse it. */
  readonly results?: string;
  /** Called as source files are read: how many so far, and of how many when known. */
  readonly onProgress?: (done: number, total: number | null) => void;
}

export interface Importer {
  readonly format: string;
  /** One line for `runledger import --help` and messages: what path the format takes. */
  readonly takes: string;
  /** What `--results` joins, for a format that takes a results file; absent: `--results` is refused. */
  readonly results?: string;
  /** Whether `inputPath` looks like this format (by name and a first look inside); never throws for a readable path. */
  detect(inputPath: string): Promise<boolean>;
  /** The runs `inputPath` holds. Bad input throws ImportInputError naming the file and line. */
  runs(inputPath: string, options: ImportOptions): AsyncIterable<ImportedRun>;
}
