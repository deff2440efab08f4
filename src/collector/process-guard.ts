/**
 * Crash protection without try/finally discipline. While a run is open in this process:
 * - SIGINT, SIGTERM, SIGHUP: the run gets RunFinished "interrupted", then the process ends as it
 *   would have (the signal is raised again) unless the program has its own listener for it;
 * - an uncaught exception or unhandled rejection that will end the process: "crashed";
 * - the process exits before finalizeRun: "interrupted" (exit code 0) or "crashed" (otherwise).
 * Appends here are synchronous, so they are durable before the process goes.
 */
export interface GuardedRun {
  emergencyFinalize(status: 'interrupted' | 'crashed', reason: string): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type GuardedSignal = (typeof SIGNALS)[number];

const live = new Set<GuardedRun>();
let installed = false;

function finalizeAll(status: 'interrupted' | 'crashed', reason: string): void {
  for (const run of [...live]) run.emergencyFinalize(status, reason);
}

/** Listeners that proper-lockfile's signal-exit (v3) added: it re-raises the signal itself when only it is left. */
function signalExitListeners(): number {
  const emitter = (process as unknown as { __signal_exit_emitter__?: { count?: number } }).__signal_exit_emitter__;
  return emitter?.count ?? 0;
}

const onSignal = (signal: GuardedSignal): void => {
  finalizeAll('interrupted', `received ${signal}`);
  uninstall();
  // With no listener of the program's own, the default action (ending the process) is what would
  // have happened. It happens now, before any other callback: a signal raised again with
  // process.kill would be handled on a later turn of the event loop (signal-exit still listens),
  // and the program's next call would meet a finalized run and end the process with code 1.
  // signal-exit, called here, raises it again once it is the only listener left, which ends the process at once.
  const remaining = process.listenerCount(signal);
  if (remaining <= signalExitListeners()) {
    if (remaining > 0) process.emit(signal, signal);
    else process.kill(process.pid, signal);
  }
};
const signalHandlers = new Map<GuardedSignal, () => void>(SIGNALS.map((s) => [s, () => onSignal(s)]));

const onUncaught = (error: unknown, origin: string): void => {
  // Only when Node is about to end the process; a program with its own handler keeps its run.
  if (process.listenerCount('uncaughtException') > 0) return;
  if (origin === 'unhandledRejection' && process.listenerCount('unhandledRejection') > 0) return;
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  finalizeAll('crashed', `${origin}: ${text}`);
};

const onExit = (code: number): void => {
  finalizeAll(code === 0 ? 'interrupted' : 'crashed', `process exited with code ${code} before finalizeRun`);
};

function install(): void {
  if (installed) return;
  installed = true;
  for (const [signal, handler] of signalHandlers) process.on(signal, handler);
  process.on('uncaughtExceptionMonitor', onUncaught);
  process.on('exit', onExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
  process.removeListener('uncaughtExceptionMonitor', onUncaught);
  process.removeListener('exit', onExit);
}

export function guardRun(run: GuardedRun): void {
  live.add(run);
  install();
}

export function unguardRun(run: GuardedRun): void {
  live.delete(run);
  if (live.size === 0) uninstall();
}
