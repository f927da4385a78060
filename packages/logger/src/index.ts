import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Credentials and bodies never reach a log line: the paths below are
 * redacted wherever they appear, and callers log bodies only at debug level.
 */
export function createLogger(name: string, level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          'authorization',
          'password',
          '*.password',
          'token',
          '*.token',
          'body',
          '*.body',
          'rawBody',
          '*.rawBody',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
