// Composition root of the ingest: config, logger, signals. Everything else is in server.ts.
import { ConfigError, parseEnv } from '@mirror/config';
import { createLogger } from '@mirror/logger';
import { startIngest } from './server';

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger('ingest', env.LOG_LEVEL);
  const ingest = await startIngest({
    env,
    logger,
    // Nothing in flight can succeed any more, so nothing acknowledged is lost by exiting now.
    onFatal: () => process.exit(1),
  });

  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    ingest.shutdown(signal).then(
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

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
