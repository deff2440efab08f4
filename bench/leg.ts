/** What one timed leg did: how many journal lines (or bare lines) it made durable, and in how long. */
export interface LegResult {
  readonly lines: number;
  readonly ms: number;
}

export interface CollectorLegResult extends LegResult {
  /** The average size of the mix's lines in the journal this leg wrote. */
  readonly lineBytes: number;
}

export const linesPerSecond = (leg: LegResult): number => (leg.lines / leg.ms) * 1000;
export const microsPerLine = (leg: LegResult): number => (leg.ms * 1000) / leg.lines;
