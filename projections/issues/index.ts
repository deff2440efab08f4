export { initialIssues, evolveIssues, issueKey, type IssuesState, type IssueState } from './issues.js';
export { complexityScore, DEFAULT_EXPECTED_AGENT_ATTEMPTS, type ComplexityInputs, type ComplexityScore } from './complexity.js';
