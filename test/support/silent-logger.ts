import { createLogger, type Logger } from '@mirror/logger';

/** A logger that writes nothing, for tests that run the worker in-process. */
export function silentLogger(): Logger {
  return createLogger('worker-test', 'silent');
}
