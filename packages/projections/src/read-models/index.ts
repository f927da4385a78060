import { coupons } from './coupons';
import { customerProperties } from './customer-properties';
import { customers } from './customers';
import { identities } from './identities';
import { leaderboards } from './leaderboards';
import type { ReadModel } from './read-model';
import { referrals } from './referrals';
import { segments } from './segments';
import { walletLedger } from './wallet-ledger';
import { webhookRewards } from './webhook-rewards';

/** Every read model, each with the explicit list of events it handles. */
export const READ_MODELS: readonly ReadModel[] = [
  customers,
  customerProperties,
  identities,
  walletLedger,
  webhookRewards,
  coupons,
  referrals,
  leaderboards,
  segments,
];
