export {
  initialToolUsage,
  evolveToolUsage,
  toolUsageModels,
  type ToolUsageState,
  type ToolUsageModel,
  type ToolStats,
} from './tool-usage.js';
