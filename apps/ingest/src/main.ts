// Composition root of the ingest: config, logger, signals. Everything else is in server.ts.
import { parseEnvOrExit, runMain, shutdownOnSignals } from '@mirror/lifecycle';
import { createLogger } from '@mirror/logger';
import { startIngest } from './server';

runMain(async () => {
  const env = parseEnvOrExit('ingest');
  const logger = createLogger('ingest', env.LOG_LEVEL);
  const ingest = await startIngest({
    env,
    logger,
    // Nothing in flight can succeed any more, so nothing acknowledged is lost by exiting now.
    onFatal: () => process.exit(1),
  });
  shutdownOnSignals(logger, (signal) => ingest.shutdown(signal));
});
