import os from 'node:os';
import type { RunledgerServer } from './server.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * What the library's signal handling does for a run, done for a server: on SIGINT, SIGTERM or
 * SIGHUP it stops accepting, lets requests in flight finish (their events become durable and are
 * answered), records RunFinished "interrupted" for the runs still open, then ends the process by
 * the same signal. A second signal while that is under way does not wait for requests in flight.
 */
export function stopOnSignals(
  server: RunledgerServer,
  onStopped: (signal: NodeJS.Signals, runIds: readonly string[]) => void = () => {},
): () => void {
  let stopping = false;
  const remove = (): void => {
    for (const signal of SIGNALS) process.removeListener(signal, handler);
  };
  const raise = (signal: NodeJS.Signals): void => {
    remove();
    process.kill(process.pid, signal);
    // Another listener (proper-lockfile's signal-exit) may still turn the signal into a JS event, which
    // needs one more turn of the event loop; with nothing else left the loop would end first, with
    // exit code 0. This timer keeps it turning; should the signal still not end the process, 128 + n does.
    setTimeout(() => process.exit(128 + (os.constants.signals[signal] ?? 0)), 2000);
  };
  function handler(signal: NodeJS.Signals): void {
    if (stopping) {
      onStopped(signal, server.finalizeOpenRunsNow(`received ${signal} again while stopping`));
      raise(signal);
      return;
    }
    stopping = true;
    void server.close(`received ${signal}`).then(
      (runIds) => {
        onStopped(signal, runIds);
        raise(signal);
      },
      (error: unknown) => {
        process.stderr.write(`runledger serve: stopping failed: ${(error as Error).message}\n`);
        onStopped(signal, server.finalizeOpenRunsNow(`received ${signal}; stopping failed`));
        raise(signal);
      },
    );
  }
  for (const signal of SIGNALS) process.on(signal, handler);
  return remove;
}
