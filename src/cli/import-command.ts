import { printable } from '../errors.js';
import { importRuns, type ImportReport } from '../import/import-runs.js';
import { importFormats } from '../import/registry.js';
import { parseConfigOverride, type ConfigOverride } from '../import/run-config.js';
import { resolveLogsDir } from '../journal/paths.js';
import { PriceBook } from '../prices/price-book.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './exit-codes.js';

export interface ImportCommandOptions {
  readonly dir?: string;
  readonly project?: string;
  readonly config?: readonly string[];
  readonly force?: boolean;
  readonly results?: string;
  readonly prices?: string;
  readonly json?: boolean;
}

/** A progress line on a terminal only, rewritten in place; nothing when stderr is a file or a pipe. */
function progressOnTty(): ((path: string, done: number, total: number | null) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (path, done, total) => {
    const now = Date.now();
    if (now - last < 100 && done !== total) return;
    last = now;
    const width = 30;
    const bar = total ? `[${'#'.repeat(Math.round((done / total) * width)).padEnd(width, '.')}] ${done}/${total}` : `${done}`;
    process.stderr.write(`\r\x1b[K${printable(path)}: ${bar} files`);
  };
}

export async function importCommand(format: string, paths: string[], options: ImportCommandOptions): Promise<void> {
  const formats = importFormats();
  if (!formats.includes(format)) throw new UsageError(`import format ${JSON.stringify(format)} is not one of ${formats.join(', ')}`);
  const config: ConfigOverride[] = (options.config ?? []).map((pair) => {
    const parsed = parseConfigOverride(pair);
    if (parsed === null) throw new UsageError(`--config ${JSON.stringify(pair)} is not key=value (e.g. llm.temperature=0.2)`);
    return parsed;
  });
  const unpriced = new Set<string>();
  const prices = new PriceBook({
    overrideFile: options.prices,
    onUnpriced: (model, provider) => unpriced.add(provider ? `${provider}:${model}` : model),
  });
  const onProgress = progressOnTty();
  const report = await importRuns({
    format,
    paths,
    logsDir: resolveLogsDir(options.dir),
    projectId: options.project ?? format,
    config,
    force: options.force === true,
    prices,
    ...(options.results === undefined ? {} : { results: options.results }),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  if (onProgress) process.stderr.write('\r\x1b[K');
  if (options.json) process.stdout.write(`${JSON.stringify({ ...report, unpricedModels: [...unpriced].sort() }, null, 2)}\n`);
  else process.stdout.write(renderReport(report, [...unpriced].sort()));
  process.exitCode = report.refused.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

function renderReport(report: ImportReport, unpriced: readonly string[]): string {
  const lines: string[] = [];
  for (const run of report.runs) {
    if (run.kind === 'imported') lines.push(`imported ${run.runId}: ${run.issues} issues, ${run.events} events (${run.label})`);
    else lines.push(`already imported as ${run.runId}: ${run.label} (--force imports it again as a new run)`);
  }
  for (const source of report.refused) lines.push(`REFUSED ${source.path}: [${source.code}] ${source.message}`);
  if (unpriced.length > 0)
    lines.push(
      `no price for ${unpriced.join(', ')}: their token records are unpriced (the source's reported cost still counts where it gave one)`,
    );
  const imported = report.runs.filter((r) => r.kind === 'imported').length;
  lines.push(
    `${imported} run${imported === 1 ? '' : 's'} imported, ${report.runs.length - imported} already there, ` +
      `${report.refused.length} file${report.refused.length === 1 ? '' : 's'} refused`,
  );
  return `${lines.map(printable).join('\n')}\n`;
}
