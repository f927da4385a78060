import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { contentDigest, identifyBody } from '@mirror/delivery-identity';
import type { WebhookJobData } from '@mirror/queue';
import { post, readAnswer, startTestIngest, get } from '../../../test/support/ingest-harness';
import type { Answer, TestIngest } from '../../../test/support/ingest-harness';
import { waitFor } from '../../../test/support/wait-for';

const FIXTURES = join(__dirname, '../../../../shared/rehook/fixtures');
const fixtures = ['documented', 'assumed'].flatMap((group) =>
  readdirSync(join(FIXTURES, group)).map((file) => ({
    name: `${group}/${file}`,
    text: readFileSync(join(FIXTURES, group, file), 'utf8'),
  })),
);

function expectProblem(answer: Answer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(answer.json()).toMatchObject({ type: 'about:blank', status, title: expect.any(String) as unknown });
}

async function jobsOf(t: TestIngest): Promise<WebhookJobData[]> {
  const jobs = await t.queue.getJobs(['wait']);
  return jobs
    .map((job) => job.data)
    .sort((a, b) => (BigInt(a.receiptStamp) < BigInt(b.receiptStamp) ? -1 : 1));
}

/** The key a first delivery of `text` gets: its occurrence key, or its content key (any stamp). */
function expectedKey(text: string): RegExp {
  const body = JSON.parse(text) as unknown;
  const identity = identifyBody(body);
  return identity.by === 'occurrence'
    ? new RegExp(`^${identity.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
    : new RegExp(`^content:${contentDigest(text, body)}:\\d+$`);
}

function keyOf(answer: Answer): string {
  return (answer.json() as { idempotencyKey: string }).idempotencyKey;
}

describe('the webhook route', () => {
  let t: TestIngest;
  afterEach(async () => t.stop());

  describe('with the default configuration', () => {
    beforeEach(async () => {
      t = await startTestIngest({ WEBHOOK_MAX_BODY_BYTES: '4096' });
    });

    it('accepts each Rehook fixture with 200 and enqueues it exactly once, raw and stamped in order', async () => {
      const answers: Answer[] = [];
      for (const fixture of fixtures) answers.push(await post(t.webhookUrl, fixture.text));

      for (const [i, answer] of answers.entries()) {
        expect(answer.status).toBe(200);
        expect(answer.headers['content-type']).toBe('application/json');
        expect(answer.json()).toEqual({
          status: 'enqueued',
          idempotencyKey: expect.stringMatching(expectedKey(fixtures[i]!.text)) as unknown,
        });
      }
      expect(await t.queue.getJobCounts('wait')).toEqual({ wait: fixtures.length });
      // Posted one after the other, so stamped in that order.
      const jobs = await jobsOf(t);
      expect(jobs.map((job) => job.rawBody)).toEqual(fixtures.map((f) => f.text));
      expect(jobs.map((job) => job.idempotencyKey)).toEqual(answers.map(keyOf));
      expect(jobs.every((job) => job.redelivery === undefined)).toBe(true);
    });

    it('gives a redelivery 200 and queues it as a redelivery of the first, even re-serialized with other key order and spacing', async () => {
      const text = fixtures.find((f) => f.name === 'documented/order_success.json')!.text;
      const reordered = JSON.stringify(
        Object.fromEntries(Object.entries(JSON.parse(text) as object).reverse()),
      );
      const first = await post(t.webhookUrl, text);
      const again = await post(t.webhookUrl, text);
      const reserialized = await post(t.webhookUrl, reordered);
      expect(first.json()).toMatchObject({ status: 'enqueued' });
      expect(again.status).toBe(200);
      expect(again.json()).toEqual({
        status: 'duplicate',
        idempotencyKey: (first.json() as { idempotencyKey: string }).idempotencyKey,
      });
      expect(reserialized.json()).toMatchObject({ status: 'duplicate' });
      const jobs = await jobsOf(t);
      expect(jobs.map((job) => [job.idempotencyKey, job.redelivery])).toEqual([
        [keyOf(first), undefined],
        [keyOf(first), 'content-window'],
        [keyOf(first), 'content-window'],
      ]);
      expect(new Set(jobs.map((job) => job.receiptId)).size).toBe(3);
      const metrics = await get(`${t.url}/metrics`);
      expect(metrics.text).toContain('ingest_redeliveries_total{rule="content-window"} 2');
    });

    it('recognises a wallet transaction resent with a reworded description by its occurrence key', async () => {
      const text = fixtures.find((f) => f.name === 'documented/wallet.credited.json')!.text;
      const reworded = text.replace('successfully credited', 'credited');
      expect(reworded).not.toBe(text);
      const first = await post(t.webhookUrl, text);
      const again = await post(t.webhookUrl, reworded);
      expect(first.json()).toEqual({
        status: 'enqueued',
        idempotencyKey: 'occurrence:wallet.credited:["trhi_JfW8QKvD5SxfOfIqWRSe3"]',
      });
      expect(again.json()).toEqual({ status: 'duplicate', idempotencyKey: keyOf(first) });
      const jobs = await jobsOf(t);
      expect(jobs.map((job) => [job.rawBody, job.redelivery])).toEqual([
        [text, undefined],
        [reworded, 'occurrence'],
      ]);
      expect((await get(`${t.url}/metrics`)).text).toContain(
        'ingest_redeliveries_total{rule="occurrence"} 1',
      );
    });

    it('tells apart bodies that differ only in an integer above 2^53', async () => {
      const a = await post(
        t.webhookUrl,
        '{"event_name":"order_success","metadata":{"total":9007199254740993}}',
      );
      const b = await post(
        t.webhookUrl,
        '{"event_name":"order_success","metadata":{"total":9007199254740992}}',
      );
      expect([a.json(), b.json()]).toMatchObject([{ status: 'enqueued' }, { status: 'enqueued' }]);
    });

    it('accepts any JSON object, even one that is no Rehook event, and stores its bytes unchanged', async () => {
      const body = '{ "hello" : "wörld",\n  "n": 1.50 }';
      expect((await post(t.webhookUrl, body)).status).toBe(200);
      expect((await jobsOf(t)).map((d) => d.rawBody)).toEqual([body]);
    });

    it.each([
      ['text that is not JSON', 'not json'],
      ['truncated JSON', '{"event_name":'],
      ['a body of whitespace only', ' \n'],
      ['a JSON array', '[{"event_name":"signup"}]'],
      ['a JSON string', '"signup"'],
      ['JSON null', 'null'],
    ])('answers 400 to %s and enqueues nothing', async (_name, body) => {
      expectProblem(await post(t.webhookUrl, body), 400);
      expect(await t.queue.getJobCounts('wait')).toEqual({ wait: 0 });
    });

    it('answers 200 to an empty body (a test ping) and enqueues it, empty, to be stored as invalid', async () => {
      const answer = await post(t.webhookUrl, '');
      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({
        status: 'enqueued',
        idempotencyKey: expect.stringMatching(/^content:[0-9a-f]{64}:\d+$/) as unknown,
      });
      expect((await jobsOf(t)).map((d) => d.rawBody)).toEqual(['']);
    });

    it('answers 400 to a body that is not UTF-8', async () => {
      expectProblem(await post(t.webhookUrl, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 400);
    });

    it('accepts a body exactly at the limit', async () => {
      const body = JSON.stringify({ pad: '' });
      const exact = JSON.stringify({ pad: 'x'.repeat(4096 - body.length) });
      expect(Buffer.byteLength(exact)).toBe(4096);
      expect((await post(t.webhookUrl, exact)).status).toBe(200);
    });

    it('answers 413 to a declared Content-Length over the limit, without reading the body', async () => {
      const answer = await new Promise<Answer>((resolve, reject) => {
        const req = request(
          t.webhookUrl,
          { method: 'POST', headers: { 'content-length': '5000' } },
          (res) => void readAnswer(res).then(resolve, reject),
        );
        req.on('error', reject);
        // Only the headers: the answer must come without the body ever being sent.
        req.flushHeaders();
      });
      expectProblem(answer, 413);
      expect(answer.headers['connection']).toBe('close');
    });

    it('answers 413 to a chunked body without Content-Length that grows past the limit while streaming', async () => {
      const answer = await new Promise<Answer>((resolve, reject) => {
        const req = request(
          t.webhookUrl,
          { method: 'POST', headers: { 'transfer-encoding': 'chunked' } },
          (res) => void readAnswer(res).then(resolve, reject),
        );
        let sent = 0;
        const timer = setInterval(() => {
          // Keeps sending 1 KiB chunks and never ends by itself: only the 413 stops it.
          if (sent === 0) req.write('{"pad":"');
          req.write('x'.repeat(1024));
          sent += 1024;
          if (sent > 64 * 1024) clearInterval(timer);
        }, 5);
        req.on('response', () => clearInterval(timer));
        req.on('error', (error) => (clearInterval(timer), reject(error)));
      });
      expectProblem(answer, 413);
      expect(await t.queue.getJobCounts('wait')).toEqual({ wait: 0 });
    });

    it('enqueues nothing when the sender goes away in the middle of the body', async () => {
      const req = request(t.webhookUrl, { method: 'POST', headers: { 'content-length': '100' } });
      req.on('error', () => {});
      req.write('{"event_name":"signup",');
      await waitFor(() => t.ingest.inFlight() > 0, { what: 'the unfinished webhook to be in flight' });
      // The gauge is read at scrape time: the unfinished webhook and the scrape itself.
      expect((await get(`${t.url}/metrics`)).text).toContain('ingest_requests_in_flight 2');
      req.destroy();
      await waitFor(() => t.ingest.inFlight() === 0, {
        what: 'the aborted webhook to leave the in-flight gauge',
      });
      expect(await t.queue.getJobCounts('wait')).toEqual({ wait: 0 });
      const metrics = await get(`${t.url}/metrics`);
      expect(metrics.text).toContain('ingest_http_requests_total{route="webhook",status="aborted"} 1');
    });

    it('answers 415 to a compressed body', async () => {
      expectProblem(await post(t.webhookUrl, '{}', { 'content-encoding': 'gzip' }), 415);
    });

    it('answers 405 to other methods on the webhook path and 404 elsewhere, as problems', async () => {
      const wrongMethod = await get(t.webhookUrl);
      expectProblem(wrongMethod, 405);
      expect(wrongMethod.headers['allow']).toBe('POST');
      expectProblem(await get(`${t.url}/nope`), 404);
    });

    it('serves /healthz, /readyz and Prometheus /metrics', async () => {
      await post(t.webhookUrl, '{"a":1}');
      await post(t.webhookUrl, 'nope');
      expect((await get(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect((await get(`${t.url}/readyz`)).json()).toEqual({ status: 'ready' });
      const metrics = await get(`${t.url}/metrics`);
      expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
      expect(metrics.text).toContain('ingest_http_requests_total{route="webhook",status="200"} 1');
      expect(metrics.text).toContain('ingest_http_requests_total{route="webhook",status="400"} 1');
      expect(metrics.text).toContain('ingest_enqueue_duration_seconds_count{outcome="enqueued"} 1');
      expect(metrics.text).toContain('ingest_webhook_body_bytes_count 2');
    });
  });

  describe('with a delivery-id header configured', () => {
    beforeEach(async () => {
      t = await startTestIngest({ WEBHOOK_DELIVERY_ID_HEADER: 'X-Delivery-Id' });
    });

    it('keys by the header: one body under two ids is two jobs, one id with two bodies is one', async () => {
      const body = fixtures[0]!.text;
      const a = await post(t.webhookUrl, body, { 'x-delivery-id': 'd-1' });
      const b = await post(t.webhookUrl, body, { 'x-delivery-id': 'd-2' });
      const c = await post(t.webhookUrl, '{"other":true}', { 'x-delivery-id': 'd-1' });
      expect(a.json()).toEqual({ status: 'enqueued', idempotencyKey: 'delivery:d-1' });
      expect(b.json()).toEqual({ status: 'enqueued', idempotencyKey: 'delivery:d-2' });
      expect(c.json()).toEqual({ status: 'duplicate', idempotencyKey: 'delivery:d-1' });
      expect((await jobsOf(t)).map((job) => job.redelivery)).toEqual([undefined, undefined, 'delivery-id']);
    });

    it('falls back to the body when the header is missing', async () => {
      const answer = await post(t.webhookUrl, '{"a":1}');
      expect(answer.json()).toEqual({
        status: 'enqueued',
        idempotencyKey: expect.stringMatching(expectedKey('{"a":1}')) as unknown,
      });
    });
  });

  describe('with a short dedupe window', () => {
    beforeEach(async () => {
      t = await startTestIngest({ WEBHOOK_DEDUPE_WINDOW_SECONDS: '1' });
    });

    it('takes an identical body after the window for a new event (a second identical order)', async () => {
      const text = fixtures.find((f) => f.name === 'documented/order_success.json')!.text;
      const first = await post(t.webhookUrl, text);
      expect((await post(t.webhookUrl, text)).json()).toEqual({
        status: 'duplicate',
        idempotencyKey: keyOf(first),
      });
      // Deliberate: wait out the 1 s dedupe window.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const later = await post(t.webhookUrl, text);
      expect(later.json()).toMatchObject({ status: 'enqueued' });
      expect(keyOf(later)).not.toBe(keyOf(first));
    });
  });

  describe('with content dedupe off', () => {
    beforeEach(async () => {
      t = await startTestIngest({ WEBHOOK_DEDUPE_WINDOW_SECONDS: '0' });
    });

    it('takes every identical body for an event of its own, but still recognises occurrence keys', async () => {
      const order = fixtures.find((f) => f.name === 'documented/order_success.json')!.text;
      const credited = fixtures.find((f) => f.name === 'documented/wallet.credited.json')!.text;
      const answers = [];
      for (const text of [order, order, credited, credited]) answers.push(await post(t.webhookUrl, text));
      expect(answers.map((a) => (a.json() as { status: string }).status)).toEqual([
        'enqueued',
        'enqueued',
        'enqueued',
        'duplicate',
      ]);
      expect(keyOf(answers[0]!)).not.toBe(keyOf(answers[1]!));
    });
  });
});
