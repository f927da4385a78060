import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createRedisConnection, removeKeysByPrefix, type Redis } from '@mirror/queue';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { startAppStack, type AppStack } from '../../../../test/support/app-stack';
import { customerCreated, orderSuccess, walletEvent, webhookReward } from '@mirror/rehook-bodies';
import { waitFor } from '../../../../test/support/wait-for';

// The console in a real browser (Debian's chromium, driven by playwright-core) over a real
// ingest, worker and API: webhooks go in through the ingest and come out on the pages.

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const API_TOKEN = 'browser-test-token-0123456789';
/** Where a failing step leaves its screenshot (a CI artefact). */
const SCREENSHOTS = path.resolve(__dirname, '../../../../test-results/console');

const CUSTOMER = 'KMN@browser';
const REHOOK_ID = 'cust_browser_1';

let db: TestDatabase;
let redis: Redis;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
let apiUrl: string;
let ingestUrl: string;
let stack: AppStack | undefined;
const prefix = `console-browser-${randomBytes(4).toString('hex')}`;

/** Runs a test's steps; on failure, saves a screenshot of the page as it was, then fails. */
async function withScreenshot(name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (error) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page
      .screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
      .catch(() => undefined);
    throw error;
  }
}

async function sendWebhook(body: unknown): Promise<void> {
  const res = await fetch(`${ingestUrl}/webhooks/rehook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

/** Waits until the worker has stored `count` events about the customer. */
async function waitForEvents(count: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(`${apiUrl}/v1/customers/${encodeURIComponent(CUSTOMER)}/events?limit=500`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      return res.status === 200 && ((await res.json()) as { items: unknown[] }).items.length >= count;
    },
    { what: `the worker to store ${count} events`, timeoutMs, intervalMs: 250 },
  );
}

async function logIn(token = API_TOKEN): Promise<void> {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = createRedisConnection(REDIS_URL, { role: 'producer' });
  stack = await startAppStack({ DATABASE_URL: db.url, REDIS_URL, QUEUE_PREFIX: prefix, API_TOKEN });
  ({ ingestUrl, apiUrl } = stack);

  for (const body of [
    customerCreated({ sourceId: CUSTOMER, customerId: REHOOK_ID }),
    walletEvent({
      direction: 'credit',
      sourceId: CUSTOMER,
      transactionId: 'txn_b1',
      points: 700,
      createdAt: '2026-12-01T09:00:00Z',
    }),
    walletEvent({
      direction: 'debit',
      sourceId: CUSTOMER,
      transactionId: 'txn_b2',
      points: 150,
      createdAt: '2026-12-02T09:00:00Z',
    }),
    orderSuccess({ sourceId: CUSTOMER, total: 42, orderNo: 1 }),
    orderSuccess({ sourceId: CUSTOMER, total: 58, orderNo: 2 }),
    webhookReward({ sourceId: CUSTOMER, redemptionId: 'redm_browser_1', points: 25 }),
    { event_name: 'customer.teleported', metadata: {}, source: 'rehook', source_id: CUSTOMER },
  ]) {
    await sendWebhook(body);
  }
  await waitForEvents(7);

  userDataDir = mkdtempSync(path.join(tmpdir(), 'console-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1366, height: 768 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  // Nothing may come from anywhere but the API: the console works offline.
  await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
  await stack?.stop();
  await db?.drop();
  if (redis !== undefined) {
    await removeKeysByPrefix(redis, prefix);
    await redis.quit();
  }
}, 60_000);

const customerUrl = () => `${apiUrl}/console/customers/${encodeURIComponent(CUSTOMER)}`;

describe('the operator console in a browser', () => {
  it('shows no customer data without a session: the login page instead', async () => {
    await withScreenshot('no-session', async () => {
      await page.goto(customerUrl());
      expect(new URL(page.url()).pathname).toBe('/console/login');
      expect(await page.content()).not.toContain('txn_b1');
      await page.getByLabel('API token').waitFor();
    });
  });

  it('says so for a wrong token and stays on the login page', async () => {
    await withScreenshot('wrong-token', async () => {
      await logIn('not-the-token-0123456789');
      await page.getByText('That is not the API token.').waitFor();
      expect(new URL(page.url()).pathname).toBe('/console/login');
    });
  });

  it("logs in with the right token and shows the customer's balance, orders and chart", async () => {
    await withScreenshot('customer', async () => {
      await logIn();
      await page.waitForURL(customerUrl());
      await page.getByRole('heading', { name: CUSTOMER, level: 1 }).waitFor();
      expect(await page.locator('[data-figure="balance"]').textContent()).toBe('550');
      expect(await page.locator('[data-figure="credited"]').textContent()).toBe('700');
      expect(await page.locator('[data-figure="debited"]').textContent()).toBe('150');
      expect(await page.locator('[data-figure="pending"]').textContent()).toBe('25');
      expect(await page.locator('[data-figure="orders-count"]').textContent()).toBe('2');
      expect(await page.locator('[data-figure="orders-total"]').textContent()).toBe('100');
      expect(await page.locator('#ledger tbody tr').count()).toBe(2);
      // uPlot, served from its npm package, drew the balance chart.
      await page.locator('[data-chart="balance-data"] .uplot canvas').waitFor();
      const cookie = (await context.cookies(customerUrl())).find((c) => c.name === 'mirror_console');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    });
  });

  it('shows raw bodies on demand', async () => {
    await withScreenshot('raw-bodies', async () => {
      await page.getByRole('link', { name: 'Show raw bodies' }).click();
      const body = page.locator('section[aria-labelledby="timeline"] details').first();
      await body.locator('summary').click();
      expect(await body.locator('pre').textContent()).toContain('"source_id":"KMN@browser"');
    });
  });

  it('fulfils a pending reward from the page', async () => {
    await withScreenshot('fulfil', async () => {
      await page.goto(customerUrl());
      await page.getByRole('button', { name: 'Fulfil reward redm_browser_1' }).click();
      await page.getByRole('status').getByText('Reward redm_browser_1 is fulfilled.').waitFor();
      expect(await page.locator('[data-figure="pending"]').textContent()).toBe('0');
      const res = await fetch(`${apiUrl}/v1/rewards/pending?sourceId=${encodeURIComponent(CUSTOMER)}`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      expect(((await res.json()) as { items: unknown[] }).items).toEqual([]);
    });
  });

  it('finds the customer by Rehook id from the search box, with the keyboard', async () => {
    await withScreenshot('search', async () => {
      await page.goto(`${apiUrl}/console/health`);
      await page.getByRole('searchbox').fill(REHOOK_ID);
      await page.keyboard.press('Enter');
      await page.waitForURL(customerUrl());
    });
  });

  it('filters the events explorer by status, name and customer', async () => {
    await withScreenshot('events', async () => {
      await page.goto(`${apiUrl}/console/events`);
      await page.getByLabel('Status').selectOption('unrecognized');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/status=unrecognized/);
      const rows = page.locator('table.events tbody tr');
      expect(await rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain('customer.teleported');
      expect(await rows.first().textContent()).toContain('unrecognized');

      await page.goto(`${apiUrl}/console/events`);
      await page.getByLabel('Event name').fill('order_success');
      await page.getByLabel('Customer (source id)').fill(CUSTOMER);
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/name=order_success/);
      expect(await rows.count()).toBe(2);
      for (const text of await rows.allTextContents()) expect(text).toContain('order_success');
    });
  });

  it('shows health: the queue, the events-per-minute chart and the last webhook per name', async () => {
    await withScreenshot('health', async () => {
      await page.goto(`${apiUrl}/console/health`);
      await page.locator('[data-chart="per-minute-data"] .uplot canvas').waitFor();
      expect(await page.locator('[data-figure="failed"]').textContent()).toBe('0');
      expect(await page.locator('#last-by-name').textContent()).toContain('wallet.credited');
    });
  });

  it('logs out, after which pages need a login again', async () => {
    await withScreenshot('logout', async () => {
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(`${apiUrl}/console/login`);
      await page.goto(customerUrl());
      expect(new URL(page.url()).pathname).toBe('/console/login');
    });
  });
});
