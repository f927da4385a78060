/**
 * How long an event can take to appear in the feed, for the OpenAPI descriptions of
 * `/v1/events` and `/v1/stream` (the reason is in `queries/events.ts`: only final positions
 * are served).
 */
export const FEED_DELAY_DESCRIPTION =
  'An event appears in the feed once its transaction has committed and every write transaction ' +
  'that started before it has ended (committed or rolled back): usually within tens of ' +
  "milliseconds of its commit. A long write transaction in the mirror's database (a stuck " +
  'session, a long migration or rebuild transaction) holds back every event stored after it ' +
  'started until it ends: such events are late, never skipped.';
