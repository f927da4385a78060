import { ConfigError, parseEnv, type MirrorEnv } from '@mirror/config';
import type { Logger } from '@mirror/logger';

/**
 * Parse the environment for a process that is starting, or exit with the message that names
 * every bad variable (no stack trace: the operator has a setting to fix, not a bug to report).
 */
export function parseEnvOrExit(app: string, required: Parameters<typeof parseEnv>[1] = []): MirrorEnv {
  try {
    return parseEnv(process.env, required);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${app}: cannot start.\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Shut down gracefully on SIGTERM/SIGINT (stop accepting, finish what is in flight, close
 * pools: `shutdown` does that), then exit 0. A second signal exits at once: whatever was in
 * flight is redelivered or retried by its sender, since nothing is acknowledged before it is safe.
 */
export function shutdownOnSignals(logger: Logger, shutdown: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Run a composition root; an error escaping it is fatal. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
