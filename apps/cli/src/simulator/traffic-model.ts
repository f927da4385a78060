import { CONTENT_KEY_PREFIX, eventIdentityOf } from '@mirror/delivery-identity';
import type { Delivery, Effect } from './effects';
import { Random } from './random';
import * as rehook from '@mirror/rehook-bodies';
import type { RehookBody } from '@mirror/rehook-bodies';

/** Options of {@link generateTraffic}. */
export interface TrafficOptions {
  /** Seed of every random choice: the same options give the same deliveries, byte for byte. */
  seed: number;
  /** At most this many customers; they sign up over the first half of the run. */
  customers: number;
  /** Number of deliveries to generate, redeliveries included. */
  events: number;
  /**
   * Probability that a step re-sends an earlier body instead of a new event (Rehook retrying),
   * @defaultValue 0.05
   */
  redeliveryRate?: number;
  /** Prefix of source ids and coupon codes, so runs with different tags never share a row. @defaultValue `s<seed>` */
  runTag?: string;
  /** Simulated wall clock of the first event (ms). @defaultValue 2025-01-01T00:00:00Z */
  startMs?: number;
  /**
   * Send genuine repeats: bodies identical to an earlier one that are events of their own (a
   * second identical order, a segment entered again after leaving it, the same properties set
   * again). The mirror tells them from redeliveries only by time (`WEBHOOK_DEDUPE_WINDOW_SECONDS`),
   * so each carries `repeatOf` and its sender must hold it until the window has passed since the
   * earlier one (`runSimulation` does). Off: a body identical to an earlier one is never sent as
   * a new event (segments are not re-entered; a repeated profile body counts as the same event,
   * as the mirror counts it within the window). @defaultValue false
   */
  genuineRepeats?: boolean;
  /**
   * Share of steps that place an order identical to the customer's last one, with
   * `genuineRepeats`. @defaultValue 0.03
   */
  repeatOrderRate?: number;
  /**
   * The mirror's `WEBHOOK_DEDUPE_WINDOW_SECONDS`, where it matters to the model: at 0 every
   * delivery of a body without an occurrence key is an event of its own, a redelivery included.
   * @defaultValue 3600
   */
  dedupeWindowSeconds?: number;
}

/** Every event name the simulator sends, as Rehook spells them on the wire. */
export const SIMULATED_EVENT_NAMES = [
  'customer.created',
  'signup',
  'customer.updated',
  'customer.meta.updated',
  'order_success',
  'customer.rewarded',
  'wallet.credited',
  'wallet.debited',
  'customer.referred',
  'customer.referral.successfull.advocate',
  'customer.referral.successfull.friend',
  'coupon.created',
  'coupon.rewarded',
  'coupon.redeemed',
  'coupon.redemption.rollback',
  'customer.segment.entered',
  'customer.segment.left',
  'customer.leaderboard.awarded',
] as const;
type SimulatedName = (typeof SIMULATED_EVENT_NAMES)[number];

type Action =
  | 'order'
  | 'walletReward'
  | 'walletCredit'
  | 'debit'
  | 'webhookReward'
  | 'profile'
  | 'meta'
  | 'coupon'
  | 'segment'
  | 'leaderboard';

const ACTION_WEIGHTS: Record<Action, number> = {
  order: 25,
  walletReward: 12,
  walletCredit: 4,
  debit: 8,
  webhookReward: 8,
  profile: 4,
  meta: 4,
  coupon: 10,
  segment: 8,
  leaderboard: 3,
};

/** The action that produces a missing event name, while the run has not yet sent every name. */
const ACTION_FOR_NAME: Partial<Record<SimulatedName, Action>> = {
  order_success: 'order',
  'customer.rewarded': 'webhookReward',
  'wallet.credited': 'walletReward',
  'wallet.debited': 'debit',
  'customer.updated': 'profile',
  'customer.meta.updated': 'meta',
  'coupon.created': 'coupon',
  'coupon.rewarded': 'coupon',
  'coupon.redeemed': 'coupon',
  'coupon.redemption.rollback': 'coupon',
  'customer.segment.entered': 'segment',
  'customer.segment.left': 'segment',
  'customer.leaderboard.awarded': 'leaderboard',
  // The referral events follow a referred friend's first order.
  'customer.referral.successfull.advocate': 'order',
  'customer.referral.successfull.friend': 'order',
};

const PRODUCTS = [
  { id: 1, title: 'iPhone 9', brand: 'Apple', category: 'smartphones', price: 549 },
  { id: 2, title: 'Galaxy Buds', brand: 'Samsung', category: 'audio', price: 89.5 },
  { id: 3, title: 'Trail Runner', brand: 'Asics', category: 'shoes', price: 120 },
  { id: 4, title: 'Espresso Beans 1kg', brand: 'Lavazza', category: 'groceries', price: 24.99 },
  { id: 5, title: 'Desk Lamp', brand: 'Ikea', category: 'home', price: 35 },
  { id: 6, title: 'Yoga Mat', brand: 'Decathlon', category: 'sports', price: 19.9 },
  { id: 7, title: 'Backpack 30L', brand: 'Osprey', category: 'outdoor', price: 140 },
  { id: 8, title: 'Notebook A5', brand: 'Moleskine', category: 'stationery', price: 17.5 },
] as const;
const FIRST_NAMES = ['Asha', 'Ravi', 'Mei', 'Lukas', 'Sofia', 'Omar', 'Nia', 'Jonas', 'Priya', 'Tom'];
const LAST_NAMES = ['Rao', 'Kumar', 'Chen', 'Weber', 'Rossi', 'Haddad', 'Okafor', 'Berg', 'Shah', 'Ng'];
const CITIES = ['Pune', 'Berlin', 'Lagos', 'Lisbon', 'Austin', 'Osaka'];
const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const SEGMENT_NAMES = ['High spenders', 'Newsletter', 'Churn risk', 'VIP'];

interface Campaign {
  id: string;
  type: string;
}

interface SimCoupon {
  code: string;
  holder: SimCustomer;
  /** Redemption ids not rolled back. */
  openRedemptions: string[];
}

/** Ids shared by the referral events of one friend. */
interface ReferralIds {
  campaignId: string;
  advocateCustomerId: string;
  friendCustomerId: string;
  code: string;
}

/** The `reward` of a customer.rewarded or coupon.rewarded. */
interface RewardFields {
  name: string;
  redemptionId: string;
  rewardId: string;
  redemptionDate: string;
}

interface SimCustomer {
  sourceId: string;
  /** The body of the customer's last order, which a genuine repeat sends again. */
  lastOrder: RehookBody | null;
  /** Segments the customer has entered at some time (entering again repeats that body). */
  everEntered: Set<string>;
  rehookId: string;
  name: string;
  /** The model's own running balance, so debits never exceed it (as in a real wallet). */
  balance: number;
  orders: number;
  segments: Set<string>;
  referral: { ids: ReferralIds; advocate: SimCustomer; completed: boolean } | null;
}

interface FollowUp {
  dueSeq: number;
  run: () => void;
}

/**
 * Realistic Rehook traffic, lazily: customers sign up (some referred by an earlier customer),
 * place orders, earn wallet rewards that Rehook reports twice (customer.rewarded and
 * wallet.credited with one transaction id), spend points, earn webhook rewards, hold and redeem
 * coupons (some rolled back), enter and leave segments and win leaderboard awards, with a share
 * of redeliveries. Every event name appears early in the run, so even short runs cover them all.
 *
 * Pure: no I/O, no clock, no `Math.random`.
 */
export function* generateTraffic(options: TrafficOptions): Generator<Delivery, void, undefined> {
  const model = new TrafficModel(options);
  while (model.emitted < options.events) {
    for (const delivery of model.step()) {
      if (model.yielded >= options.events) return;
      model.yielded++;
      yield delivery;
    }
  }
}

class TrafficModel {
  emitted = 0;
  yielded = 0;
  private readonly rng: Random;
  private readonly tag: string;
  private clockMs: number;
  private readonly customers: SimCustomer[] = [];
  private readonly coupons: SimCoupon[] = [];
  private readonly followUps: FollowUp[] = [];
  private readonly missing = new Set<SimulatedName>(SIMULATED_EVENT_NAMES);
  private readonly recent: Delivery[] = [];
  /** Per event identity (see `eventIdentityOf`): the last delivery that sent it as an event, and how many did. */
  private readonly sent = new Map<string, { seq: number; events: number }>();
  private out: Delivery[] = [];
  private nextCreationAt = 0;
  private readonly creationGap: number;
  private stockCounter = 100_000;
  private couponCounter = 0;
  private readonly campaigns: {
    loyalty: Campaign[];
    webhook: Campaign;
    referral: Campaign;
    coupons: Campaign[];
    leaderboard: Campaign & { leaderboardId: string };
  };
  private readonly segments: { id: string; name: string }[];

  constructor(private readonly options: TrafficOptions) {
    this.rng = new Random(options.seed);
    this.tag = options.runTag ?? `s${options.seed}`;
    this.clockMs = options.startMs ?? Date.UTC(2025, 0, 1);
    this.creationGap = Math.max(1, Math.floor(options.events / 2 / Math.max(1, options.customers)));
    const campaign = (type: string): Campaign => ({ id: this.rng.id('camp'), type });
    this.campaigns = {
      loyalty: [campaign('loyalty'), campaign('loyalty')],
      webhook: campaign('loyalty'),
      referral: campaign('referral'),
      coupons: [campaign('distribution'), campaign('distribution')],
      leaderboard: { ...campaign('leaderboard'), leaderboardId: this.rng.id('ldbd') },
    };
    this.segments = SEGMENT_NAMES.map((name) => ({ id: this.rng.id('sgmt'), name }));
  }

  /** One step of the story: one or more deliveries. */
  step(): Delivery[] {
    this.out = [];
    const redeliveryRate = this.options.redeliveryRate ?? 0.05;
    const due = this.followUps.findIndex((f) => f.dueSeq <= this.emitted);
    if (due >= 0) {
      const [followUp] = this.followUps.splice(due, 1);
      followUp?.run();
    } else if (this.recent.length > 0 && this.rng.chance(redeliveryRate)) {
      this.redeliver();
    } else if (this.options.genuineRepeats && this.rng.chance(this.options.repeatOrderRate ?? 0.03)) {
      this.repeatOrder();
    } else if (this.shouldCreateCustomer()) {
      this.createCustomer();
    } else {
      this.act();
    }
    return this.out;
  }

  private shouldCreateCustomer(): boolean {
    if (this.customers.length >= this.options.customers) return false;
    if (this.customers.length < 2 || this.emitted >= this.nextCreationAt) {
      this.nextCreationAt = this.emitted + this.rng.int(1, this.creationGap * 2);
      return true;
    }
    return false;
  }

  // ---- emitting -------------------------------------------------------------------------

  private emit(body: RehookBody, effects: Effect[], lane = body.source_id): void {
    this.clockMs += this.rng.int(1_000, 90_000);
    const all: Effect[] =
      body.source_id === ''
        ? effects
        : [{ kind: 'customer', sourceId: body.source_id, rehookCustomerId: null }, ...effects];
    const rawBody = JSON.stringify(body);
    const seq = this.emitted++;
    const delivery: Delivery = {
      seq,
      eventName: body.event_name,
      sourceId: body.source_id,
      lane,
      rawBody,
      redelivery: false,
      effects: all,
      ...this.identify(eventIdentityOf(rawBody, body), seq, this.options.genuineRepeats ?? false),
    };
    this.missing.delete(body.event_name as SimulatedName);
    this.remember(delivery);
    this.out.push(delivery);
  }

  private remember(delivery: Delivery): void {
    this.recent.push(delivery);
    if (this.recent.length > 500) this.recent.shift();
  }

  /**
   * The key of a new send of a body with this identity, and the earlier send it repeats. A body
   * with an occurrence key is always its one event. A body identified by content that was sent
   * before is, with `repeat`, an event of its own (`<identity>#<n>`, held by the sender until
   * the window has passed since `repeatOf`), and without, the same event (as the mirror counts
   * it within the window).
   */
  private identify(identity: string, seq: number, repeat: boolean): Pick<Delivery, 'key' | 'repeatOf'> {
    const earlier = this.sent.get(identity);
    if (earlier === undefined || !identity.startsWith(CONTENT_KEY_PREFIX)) {
      this.sent.set(identity, { seq, events: 1 });
      return { key: identity };
    }
    if (!repeat) return { key: identity };
    this.sent.set(identity, { seq, events: earlier.events + 1 });
    return { key: `${identity}#${earlier.events}`, repeatOf: earlier.seq };
  }

  /**
   * The same event again, as Rehook retries it. Sometimes re-serialized with other whitespace
   * and key order: still the same event, so it must still be recognised as a redelivery. A body
   * without an occurrence key is recognised only within the mirror's window, so it is redelivered
   * only soon after it was sent (one of the last few deliveries, and after it in its lane).
   */
  private redeliver(): void {
    const soon = this.recent.slice(-8);
    const original = this.rng.pick(this.rng.chance(0.5) ? soon : this.recent);
    const byContent = original.key.startsWith(CONTENT_KEY_PREFIX);
    if (byContent && !soon.includes(original)) return this.redeliverSoon(soon);
    const rawBody = this.rng.chance(0.3) ? reserialize(original.rawBody) : original.rawBody;
    const seq = this.emitted++;
    if (byContent && this.options.dedupeWindowSeconds === 0) {
      // No window: the mirror takes every delivery of such a body for an event of its own.
      const identity = original.key.replace(/#\d+$/, '');
      this.out.push({ ...original, seq, rawBody, redelivery: true, ...this.identify(identity, seq, true) });
      return;
    }
    const { repeatOf: _repeatOf, ...event } = original;
    this.out.push({ ...event, seq, rawBody, redelivery: true });
  }

  private redeliverSoon(soon: Delivery[]): void {
    const original = this.rng.pick(soon);
    if (original.key.startsWith(CONTENT_KEY_PREFIX) && this.options.dedupeWindowSeconds === 0)
      return this.act();
    const { repeatOf: _repeatOf, ...event } = original;
    this.out.push({ ...event, seq: this.emitted++, redelivery: true });
  }

  /** A second order identical to the customer's last one: a real order, though byte for byte the same. */
  private repeatOrder(): void {
    const ordered = this.customers.filter((c) => c.lastOrder !== null);
    if (ordered.length === 0) return this.act();
    const customer = this.rng.pick(ordered);
    const body = customer.lastOrder as RehookBody;
    this.emit(body, [
      { kind: 'order', sourceId: customer.sourceId, total: body.metadata['total'] as number },
    ]);
    customer.orders++;
  }

  private now(): string {
    return rehook.rehookTime(this.clockMs, this.rng.chance(0.5) ? 7 : 9, this.rng.int(0, 999_999));
  }

  private later(steps: number, run: () => void): void {
    this.followUps.push({ dueSeq: this.emitted + steps, run });
  }

  // ---- customers ------------------------------------------------------------------------

  private createCustomer(): void {
    const n = this.customers.length + 1;
    const first = this.rng.pick(FIRST_NAMES);
    const last = this.rng.pick(LAST_NAMES);
    const customer: SimCustomer = {
      sourceId: `${this.tag}-${String(n).padStart(4, '0')}@shop`,
      rehookId: this.rng.id('cust'),
      name: `${first} ${last}`,
      balance: 0,
      orders: 0,
      lastOrder: null,
      everEntered: new Set(),
      segments: new Set(),
      referral: null,
    };
    const profile = { name: customer.name, email: `${first}.${last}.${n}@example.com`.toLowerCase() };
    const variant = this.missing.has('customer.created')
      ? 'created'
      : this.missing.has('signup')
        ? 'signup'
        : this.rng.weighted({ created: 5, signup: 3, both: 2 });
    if (variant !== 'signup') {
      this.emit(rehook.customerCreated({ sourceId: customer.sourceId, customerId: customer.rehookId }), [
        { kind: 'customer', sourceId: customer.sourceId, rehookCustomerId: customer.rehookId },
      ]);
    }
    if (variant !== 'created') {
      this.emit(rehook.signup({ sourceId: customer.sourceId, customerId: customer.rehookId, profile }), [
        { kind: 'customer', sourceId: customer.sourceId, rehookCustomerId: customer.rehookId },
        { kind: 'properties', sourceId: customer.sourceId, properties: profile },
      ]);
    }
    const referred = this.customers.length === 1 || (this.customers.length > 1 && this.rng.chance(0.3));
    if (referred) {
      const advocate = this.rng.pick(this.customers);
      const ids: ReferralIds = {
        campaignId: this.campaigns.referral.id,
        advocateCustomerId: advocate.rehookId,
        friendCustomerId: customer.rehookId,
        code: `${advocate.name.split(' ')[0]?.toUpperCase() ?? 'REF'}${this.rng.int(10, 99)}`,
      };
      customer.referral = { ids, advocate, completed: false };
      const referredBody = rehook.customerReferred({
        sourceId: customer.sourceId,
        friendId: ids.friendCustomerId,
        advocateId: ids.advocateCustomerId,
        campaignId: ids.campaignId,
        code: ids.code,
      });
      this.emit(referredBody, [
        { kind: 'customer', sourceId: customer.sourceId, rehookCustomerId: customer.rehookId },
        {
          kind: 'referral',
          campaignId: ids.campaignId,
          friendCustomerId: ids.friendCustomerId,
          advocateCustomerId: ids.advocateCustomerId,
        },
      ]);
    }
    this.customers.push(customer);
  }

  private act(): void {
    const missingActions = [...this.missing]
      .map((name) => ACTION_FOR_NAME[name])
      .filter((a): a is Action => a !== undefined);
    const action =
      missingActions.length > 0 && this.rng.chance(0.7)
        ? this.rng.pick(missingActions)
        : this.rng.weighted(ACTION_WEIGHTS);
    // A referred friend's first order completes the referral: prefer one while referral events are missing.
    const waitingFriend = this.customers.find((c) => c.referral !== null && c.orders === 0);
    const customer =
      action === 'order' && waitingFriend !== undefined && this.rng.chance(0.5)
        ? waitingFriend
        : this.rng.pick(this.customers);
    switch (action) {
      case 'order':
        return this.order(customer);
      case 'walletReward':
        return this.walletReward(
          customer,
          this.rng.pick(this.campaigns.loyalty),
          this.rng.int(10, 200),
          'Bonus points',
        );
      case 'walletCredit':
        return this.walletCredit(customer);
      case 'debit':
        return this.debit(customer);
      case 'webhookReward':
        return this.webhookReward(customer, this.campaigns.webhook, this.rng.int(10, 100), 'Webhook points');
      case 'profile':
        return this.profile(customer);
      case 'meta':
        return this.meta(customer);
      case 'coupon':
        return this.coupon(customer);
      case 'segment':
        return this.segment(customer);
      case 'leaderboard':
        return this.leaderboard(customer);
      default: {
        const unhandled: never = action;
        throw new Error(`unhandled action ${String(unhandled)}`);
      }
    }
  }

  private order(customer: SimCustomer): void {
    const lines = this.rng.int(1, 3);
    const cart: rehook.CartLine[] = [];
    for (let i = 0; i < lines; i++) {
      const product = this.rng.pick(PRODUCTS);
      // Stock only ever goes down, which also makes every order body distinct: Rehook sends no
      // order id, so two byte-identical orders would count once (see the README).
      cart.push(rehook.cartLine({ ...product, quantity: this.rng.int(1, 3), stock: this.stockCounter-- }));
    }
    const body = rehook.orderSuccess({
      sourceId: customer.sourceId,
      cart,
      mode: this.rng.pick(['CARD', 'UPI', 'COD', 'WALLET']),
    });
    this.emit(body, [
      { kind: 'order', sourceId: customer.sourceId, total: body.metadata['total'] as number },
    ]);
    customer.orders++;
    customer.lastOrder = body;
    if (this.rng.chance(0.5)) {
      const points = Math.max(1, Math.floor((body.metadata['total'] as number) / 10));
      this.walletReward(customer, this.campaigns.loyalty[0] as Campaign, points, 'order success reward');
    }
    const referral = customer.referral;
    if (referral !== null && !referral.completed) {
      referral.completed = true;
      this.completeReferral(customer, referral.advocate, referral.ids);
    }
  }

  /** Rehook reports one wallet transaction twice, in either order; it must count once. */
  private walletReward(customer: SimCustomer, campaign: Campaign, points: number, rewardName: string): void {
    const wallet = {
      transactionId: this.rng.id('trhi'),
      points,
      description: 'Wallet points have been successfully credited to your account.',
      createdAt: this.now(),
    };
    const reward = this.rewardFields(rewardName);
    const effect: Effect = {
      kind: 'ledger',
      sourceId: customer.sourceId,
      transactionId: wallet.transactionId,
      direction: 'credit',
      points,
    };
    const rewarded = () =>
      this.emit(
        rehook.walletReward({
          sourceId: customer.sourceId,
          transactionId: wallet.transactionId,
          redemptionId: reward.redemptionId,
          points,
          campaign,
          reward,
          description: wallet.description,
        }),
        [effect],
      );
    const credited = () =>
      this.emit(rehook.walletEvent({ direction: 'credit', sourceId: customer.sourceId, ...wallet }), [
        effect,
      ]);
    if (this.rng.chance(0.8)) {
      if (this.rng.chance(0.5)) {
        rewarded();
        credited();
      } else {
        credited();
        rewarded();
      }
    } else {
      rewarded();
    }
    customer.balance += points;
  }

  private walletCredit(customer: SimCustomer): void {
    const points = this.rng.int(5, 100);
    const wallet = {
      transactionId: this.rng.id('trhi'),
      points,
      description: 'Points credited by the store',
      createdAt: this.now(),
    };
    this.emit(rehook.walletEvent({ direction: 'credit', sourceId: customer.sourceId, ...wallet }), [
      {
        kind: 'ledger',
        sourceId: customer.sourceId,
        transactionId: wallet.transactionId,
        direction: 'credit',
        points,
      },
    ]);
    customer.balance += points;
  }

  private debit(customer: SimCustomer): void {
    const spender = customer.balance >= 1 ? customer : this.customers.find((c) => c.balance >= 1);
    if (spender === undefined) return this.walletCredit(customer);
    const points = this.rng.int(1, Math.min(spender.balance, 300));
    const wallet = {
      transactionId: this.rng.id('trhi'),
      points,
      description: 'Points redeemed at checkout',
      createdAt: this.now(),
    };
    // Rehook's documented debit example says "type": "credit"; the direction comes from the name.
    const type = this.rng.chance(0.3) ? 'credit' : 'debit';
    this.emit(rehook.walletEvent({ direction: 'debit', sourceId: spender.sourceId, ...wallet, type }), [
      {
        kind: 'ledger',
        sourceId: spender.sourceId,
        transactionId: wallet.transactionId,
        direction: 'debit',
        points,
      },
    ]);
    spender.balance -= points;
  }

  private webhookReward(customer: SimCustomer, campaign: Campaign, points: number, rewardName: string): void {
    const reward = this.rewardFields(rewardName);
    this.emit(
      rehook.webhookReward({
        sourceId: customer.sourceId,
        redemptionId: reward.redemptionId,
        points,
        campaign,
        reward,
      }),
      [{ kind: 'pendingReward', sourceId: customer.sourceId, redemptionId: reward.redemptionId, points }],
    );
  }

  private rewardFields(name: string): RewardFields {
    return {
      name,
      redemptionId: this.rng.id('redm'),
      rewardId: this.rng.id('rewd'),
      redemptionDate: this.now(),
    };
  }

  private profile(customer: SimCustomer): void {
    const changes = this.rng.chance(0.5)
      ? { phone: `+1-555-${String(this.rng.int(0, 9999)).padStart(4, '0')}` }
      : { name: `${customer.name.split(' ')[0] ?? ''} ${this.rng.pick(LAST_NAMES)}` };
    this.emit(
      rehook.customerUpdated({ sourceId: customer.sourceId, customerId: customer.rehookId, changes }),
      [
        { kind: 'customer', sourceId: customer.sourceId, rehookCustomerId: customer.rehookId },
        { kind: 'properties', sourceId: customer.sourceId, properties: changes },
      ],
    );
  }

  private meta(customer: SimCustomer): void {
    const properties: Record<string, unknown> = { tier: this.rng.pick(TIERS) };
    if (this.rng.chance(0.5)) properties['city'] = this.rng.pick(CITIES);
    if (this.rng.chance(0.3)) properties['marketing_opt_in'] = this.rng.chance(0.5);
    this.emit(
      rehook.customerMetaUpdated({ sourceId: customer.sourceId, customerId: customer.rehookId, properties }),
      [
        { kind: 'customer', sourceId: customer.sourceId, rehookCustomerId: customer.rehookId },
        { kind: 'properties', sourceId: customer.sourceId, properties },
      ],
    );
  }

  /** Advances a coupon's life: created and assigned → redeemed → sometimes rolled back. */
  private coupon(customer: SimCustomer): void {
    const assigned = this.coupons.filter((c) => c.openRedemptions.length === 0);
    const redeemed = this.coupons.filter((c) => c.openRedemptions.length > 0);
    if (redeemed.length > 0 && (this.missing.has('coupon.redemption.rollback') || this.rng.chance(0.15))) {
      const coupon = this.rng.pick(redeemed);
      const redemptionId = coupon.openRedemptions.shift() as string;
      this.emit(
        rehook.couponRollback({
          sourceId: coupon.holder.sourceId,
          code: coupon.code,
          redemptionId,
          rollbackId: this.rng.id('rlbk'),
          reason: 'order cancelled',
        }),
        [{ kind: 'couponRolledBack', code: coupon.code, redemptionId }],
      );
      return;
    }
    if (assigned.length > 0 && (this.missing.has('coupon.redeemed') || this.rng.chance(0.4))) {
      const coupon = this.rng.pick(assigned);
      const redemptionId = this.rng.id('redm');
      coupon.openRedemptions.push(redemptionId);
      this.emit(
        rehook.couponRedeemed({
          sourceId: coupon.holder.sourceId,
          code: coupon.code,
          redemptionId,
          redeemedAt: this.now(),
          orderTotal: this.rng.int(20, 400),
        }),
        [{ kind: 'couponRedeemed', code: coupon.code, redemptionId, sourceId: coupon.holder.sourceId }],
      );
      return;
    }
    const code = `${this.tag.toUpperCase()}-CPN${String(++this.couponCounter).padStart(5, '0')}`;
    const campaign = this.rng.pick(this.campaigns.coupons);
    const expiresAt = new Date(this.clockMs + 30 * 86_400_000).toISOString().replace('.000Z', 'Z');
    const discount = this.rng.chance(0.5)
      ? { type: 'percentage', value: this.rng.pick([5, 10, 15, 20]) }
      : { type: 'fixed', value: this.rng.pick([50, 100, 200]) };
    this.emit(
      rehook.couponCreated({ code, campaign, discount, expiresAt }),
      [{ kind: 'couponCreated', code }],
      `coupon:${code}`,
    );
    const reward = this.rewardFields('Coupon reward');
    this.emit(
      rehook.couponRewarded({
        sourceId: customer.sourceId,
        code,
        redemptionId: reward.redemptionId,
        campaign,
        reward,
        expiresAt,
      }),
      [{ kind: 'couponAssigned', code, sourceId: customer.sourceId }],
    );
    this.coupons.push({ code, holder: customer, openRedemptions: [] });
  }

  /**
   * Enters or leaves a segment. Entering one again after leaving it sends the same body as the
   * first time (Rehook's segment events carry nothing else), a genuine repeat: only with
   * `genuineRepeats`.
   */
  private segment(customer: SimCustomer): void {
    const inside = this.segments.filter((s) => customer.segments.has(s.id));
    const outside = this.segments.filter(
      (s) => !customer.segments.has(s.id) && (this.options.genuineRepeats || !customer.everEntered.has(s.id)),
    );
    if (inside.length === 0 && outside.length === 0) return this.meta(customer);
    const leave =
      inside.length > 0 &&
      (outside.length === 0 || this.missing.has('customer.segment.left') || this.rng.chance(0.4));
    const segment = this.rng.pick(leave ? inside : outside);
    if (leave) customer.segments.delete(segment.id);
    else {
      customer.segments.add(segment.id);
      customer.everEntered.add(segment.id);
    }
    const kind = leave ? 'left' : 'entered';
    this.emit(
      rehook.segmentEvent({
        kind,
        sourceId: customer.sourceId,
        segmentId: segment.id,
        segmentName: segment.name,
      }),
      [{ kind: 'segment', sourceId: customer.sourceId, segmentId: segment.id, member: !leave }],
    );
  }

  private leaderboard(customer: SimCustomer): void {
    const month = new Date(this.clockMs);
    const start = Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1);
    const end = Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1) - 1000;
    const { id: campaignId, leaderboardId } = this.campaigns.leaderboard;
    const recurrenceStart = new Date(start).toISOString().replace('.000Z', 'Z');
    const points = this.rng.pick([100, 250, 500]);
    const award = rehook.leaderboardAwarded({
      sourceId: customer.sourceId,
      campaignId,
      leaderboardId,
      start: recurrenceStart,
      end: new Date(end).toISOString().replace('.000Z', 'Z'),
      rank: this.rng.int(1, 10),
      score: this.rng.int(100, 5000),
      points,
      redemptionId: this.rng.id('redm'),
      reward: { name: 'Leaderboard prize', rewardId: this.rng.id('rewd') },
    });
    this.emit(award, [
      {
        kind: 'leaderboardAward',
        sourceId: customer.sourceId,
        awardKey: `${campaignId}/${leaderboardId}/${recurrenceStart}`,
      },
    ]);
    // Like referrals, the award's points arrive as their own customer.rewarded (webhook reward).
    this.later(this.rng.int(1, 5), () =>
      this.webhookReward(customer, this.campaigns.leaderboard, points, 'Leaderboard prize'),
    );
  }

  /** The friend completed the intended action: both sides are told, and both get a webhook reward. */
  private completeReferral(friend: SimCustomer, advocate: SimCustomer, ids: ReferralIds): void {
    const reward = (points: number) => ({
      points,
      redemptionId: this.rng.id('redm'),
      rewardId: this.rng.id('rewd'),
      ruleId: this.rng.id('valr'),
    });
    const friendReward = reward(this.rng.pick([10, 25, 50]));
    const advocateReward = reward(this.rng.pick([10, 50, 100]));
    const referral = (advocateCustomerId: string | null): Effect => ({
      kind: 'referral',
      campaignId: ids.campaignId,
      friendCustomerId: ids.friendCustomerId,
      advocateCustomerId,
    });
    this.later(this.rng.int(0, 4), () =>
      this.emit(
        rehook.referralFriend({
          sourceId: friend.sourceId,
          friendId: ids.friendCustomerId,
          campaignId: ids.campaignId,
          ...friendReward,
        }),
        [{ kind: 'customer', sourceId: friend.sourceId, rehookCustomerId: friend.rehookId }, referral(null)],
      ),
    );
    this.later(this.rng.int(0, 6), () =>
      this.emit(
        rehook.referralAdvocate({
          sourceId: advocate.sourceId,
          advocateId: ids.advocateCustomerId,
          friendId: ids.friendCustomerId,
          campaignId: ids.campaignId,
          ...advocateReward,
        }),
        [
          { kind: 'customer', sourceId: advocate.sourceId, rehookCustomerId: advocate.rehookId },
          referral(ids.advocateCustomerId),
        ],
      ),
    );
    this.later(this.rng.int(2, 8), () =>
      this.webhookReward(friend, this.campaigns.referral, friendReward.points, 'Referral reward'),
    );
    this.later(this.rng.int(2, 8), () =>
      this.webhookReward(advocate, this.campaigns.referral, advocateReward.points, 'Referral reward'),
    );
  }
}

/**
 * The same JSON with every object's keys in reverse order: another serialization of the same
 * event, still one line so that it fits an NDJSON capture.
 */
function reserialize(rawBody: string): string {
  const reverse = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reverse);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([k, v]) => [k, reverse(v)]),
      );
    }
    return value;
  };
  return JSON.stringify(reverse(JSON.parse(rawBody)));
}
