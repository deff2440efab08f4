import { ImportInputError } from '../../errors.js';
import type { ImportOptions } from '../importer.js';

/** `--results` joins a SWE-bench report to trajectories; a format whose files carry their own outcome refuses it. */
export function refuseResults(format: string, options: ImportOptions): void {
  if (options.results !== undefined)
    throw new ImportInputError(
      options.results,
      null,
      `--results joins a SWE-bench report to swe-agent trajectories; ${format} files carry their own outcomes: leave --results out`,
    );
}
