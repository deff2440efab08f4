export { initialAgents, evolveAgents, type AgentsState, type AgentState, type AgentStatus } from './agents.js';
