import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Per model: what `compare --by llm.model` counts, as the fair comparison's common ground. */
export interface ModelTotals {
  readonly model: string;
  readonly runs: number;
  readonly issues: number;
  readonly completedIssues: number;
  readonly costUsd: number;
}

/**
 * The same group-by, by DuckDB straight over the raw journals: each run's model from RunStarted,
 * its issues (IssueStarted), successes (IssueFinished completed) and cost (TokensUsed), summed per
 * model. Running runs are left out as the analyzer leaves them out (none in a generated history).
 * DuckDB reads the NDJSON with its own parallel reader and does not verify the hash chain.
 */
function modelTotalsSql(logsDir: string): string {
  const glob = path.join(logsDir, 'runs', '*', 'events.ndjson').replaceAll("'", "''");
  return `
    WITH events AS (
      SELECT runId, type, data
      FROM read_ndjson('${glob}', columns = {runId: 'VARCHAR', type: 'VARCHAR', data: 'JSON'}, format = 'newline_delimited')
    ),
    run_model AS (
      SELECT runId, json_extract_string(data, '$.config.llm.model') AS model FROM events WHERE type = 'RunStarted'
    ),
    per_run AS (
      SELECT runId,
        count(*) FILTER (WHERE type = 'IssueStarted') AS issues,
        count(*) FILTER (WHERE type = 'IssueFinished' AND json_extract_string(data, '$.status') = 'completed') AS completed,
        coalesce(sum(CAST(json_extract_string(data, '$.cost.totalUsd') AS DOUBLE)) FILTER (WHERE type = 'TokensUsed'), 0) AS cost
      FROM events GROUP BY runId
    )
    SELECT model, count(*)::INTEGER AS runs, sum(issues)::INTEGER AS issues, sum(completed)::INTEGER AS completed, sum(cost)::DOUBLE AS cost
    FROM run_model JOIN per_run USING (runId)
    GROUP BY model ORDER BY model`;
}

export interface DuckDbSession {
  readonly threads: number;
  modelTotals(): Promise<ModelTotals[]>;
  close(): void;
}

/** One in-memory DuckDB with as many threads as the machine has cores, kept open across rounds as an app would. */
export async function openDuckDb(logsDir: string): Promise<DuckDbSession> {
  const threads = os.cpus().length;
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection: DuckDBConnection = await instance.connect();
  const sql = modelTotalsSql(logsDir);
  return {
    threads,
    async modelTotals() {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS().map((row) => ({
        model: String(row.model),
        runs: Number(row.runs),
        issues: Number(row.issues),
        completedIssues: Number(row.completed),
        costUsd: Number(row.cost),
      }));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
