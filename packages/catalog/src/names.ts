import { EVENT_NAMES, type EventName } from './events';

/**
 * Spellings Rehook really sends for a canonical name. Its payloads say `successfull` (double l)
 * where its own event table says `successful`; both must land on one name.
 */
const ALIASES: Readonly<Record<string, EventName>> = {
  'customer.referral.successfull.advocate': 'customer.referral.successful.advocate',
  'customer.referral.successfull.friend': 'customer.referral.successful.friend',
};

const BY_NAME: ReadonlyMap<string, EventName> = new Map<string, EventName>([
  ...EVENT_NAMES.map((name): [string, EventName] => [name, name]),
  ...Object.entries(ALIASES),
]);

/**
 * The canonical name of a raw `event_name`, or `null` when the catalog does not know it.
 *
 * Matching trims surrounding whitespace and ignores case. Rehook's names are all lower case
 * today, but the same sender already misspells names and mixes key casing, and no two known
 * names differ only in case, so a `Customer.Rewarded` can only mean one event. Reading it
 * costs nothing, while calling it unrecognized would hold a real event back until a code change
 * and a rebuild. The raw name is stored as sent either way.
 */
export function canonicalEventName(rawName: string): EventName | null {
  return BY_NAME.get(rawName) ?? BY_NAME.get(rawName.trim().toLowerCase()) ?? null;
}
