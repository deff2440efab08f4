/**
 * One supervisor's start-up, as a child process of the start-up figures: `import { MetricsCollector }
 * from 'runledger'` (the package's own entry, as a user imports it), then start() and finalizeRun()
 * of one run in argv[2] (a logs folder). Live updates are off: what is measured is what a supervisor
 * pays to record, not the replay a live update starts after the run.
 */
import { MetricsCollector } from 'runledger';

const dir = process.argv[2];
if (!dir) throw new Error('usage: startup-collector.js <logsDir>');
const collector = await MetricsCollector.start({
  dir,
  projectId: 'startup',
  config: { llm: { provider: 'openai', model: 'gpt-4o', temperature: 0 } },
  liveUpdates: false,
});
collector.finalizeRun('completed');
