/** Agent attempts an issue is expected to need when the run's config does not say (4, as in the v2 complexity formula). */
export const DEFAULT_EXPECTED_AGENT_ATTEMPTS = 4;

export interface ComplexityInputs {
  readonly agentAttempts: number;
  readonly expectedAgentAttempts: number;
  readonly failedPipelines: number;
  readonly debuggingCycles: number;
  readonly linesAdded: number;
  readonly linesRemoved: number;
}

export interface ComplexityScore {
  /** 0-100: the sum of the four parts. */
  readonly score: number;
  readonly agentRetries: number;
  readonly pipelineFailures: number;
  readonly debuggingCycles: number;
  readonly codeChanges: number;
}

/**
 * The v2 metrics system's complexity score, made exact (README "Complexity score"): four parts of at most 25.
 * - agent retries: 5 per agent attempt beyond the expected ones;
 * - pipeline failures: 10 per failed pipeline;
 * - debugging cycles: 10 per cycle;
 * - code changes: round((lines added + removed) / 200).
 * The v2 metrics spec's complex example (12 attempts, 3 failed pipelines, 2 cycles, 1500 lines) is 25+25+20+8 = 78.
 */
export function complexityScore(inputs: ComplexityInputs): ComplexityScore {
  const agentRetries = Math.min(25, 5 * Math.max(0, inputs.agentAttempts - inputs.expectedAgentAttempts));
  const pipelineFailures = Math.min(25, 10 * inputs.failedPipelines);
  const debuggingCycles = Math.min(25, 10 * inputs.debuggingCycles);
  const codeChanges = Math.min(25, Math.round((inputs.linesAdded + inputs.linesRemoved) / 200));
  return {
    score: agentRetries + pipelineFailures + debuggingCycles + codeChanges,
    agentRetries,
    pipelineFailures,
    debuggingCycles,
    codeChanges,
  };
}
