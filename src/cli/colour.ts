/** ANSI colour for a terminal only: never when piped, never with NO_COLOR set (https://no-color.org). */
export interface Colours {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
}

export function colours(stream: NodeJS.WriteStream = process.stdout): Colours {
  const on = stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const wrap =
    (open: number, close: number) =>
    (s: string): string =>
      on ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}

/** A run status, coloured by what it means: red for crashed and failed, yellow for interrupted. */
export function colourStatus(c: Colours, status: string): string {
  if (status === 'crashed' || status === 'failed') return c.red(status);
  if (status === 'interrupted' || status === 'running') return c.yellow(status);
  return c.green(status);
}
