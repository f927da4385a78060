import type { Command } from 'commander';
import { ConfigError } from '@mirror/config';

/** Turns any failure into a clear message on stderr and a non-zero exit code (never a stack dump for expected problems). */
export async function runCli(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mirror: ${message}\n`);
    if (!(error instanceof ConfigError) && process.env['DEBUG'] && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
    }
    process.exitCode = 1;
  }
}
