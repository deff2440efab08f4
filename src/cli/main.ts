#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { RunledgerError } from '../errors.js';
import { runledgerVersion } from '../version.js';
import { EXIT_USAGE, UsageError } from './exit-codes.js';
import { registerAnalysis } from './analysis-commands.js';
import { registerCleanup } from './cleanup-command.js';
import { registerPrices } from './prices-command.js';
import { registerRuns } from './runs-command.js';
import { registerShow } from './show-command.js';
import { registerTail } from './tail-command.js';
import { registerReplay } from './replay-command.js';
import { registerShip } from './ship-command.js';
import { registerServe } from './serve-command.js';
import { registerVerify } from './verify-command.js';

const program = new Command('runledger')
  .description('crash-safe run journals for LLM agent supervisors')
  .version(runledgerVersion())
  .exitOverride();
registerRuns(program);
registerShow(program);
registerTail(program);
registerVerify(program);
registerReplay(program);
registerCleanup(program);
registerShip(program);
registerAnalysis(program);
registerPrices(program);
registerServe(program);

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
