/** A one-line progress bar on stderr, for a TTY only; silent otherwise (pipes, --json, tests). */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export function progressBar(label: string, total: number, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY || total < 2) return { update: () => {}, finish: () => {} };
  let last = 0;
  const draw = (done: number): void => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
  };
  return {
    update: (done) => {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      draw(done);
    },
    finish: () => {
      draw(total);
      stream.write('\n');
    },
  };
}
