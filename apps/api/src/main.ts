// Composition root of the API: config, logger, signals. Everything else is in server.ts.
import { parseEnvOrExit, runMain, shutdownOnSignals } from '@mirror/lifecycle';
import { createLogger } from '@mirror/logger';
import { startApi } from './server';

runMain(async () => {
  // The token is optional in the shared schema (other processes do not need it); the API
  // refuses to start without one rather than serve customer data unauthenticated.
  const env = parseEnvOrExit('api', ['API_TOKEN']);
  const logger = createLogger('api', env.LOG_LEVEL);
  const api = await startApi({ env: { ...env, API_TOKEN: env.API_TOKEN as string }, logger });
  shutdownOnSignals(logger, (signal) => api.shutdown(signal));
});
