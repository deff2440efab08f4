#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { RunledgerError } from '../errors.js';
import { runledgerVersion } from '../version.js';
import { registerCommands } from './commands.js';
import { EXIT_USAGE, UsageError } from './exit-codes.js';

const program = new Command('runledger')
  .description('crash-safe run journals for LLM agent supervisors')
  .version(runledgerVersion())
  .exitOverride();
registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version end with exit code 0; commander already printed what was wrong otherwise.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else if (error instanceof UsageError || error instanceof RunledgerError) {
    process.stderr.write(`runledger: ${error.message}\n`);
    process.exitCode = EXIT_USAGE;
  } else {
    throw error;
  }
}
