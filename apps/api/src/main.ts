// Composition root of the API: config, logger, signals. Everything else is in server.ts.
import { ConfigError, parseEnv } from '@mirror/config';
import { createLogger } from '@mirror/logger';
import { startApi } from './server';

async function main(): Promise<void> {
  let env;
  try {
    // The token is optional in the shared schema (other processes do not need it); the API
    // refuses to start without one rather than serve customer data unauthenticated.
    env = parseEnv(process.env, ['API_TOKEN']);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`api: cannot start.\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger('api', env.LOG_LEVEL);
  const api = await startApi({ env: { ...env, API_TOKEN: env.API_TOKEN as string }, logger });

  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    api.shutdown(signal).then(
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
