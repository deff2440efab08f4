import fs from 'node:fs';
import readline from 'node:readline';
import { ImportInputError } from '../errors.js';

/**
 * The JSON values of a JSON Lines file, one at a time with its 1-based line number: the file is
 * streamed, so memory holds one line however long the file. Blank lines are skipped; a line that
 * is not JSON (a truncated last line included) is an ImportInputError naming the file and line.
 */
export async function* jsonLines(file: string): AsyncGenerator<{ readonly line: number; readonly value: unknown }> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new ImportInputError(file, line, `not a JSON value (${(error as Error).message}); a truncated file ends like this`, {
          cause: error,
        });
      }
      yield { line, value };
    }
  } finally {
    lines.close();
  }
}

/** A whole small JSON file (a report, a results file), refused with its name when it does not parse. */
export async function readJsonFile(file: string): Promise<unknown> {
  return parseJsonText(file, await fs.promises.readFile(file, 'utf8'));
}

/** The JSON value of a file's text already read, refused with the file and line when it does not parse. */
export function parseJsonText(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImportInputError(file, lineOfJsonError(text, error), `not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** The line of a JSON.parse error, from the position node puts in its message; null when it gives none. */
function lineOfJsonError(text: string, error: unknown): number | null {
  const position = /position (\d+)/.exec((error as Error).message);
  if (position) return text.slice(0, Number(position[1])).split('\n').length;
  // Node ≥ 20 says "Unexpected end of JSON input" for a truncated file: its last line.
  return /end of JSON input/.test((error as Error).message) ? text.split('\n').length : null;
}
