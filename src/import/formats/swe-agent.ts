import fs from 'node:fs';
import path from 'node:path';
import type { JsonValue } from '../../../events/config.js';
import { isCredentialKey } from '../../collector/sanitize.js';
import { ImportInputError } from '../../errors.js';
import { agentFinished, errorEvent, issueEnd, NOT_EVALUATED, toolCallEvents, type Verdict } from '../agent-issue.js';
import { FieldReader, issueIdOf } from '../fields.js';
import type { ImportedEvent, ImportedRun, Importer, ImportOptions } from '../importer.js';
import { readJsonFile } from '../json-lines.js';
import { splitModelName } from '../model-name.js';
import { NO_CODE_METRICS, patchStats } from '../patch-stats.js';
import { sha256File, sha256OfFiles, sha256Text } from '../source-hash.js';
import { tokenRecord, unknownCostRecord } from '../token-record.js';
import { isDirectory, walkFiles } from '../walk.js';
import { reportedCost } from './reported-cost.js';
import { readReport, type Report } from './swe-bench.js';
import { miniTrajectory } from './mini-swe-agent-trajectory.js';
import { sweAgentTrajectory, type Trajectory } from './swe-agent-trajectory.js';

/** SWE-agent writes `<instance>/<instance>.traj`, mini-swe-agent `<instance>/<instance>.traj.json`. */
const isTrajectoryFile = (name: string): boolean => name.endsWith('.traj') || name.endsWith('.traj.json');

interface TrajectoryFile {
  readonly file: string;
  readonly sha256: string;
  readonly mtime: Date;
}

/** A trajectory file's text and JSON: one file in memory at a time. */
async function readTrajectoryFile(file: string): Promise<{ text: string; record: Record<string, unknown> }> {
  const text = await fs.promises.readFile(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = await readJsonFile(file); // throws with the line named
  }
  return { text, record: new FieldReader(file).object(value, 'a trajectory') };
}

/** Either harness's trajectory, by its own marks: mini-swe-agent's `messages` and `trajectory_format`, SWE-agent's `trajectory` steps. */
export function parseTrajectory(file: string, record: Record<string, unknown>, mtime: Date): Trajectory {
  if (Array.isArray(record.messages) || typeof record.trajectory_format === 'string') return miniTrajectory(file, record, mtime);
  if (Array.isArray(record.trajectory) || Array.isArray(record.attempts)) return sweAgentTrajectory(file, record, mtime);
  throw new FieldReader(file).fail('has neither "trajectory" (SWE-agent) nor "messages" (mini-swe-agent): not an agent trajectory');
}

/** What the run's config says of the configuration: the model and its settings, the agent; never a credential. */
function configOf(trajectory: Trajectory): ImportedRun['config'] {
  const { provider } = splitModelName(trajectory.model);
  const llm: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(trajectory.modelSettings))
    if (!isCredentialKey(key) && (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')) llm[key] = value;
  return {
    llm: { ...llm, model: trajectory.model, ...(provider === null ? {} : { provider }) },
    agent: trajectory.agent,
    ...trajectory.agentSettings,
  };
}

function sameConfiguration(a: ImportedRun['config'], b: ImportedRun['config']): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const sweAgentImporter: Importer = {
  format: 'swe-agent',
  takes: "SWE-agent trajectories (*.traj) or mini-swe-agent's (*.traj.json): a file, or a run's output folder holding one per instance",
  results: 'a SWE-bench run report (<model>.<run_id>.json): the outcome of each trajectory',

  async detect(inputPath) {
    if (await isDirectory(inputPath)) {
      for await (const file of walkFiles(inputPath, isTrajectoryFile)) return looksLikeTrajectory(file);
      return false;
    }
    return isTrajectoryFile(path.basename(inputPath)) && looksLikeTrajectory(inputPath);
  },

  async *runs(inputPath, options) {
    yield await trajectoryRun(inputPath, options);
  },
};

async function looksLikeTrajectory(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r').catch(() => null);
  if (handle === null) return false;
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return /^\s*\{/.test(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

async function trajectoryRun(inputPath: string, options: ImportOptions): Promise<ImportedRun> {
  const folder = (await isDirectory(inputPath)) ? inputPath : path.dirname(inputPath);
  const paths = folder === inputPath ? walkFiles(inputPath, isTrajectoryFile) : single(inputPath);
  // First pass: the files, the one configuration they share, the earliest time, the source hash.
  const files: TrajectoryFile[] = [];
  let config: ImportedRun['config'] | null = null;
  let startedAt = Number.POSITIVE_INFINITY;
  for await (const file of paths) {
    const { text, record } = await readTrajectoryFile(file);
    const mtime = (await fs.promises.stat(file)).mtime;
    const trajectory = parseTrajectory(file, record, mtime);
    const own = configOf(trajectory);
    if (config !== null && !sameConfiguration(config, own))
      throw new FieldReader(file).fail(
        `was made with ${JSON.stringify(own)}, where earlier trajectories of this folder have ${JSON.stringify(config)}: one folder is one run of one configuration`,
      );
    config = own;
    startedAt = Math.min(startedAt, trajectory.startedAt.getTime());
    files.push({ file, sha256: sha256Text(text), mtime });
    options.onProgress?.(files.length, null);
  }
  if (files.length === 0 || config === null) throw new ImportInputError(inputPath, null, 'holds no *.traj or *.traj.json file');
  const trajectoriesSha = sha256OfFiles(folder, files);
  const results = options.results === undefined ? null : await readReport(options.results);
  const resultsSha = options.results === undefined ? null : await sha256File(options.results);
  return {
    identity: sha256Text(`${trajectoriesSha}\n${resultsSha ?? ''}`),
    label: inputPath,
    source: {
      file: path.resolve(inputPath),
      sha256: trajectoriesSha,
      trajectories: files.length,
      results: options.results === undefined ? null : path.resolve(options.results),
      resultsSha256: resultsSha,
    },
    config,
    startedAt: new Date(startedAt),
    async *events() {
      let finishedAt = 0;
      for (const [index, entry] of files.entries()) {
        const { text, record } = await readTrajectoryFile(entry.file);
        if (sha256Text(text) !== entry.sha256)
          throw new ImportInputError(entry.file, null, 'changed while it was being imported; import again when the run has finished');
        const trajectory = parseTrajectory(entry.file, record, entry.mtime);
        yield* trajectoryEvents(trajectory, results, options);
        finishedAt = Math.max(finishedAt, trajectory.finishedAt.getTime());
        options.onProgress?.(index + 1, files.length);
      }
      yield { ts: new Date(finishedAt), type: 'RunFinished', data: { status: 'completed', durationMs: null, reason: null } };
    },
  };
}

async function* single(file: string): AsyncGenerator<string> {
  yield file;
}

/**
 * The verdict on an instance: from the SWE-bench report when one is joined (resolved: completed;
 * unresolved, error, empty patch: failed), else not evaluated (README "SWE-agent and mini-swe-agent").
 */
function verdictOf(instanceId: string, results: Report | null): Verdict {
  if (results === null) return { status: 'skipped', labels: [NOT_EVALUATED] };
  const outcome = results.outcomes.get(instanceId);
  if (outcome === undefined) return { status: 'skipped', labels: ['not-in-results'] };
  if (outcome === 'resolved') return { status: 'completed', labels: [] };
  return { status: 'failed', labels: [outcome] };
}

/** One trajectory: the issue, one agent attempt per attempt of the trajectory with its tool calls, tokens and cost, its end. */
function* trajectoryEvents(trajectory: Trajectory, results: Report | null, options: ImportOptions): Generator<ImportedEvent> {
  const issueId = issueIdOf(trajectory.instanceId);
  const verdict = verdictOf(trajectory.instanceId, results);
  const exitLabel = trajectory.exitStatus === null ? ['no-exit-status'] : [];
  yield {
    ts: trajectory.startedAt,
    type: 'IssueStarted',
    data: { issueId, title: trajectory.instanceId, labels: [...verdict.labels, ...exitLabel] },
  };
  for (const [i, attempt] of trajectory.attempts.entries()) {
    const agentId = `${issueId}.attempt${i + 1}`;
    yield { ts: attempt.startedAt, type: 'AgentStarted', data: { agentId, agentType: 'agent', issueId, attempt: i + 1 } };
    for (const call of attempt.calls) yield* toolCallEvents(issueId, agentId, { ...call, callId: `${agentId}.${call.callId}` });
    const submitted = attempt.exitStatus !== null && /^submitted/i.test(attempt.exitStatus);
    if (!submitted)
      yield errorEvent(
        attempt.finishedAt,
        attempt.exitStatus === null ? 'no-exit-status' : 'exit-status',
        attempt.exitStatus === null
          ? 'the trajectory has no exit status: the agent did not finish (it crashed, or was still running)'
          : `the agent exited with status ${attempt.exitStatus}`,
        issueId,
        agentId,
      );
    const { success, error } = attemptOutcome(verdict, submitted, i === trajectory.chosenAttempt, attempt.exitStatus);
    yield agentFinished(attempt.finishedAt, { agentId, issueId }, { success, durationMs: null, error });
  }
  yield { ts: trajectory.finishedAt, type: 'TokensUsed', data: usageRecord(trajectory, issueId, options) };
  const code = trajectory.submission ? patchStats(trajectory.submission) : NO_CODE_METRICS;
  yield issueEnd(trajectory.finishedAt, issueId, verdict, null, code);
}

/**
 * An attempt's outcome: judged by the report when one is joined (only the attempt the harness
 * chose is judged), else whether the agent submitted.
 */
function attemptOutcome(
  verdict: Verdict,
  submitted: boolean,
  chosen: boolean,
  exitStatus: string | null,
): { success: boolean; error: string | null } {
  if (verdict.status === 'skipped') return { success: submitted, error: submitted ? null : `exit status ${exitStatus ?? 'missing'}` };
  if (verdict.status === 'completed' && chosen) return { success: true, error: null };
  if (!submitted) return { success: false, error: `exit status ${exitStatus ?? 'missing'}` };
  return {
    success: false,
    error: chosen ? `the SWE-bench evaluation did not resolve it (${verdict.labels.join(', ')})` : 'not the attempt the retry loop chose',
  };
}

/** The trajectory's tokens priced as usual, its instance_cost as the reported cost; a cost of 0 for work that made calls is unknown. */
function usageRecord(trajectory: Trajectory, issueId: string, options: ImportOptions): ReturnType<typeof tokenRecord> {
  const { provider, model } = splitModelName(trajectory.model);
  const usage = trajectory.usage;
  const tokens = usage.inputTokens === null ? null : usage.inputTokens + (usage.outputTokens ?? 0);
  const cost = reportedCost(usage.costUsd, tokens ?? (usage.apiCalls === 0 ? 0 : null));
  if (usage.inputTokens === null && cost === null) return unknownCostRecord(model, provider, issueId);
  return tokenRecord(
    options.prices,
    {
      model,
      provider,
      inputTokens: usage.inputTokens ?? 0,
      outputTokens: usage.outputTokens ?? 0,
      cacheReadTokens: usage.cacheReadTokens,
      reasoningTokens: usage.reasoningTokens,
      reportedCostUsd: cost,
      issueId,
      agentId: null,
    },
    trajectory.finishedAt,
  );
}
