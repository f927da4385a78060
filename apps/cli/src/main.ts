#!/usr/bin/env node
// The operator CLI: `pnpm mirror <command>`. Each command lives in ./commands/<name>.ts and
// registers itself here; `pnpm mirror --help` lists them.
import { Command } from 'commander';
import { registerExport } from './commands/export';
import { registerImport } from './commands/import';
import { registerMigrate } from './commands/migrate';
import { registerRebuild } from './commands/rebuild';
import { registerReconcile } from './commands/reconcile';
import { registerResume } from './commands/resume';
import { registerRetryFailed } from './commands/retry-failed';
import { registerSimulate } from './commands/simulate';
import { registerStats } from './commands/stats';
import { registerVerify } from './commands/verify';
import { runCli } from './run-cli';

const program = new Command('mirror')
  .description('Rehook Mirror operator commands')
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: true });

registerMigrate(program);
registerSimulate(program);
registerStats(program);
registerImport(program);
registerExport(program);
registerRebuild(program);
registerResume(program);
registerRetryFailed(program);
registerReconcile(program);
registerVerify(program);

void runCli(program, process.argv);
