/**
 * The cost a source reported, as `reportedCostUsd`, or null (unknown). The rule: a cost of exactly 0
 * for work that used tokens, or for a whole run (a leaderboard entry), is unknown, not free. aider
 * computes its cost from LiteLLM's price list and writes 0 for a model that list does not know, and
 * its leaderboard carries those zeros; no billed call costs exactly $0.
 */
export function reportedCost(cost: number | null, tokens: number | null): number | null {
  if (cost === null) return null;
  if (cost === 0 && (tokens === null || tokens > 0)) return null;
  return cost;
}
