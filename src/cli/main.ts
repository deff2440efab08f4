#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { printable, RunledgerError } from '../errors.js';
import { runledgerVersion } from '../version.js';
import { registerCommands } from './commands.js';
import { EXIT_INTERNAL, EXIT_USAGE, fileSystemErrorOf, UsageError } from './exit-codes.js';

const program = new Command('runledger')
  .description('crash-safe run journals for LLM agent supervisors')
  .version(runledgerVersion())
  .option('--debug', 'print the stack trace of an unexpected error')
  .exitOverride();
registerCommands(program);

const debug = (): boolean => process.argv.includes('--debug');

/**
 * The one place an error ends a command: a refusal (RunledgerError, a bad argument, a file-system
 * error such as ENOSPC or EACCES) prints its message on one line and exits 2; anything else is a
 * bug of runledger's: one line, "please report", and the stack only with --debug.
 */
function fail(error: unknown): void {
  if (error instanceof CommanderError) {
    // Help and version end with exit code 0; commander already printed what was wrong otherwise.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
    return;
  }
  const refusal = error instanceof UsageError || error instanceof RunledgerError ? error : fileSystemErrorOf(error);
  if (refusal) {
    process.stderr.write(`runledger: ${printable(refusal.message)}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(
    `runledger: unexpected error: ${printable(message)}. This is a bug in runledger ${runledgerVersion()}: please report it` +
      `${debug() ? '' : ' (run again with --debug for the stack trace)'}.\n`,
  );
  if (debug() && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = EXIT_INTERNAL;
}

// Errors thrown from timers and streams (tail --follow, serve) end the same way, never as a raw stack.
process.on('uncaughtException', (error) => {
  fail(error);
  process.exit();
});
process.on('unhandledRejection', (error) => {
  fail(error);
  process.exit();
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  fail(error);
}
