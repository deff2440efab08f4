/** What one timed leg did: how many journal lines (or bare lines, or events) it handled, and in how long. */
export interface LegResult {
  readonly lines: number;
  readonly ms: number;
  /** Peak resident set size of the process that did the leg, for the memory figures. */
  readonly peakRssBytes?: number;
}

export interface CollectorLegResult extends LegResult {
  /** The average size of the journal lines this leg wrote (or read). */
  readonly lineBytes: number;
}

export const linesPerSecond = (leg: LegResult): number => (leg.lines / leg.ms) * 1000;
export const microsPerLine = (leg: LegResult): number => (leg.ms * 1000) / leg.lines;
