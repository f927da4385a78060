import { EVENT_NAMES } from './events';
import { canonicalEventName } from './names';

describe('canonicalEventName', () => {
  it('knows every canonical name as itself', () => {
    for (const name of EVENT_NAMES) expect(canonicalEventName(name)).toBe(name);
  });

  it("maps the payloads' successfull spelling to the table's successful one", () => {
    expect(canonicalEventName('customer.referral.successfull.advocate')).toBe(
      'customer.referral.successful.advocate',
    );
    expect(canonicalEventName('customer.referral.successfull.friend')).toBe(
      'customer.referral.successful.friend',
    );
  });

  it('ignores surrounding whitespace and letter case', () => {
    expect(canonicalEventName('  Wallet.Credited\n')).toBe('wallet.credited');
    expect(canonicalEventName('CUSTOMER.REFERRAL.SUCCESSFULL.FRIEND')).toBe(
      'customer.referral.successful.friend',
    );
  });

  it('does not guess at other misspellings or near names', () => {
    for (const raw of [
      'customer.reward',
      'wallet_credited',
      'customer.referral.successful',
      'order.success',
      '',
    ]) {
      expect(canonicalEventName(raw)).toBeNull();
    }
  });

  it('does not treat names inherited from Object.prototype as events', () => {
    expect(canonicalEventName('constructor')).toBeNull();
    expect(canonicalEventName('__proto__')).toBeNull();
  });
});
