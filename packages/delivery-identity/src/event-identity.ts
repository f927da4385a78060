import { canonicalBodyText, sha256Hex } from './content-key';
import { identifyBody } from './occurrence-key';
import { CONTENT_KEY_PREFIX } from './window-rule';

/** Length of `content:<64 hex digits>`, a content key without its receipt stamp. */
const CONTENT_IDENTITY_LENGTH = CONTENT_KEY_PREFIX.length + 64;

/**
 * The identity of the event a body is, as a sender (the simulator, the fault harness) can know
 * it: the occurrence key, or for a
 * body identified by content the key without the first delivery's receipt stamp (which only the
 * ingest knows). Every spelling of one body has the same identity.
 */
export function eventIdentityOf(rawBody: string, body: unknown): string {
  const identity = identifyBody(body);
  if (identity.by === 'occurrence') return identity.key;
  return CONTENT_KEY_PREFIX + sha256Hex(canonicalBodyText(rawBody, body));
}

/**
 * A stored or answered event key as an identity: a content key loses its receipt stamp, so
 * that one body stored twice (under two stamps) counts as a double-counted event.
 */
export function identityOfKey(key: string): string {
  return key.startsWith(CONTENT_KEY_PREFIX) ? key.slice(0, CONTENT_IDENTITY_LENGTH) : key;
}
