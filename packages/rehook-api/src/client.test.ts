import { Writable } from 'node:stream';
import { createLogger } from '@mirror/logger';
import { RehookApiClient, type RehookApiOptions } from './client';
import { RehookApiError, RehookAuthError } from './errors';
import { UnexpectedResponseError } from './responses';
import { type FakeRehook, type FakeRehookOptions, startFakeRehook } from './testing';

let fake: FakeRehook | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setUp(options: FakeRehookOptions = {}, client: Partial<RehookApiOptions> = {}) {
  fake = await startFakeRehook(options);
  const api = new RehookApiClient({
    baseUrl: fake.url,
    apiKey: fake.apiKey,
    apiSecret: fake.apiSecret,
    backoffMs: 10,
    ...client,
  });
  return { fake, api };
}

function fill(fake: FakeRehook, sourceId: string, walletId: string, count: number) {
  const wallet = fake.wallet(sourceId, walletId);
  for (let i = 0; i < count; i += 1) {
    wallet.transactions.push({
      transaction_id: `trhi_${walletId}_${i}`,
      type: i % 3 ? 'credit' : 'debit',
      points: i + 1,
    });
  }
}

describe('RehookApiClient against the fake Rehook', () => {
  it('pages until a page comes back empty, whatever the page size', async () => {
    const { fake, api } = await setUp({ pageSize: 3 });
    fill(fake, 'KMN@123', 'waty_a', 7);
    const items = await api.transactions('KMN@123', 'waty_a');
    expect(items.map((t) => t.transaction_id).sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `trhi_waty_a_${i}`).sort(),
    );
    // Page 3 was short (1 item) and still not taken for the end: page 4 (empty) was.
    expect(fake.requests.map((r) => r.path)).toEqual(
      [1, 2, 3, 4].map((p) => `/wallets/customer/KMN%40123/transactions/waty_a?page=${p}`),
    );
  });

  it('reads wrapped pages and oldest-first order alike', async () => {
    const { fake, api } = await setUp({ pageSize: 4, wrapTransactions: true, order: 'oldest-first' });
    fill(fake, 'c1', 'waty_a', 9);
    expect(await api.transactions('c1', 'waty_a')).toHaveLength(9);
  });

  it('lists wallets, and null for a customer Rehook does not know', async () => {
    const { fake, api } = await setUp();
    fake.wallet('c1', 'waty_a', 'Coins');
    fake.wallet('c1', 'waty_b', 'Gems');
    expect((await api.wallets('c1'))?.map((w) => w.wallet_id)).toEqual(['waty_a', 'waty_b']);
    expect(await api.wallets('nobody')).toBeNull();
  });

  it('reads customers the fake generates on demand like the ones it holds', async () => {
    const { api } = await setUp({
      pageSize: 4,
      generate: (id) =>
        id === 'gen@1'
          ? {
              id: 'cust_gen',
              sourceId: id,
              referrals: [],
              wallets: [
                {
                  wallet_id: 'waty_g',
                  wallet_name: 'Generated',
                  transactions: Array.from({ length: 6 }, (_, i) => ({
                    transaction_id: `trhi_g_${i}`,
                    type: 'credit' as const,
                    points: i,
                  })),
                },
              ],
            }
          : undefined,
    });
    expect((await api.wallets('gen@1'))?.map((w) => w.wallet_id)).toEqual(['waty_g']);
    expect(await api.transactions('gen@1', 'waty_g')).toHaveLength(6);
    expect(await api.wallets('gen@2')).toBeNull();
  });

  it('takes a 404 from the referral list for "no referrals"', async () => {
    const { fake, api } = await setUp();
    fake.customer('adv').referrals.push({ id: 'cust_f', source_id: 'friend' });
    fake.customer('lonely');
    expect(await api.referrals('adv')).toEqual([{ id: 'cust_f', source_id: 'friend' }]);
    expect(await api.referrals('lonely')).toEqual([]);
  });

  it.each(['primary', 'api'] as const)('uses the %s path variant when only it is served', async (paths) => {
    const { fake, api } = await setUp({ paths });
    fake.customer('adv').referrals.push({ id: 'cust_f', source_id: 'friend' });
    fill(fake, 'adv', 'waty_a', 2);
    expect(await api.referrals('adv')).toHaveLength(1);
    expect(await api.wallets('adv')).toHaveLength(1);
    expect(await api.transactions('adv', 'waty_a')).toHaveLength(2);
    const unrouted = fake.requests.filter((r) => r.route === 'unrouted').length;
    // Each route learns its variant once: at most one unrouted probe per route.
    expect(unrouted).toBe(paths === 'api' ? 3 : 0);
    await api.referrals('adv');
    expect(fake.requests.filter((r) => r.route === 'unrouted').length).toBe(unrouted);
  });

  it('retries 429 after the Retry-After the server asked for', async () => {
    const { fake, api } = await setUp();
    fill(fake, 'c1', 'waty_a', 1);
    fake.faults.push({ route: 'wallets', status: 429, retryAfter: '1', times: 1 });
    const started = Date.now();
    expect(await api.wallets('c1')).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('retries 5xx and slow answers, and fails for good after the last attempt', async () => {
    const { fake, api } = await setUp({}, { timeoutMs: 300, maxAttempts: 3 });
    fill(fake, 'c1', 'waty_a', 1);
    fake.faults.push(
      { route: 'wallets', status: 503, times: 1 },
      { route: 'wallets', delayMs: 1500, times: 1 },
    );
    expect(await api.wallets('c1')).toHaveLength(1);
    fake.faults.push({ route: 'referrals', status: 500, times: 5 });
    const failure = api.referrals('c1');
    await expect(failure).rejects.toThrow(RehookApiError);
    await expect(failure).rejects.toThrow(/after 3 attempts \(HTTP 500\)/);
  });

  it('does not retry wrong credentials', async () => {
    const { fake, api } = await setUp({}, { apiSecret: 'wrong' });
    fake.customer('c1');
    await expect(api.wallets('c1')).rejects.toThrow(RehookAuthError);
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects a body of the wrong shape, and a server that ignores the page number', async () => {
    const { fake, api } = await setUp({ pageSize: 2 });
    fill(fake, 'c1', 'waty_a', 3);
    fake.faults.push({ route: 'wallets', body: { wallets: 'none' } });
    await expect(api.wallets('c1')).rejects.toThrow(UnexpectedResponseError);
    const firstPage = (await api.transactionsPage('c1', 'waty_a', 1)).map((t) => ({ ...t }));
    fake.faults.push({ route: 'transactions', page: 2, body: firstPage });
    await expect(api.transactions('c1', 'waty_a')).rejects.toThrow(/page 2 repeats page 1/);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const { fake, api } = await setUp({}, { concurrency: 2 });
    for (let i = 0; i < 8; i += 1) fake.customer(`c${i}`);
    fake.faults.push({ delayMs: 100, times: 8 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => api.wallets(`c${i}`)));
    expect(fake.maxInFlight()).toBe(2);
  });

  it('never writes the credentials to the log', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const { fake, api } = await setUp(
      {},
      { logger: createLogger('test', 'trace', destination), maxAttempts: 2 },
    );
    fake.customer('c1');
    fake.faults.push({ status: 502, times: 10 });
    await expect(api.wallets('c1')).rejects.toThrow(RehookApiError);
    const log = lines.join('');
    expect(log).toContain('rehook api: retrying');
    const basic = Buffer.from(`${fake.apiKey}:${fake.apiSecret}`).toString('base64');
    for (const secret of [fake.apiKey, fake.apiSecret, basic]) expect(log).not.toContain(secret);
  });
});
