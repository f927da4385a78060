import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { Deliverer } from '../../../../test/support/deliver';
import { customerCreated, orderSuccess, walletEvent, webhookReward } from '@mirror/rehook-bodies';
import { queuePrefixFor } from '../../../../test/support/scenario';
import { startTestApi, TEST_TOKEN, type TestApi } from '../../../../test/support/test-api';

// The console over plain HTTP: sessions, CSRF, redirects, status codes. What a person sees in a
// browser is in console.browser.int.test.ts.
let db: TestDatabase;
let api: TestApi;
/** A customer whose id needs URL-encoding, and a marker that shows up only in their data. */
const CUSTOMER = 'Zoë@ü console';
const MARKER = 'marker-7f3a';

beforeAll(async () => {
  db = await createTestDatabase();
  await new Deliverer(db.prisma).deliver([
    customerCreated({ sourceId: CUSTOMER, customerId: 'cust_console_1' }),
    walletEvent({
      direction: 'credit',
      sourceId: CUSTOMER,
      transactionId: `txn_${MARKER}`,
      points: 500,
      createdAt: '2026-12-01T10:00:00Z',
    }),
    walletEvent({
      direction: 'debit',
      sourceId: CUSTOMER,
      transactionId: 'txn_d1',
      points: 120,
      createdAt: '2026-12-02T10:00:00Z',
    }),
    orderSuccess({ sourceId: CUSTOMER, total: 99.5, orderNo: 1 }),
    webhookReward({ sourceId: CUSTOMER, redemptionId: 'redm_console_1', points: 40 }),
    { event_name: 'customer.teleported', metadata: {}, source: 'rehook', source_id: CUSTOMER },
  ]);
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const customerPath = `/console/customers/${encodeURIComponent(CUSTOMER)}`;

function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return api.fetch(path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

function get(path: string, cookie?: string) {
  return api.fetch(path, { redirect: 'manual', headers: cookie === undefined ? {} : { cookie } });
}

/** Logs in and answers the session cookie as a `Cookie` header value. */
async function login(): Promise<string> {
  const res = await post('/console/login', { token: TEST_TOKEN });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

function csrfOf(page: string): string {
  const token = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (token === undefined) throw new Error('the page has no CSRF token');
  return token;
}

describe('console login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie for the right token and goes where it was asked', async () => {
    const res = await post('/console/login', { token: TEST_TOKEN, next: customerPath });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(customerPath);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^mirror_console=v1\./);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/console/);
    expect(cookie).not.toMatch(/; Secure/);
  });

  it('marks the cookie Secure when the browser came over HTTPS (through a TLS proxy)', async () => {
    const res = await post('/console/login', { token: TEST_TOKEN }, { 'x-forwarded-proto': 'https' });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('says so for a wrong token, and sets no cookie', async () => {
    for (const token of ['wrong-token-0123456789abcdef', '', TEST_TOKEN.slice(0, -1)]) {
      const res = await post('/console/login', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('That is not the API token.');
    }
  });

  it('never sends the browser elsewhere after login (no open redirect)', async () => {
    for (const next of [
      'https://evil.example/',
      '//evil.example/console/',
      '/v1/customers/x',
      '/console\\..\\x',
    ]) {
      const res = await post('/console/login', { token: TEST_TOKEN, next });
      expect(res.headers.get('location')).toBe('/console/health');
    }
  });
});

describe('console without a session', () => {
  it('redirects every page to the login page and shows no customer data', async () => {
    const paths = [
      customerPath,
      '/console/health',
      '/console/events',
      `/console/events?sourceId=${encodeURIComponent(CUSTOMER)}&bodies=1`,
      `/console/search?q=cust_console_1`,
      `/console//customers/${encodeURIComponent(CUSTOMER)}`,
      `/console/customers/${encodeURIComponent(CUSTOMER)}/`,
      '/console/nowhere',
    ];
    for (const path of paths) {
      for (const cookie of [undefined, 'mirror_console=v1.99999999999999.x.y', 'mirror_console=']) {
        const res = await get(path, cookie);
        expect([303, 404]).toContain(res.status);
        if (res.status === 303) expect(res.headers.get('location')).toMatch(/^\/console\/login/);
        const text = await res.text();
        // The redirect names only the page asked for, never what it would have shown.
        expect(text).not.toContain(MARKER);
        expect(text).not.toContain('data-figure');
      }
    }
  });

  it('serves the stylesheets and scripts (no customer data) to the login page', async () => {
    for (const [name, type] of [
      ['pico.min.css', 'text/css'],
      ['uPlot.iife.min.js', 'text/javascript'],
      ['charts.js', 'text/javascript'],
    ] as const) {
      const res = await get(`/console/assets/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
    }
  });

  it('refuses actions', async () => {
    const res = await post('/console/rewards/redm_console_1/fulfil', { csrf: 'x' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/console\/login/);
  });
});

describe('console with a session', () => {
  it("shows the customer's balance, orders, ledger and events, with security headers", async () => {
    const cookie = await login();
    const res = await get(customerPath, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await res.text();
    expect(page).toContain('data-figure="balance">380<');
    expect(page).toContain('data-figure="credited">500<');
    expect(page).toContain('data-figure="debited">120<');
    expect(page).toContain('data-figure="pending">40<');
    expect(page).toContain('data-figure="orders-count">1<');
    expect(page).toContain('data-figure="orders-total">99.5<');
    expect(page).toContain(`txn_${MARKER}`);
    expect(page).toContain('customer.teleported');
    expect(page).not.toContain('class="raw-body"');
    const withBodies = await (await get(`${customerPath}?bodies=1`, cookie)).text();
    expect(withBodies).toContain('class="raw-body"');
  });

  it('finds a customer by source id or by Rehook id, and says when there is none', async () => {
    const cookie = await login();
    for (const q of [CUSTOMER, 'cust_console_1']) {
      const res = await get(`/console/search?q=${encodeURIComponent(q)}`, cookie);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(customerPath);
    }
    const none = await get('/console/search?q=nobody', cookie);
    expect(none.status).toBe(404);
    expect(await none.text()).toContain('No such customer');
  });

  it('answers 404 for an unknown customer and 400 for a bad filter or cursor, as pages', async () => {
    const cookie = await login();
    expect((await get('/console/customers/nobody', cookie)).status).toBe(404);
    for (const path of [
      '/console/events?status=lost',
      '/console/events?from=yesterday',
      // Instants Postgres would refuse (a 500 before): year 0000, month 13.
      '/console/events?from=0000-01-01T00:00',
      '/console/events?to=2026-13-01T00:00',
      `${customerPath}?ledger=garbage`,
    ]) {
      const res = await get(path, cookie);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('text/html');
    }
  });

  it('fulfils a reward only with the session’s CSRF token and from this origin', async () => {
    const cookie = await login();
    const page = await (await get(customerPath, cookie)).text();
    const csrf = csrfOf(page);
    const action = '/console/rewards/redm_console_1/fulfil';
    expect((await post(action, { csrf: 'forged' }, { cookie })).status).toBe(403);
    expect((await post(action, {}, { cookie })).status).toBe(403);
    expect((await post(action, { csrf }, { cookie, origin: 'https://evil.example' })).status).toBe(403);
    const otherSession = await login();
    expect((await post(action, { csrf }, { cookie: otherSession })).status).toBe(403);
    expect(await get(customerPath, cookie).then((r) => r.text())).toContain('data-figure="pending">40<');

    const done = await post(action, { csrf }, { cookie, origin: api.url });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${customerPath}?done=fulfilled&redemption=redm_console_1`);
    const after = await (await get(done.headers.get('location') as string, cookie)).text();
    expect(after).toContain('data-figure="pending">0<');
    expect(after).toContain('Reward redm_console_1 is fulfilled.');
  });

  it('filters the events explorer and shows quarantined events with their reasons', async () => {
    const cookie = await login();
    const quarantined = await (await get('/console/events?status=unrecognized', cookie)).text();
    expect(quarantined).toContain('customer.teleported');
    expect(quarantined).toMatch(/unrecognized/);
    expect(quarantined).not.toContain('wallet.credited</');
    const byName = await (await get('/console/events?name=order_success', cookie)).text();
    expect(byName).toContain('order_success');
    expect(byName).not.toContain('customer.teleported');
    const later = await (await get('/console/events?from=2999-01-01T00:00', cookie)).text();
    expect(later).toContain('No events.');
  });

  it('shows health: the queue, events per minute, and the last run of each check', async () => {
    const cookie = await login();
    const res = await get('/console/health', cookie);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('data-figure="waiting">0<');
    expect(page).toContain('per-minute-data');
    expect(page).toMatch(/Reconcile<\/th>\s*<td colspan="3">\s*Never run\./);
    expect(page).toMatch(/Verify<\/th>\s*<td colspan="3">\s*Never run\./);

    await db.prisma.$executeRaw`
      INSERT INTO reconcile_runs (id, trigger, dry_run, started_at, finished_at, status,
        customers_checked, records_read, events_appended, drift_items, error)
      VALUES ('6f1c1d9e-7f43-4f8e-9d3a-2b7f3c1e0a11', 'cli', false, now(), now(), 'partial',
        12, 340, 3, 1, 'customer c-9: 503 after 5 attempts')`;
    const after = await (await get('/console/health', cookie)).text();
    expect(after).toMatch(/Reconcile<\/th>\s*<td><time[^>]*>[^<]+<\/time><\/td>\s*<td>partial<\/td>/);
    expect(after).toContain(
      '12 customers checked, 340 records read, 3 events appended, 1 drift items; error: customer c-9: 503 after 5 attempts',
    );

    await db.prisma.$executeRaw`
      INSERT INTO verify_runs (id, trigger, mode, started_at, finished_at, status, customers_checked, differences)
      VALUES ('7a2b3c4d-7f43-4f8e-9d3a-2b7f3c1e0a12', 'schedule', 'sample', now(), now(), 'differences', 200, 2)`;
    const verified = await (await get('/console/health', cookie)).text();
    expect(verified).toMatch(/Verify<\/th>\s*<td><time[^>]*>[^<]+<\/time><\/td>\s*<td>differences<\/td>/);
    expect(verified).toContain('sample (schedule): 200 customers checked, 2 differences');
  });

  it('logs out: the cookie is cleared', async () => {
    const cookie = await login();
    const page = await (await get('/console/health', cookie)).text();
    const res = await post('/console/logout', { csrf: csrfOf(page) }, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login');
    expect(res.headers.get('set-cookie')).toMatch(/^mirror_console=;.*Expires=Thu, 01 Jan 1970/);
  });
});
