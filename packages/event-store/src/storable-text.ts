// Postgres text cannot hold U+0000, and its JSON parser rejects unpaired UTF-16 surrogates
// (`"\ud800"`), while JSON.parse accepts both. A value carrying either would fail its INSERT on
// every retry, so such characters become U+FFFD (what Postgres itself does to invalid UTF-8).
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this must find
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// eslint-disable-next-line no-control-regex -- same as above, without the global flag for test()
const HAS_UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this must find
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/;

/** True when `text` can be stored by Postgres unchanged (no U+0000, no unpaired surrogate). */
export function isStorableText(text: string): boolean {
  // A plain character-class scan first: most text has neither NUL nor any surrogate at all.
  return !MAYBE_UNSTORABLE.test(text) || !HAS_UNSTORABLE.test(text);
}

/** `text` with every U+0000 and unpaired surrogate replaced by U+FFFD; the same string if none. */
export function storableText(text: string): string {
  return isStorableText(text) ? text : text.replace(UNSTORABLE, '\ufffd');
}
