import { request } from 'node:http';
import { basic, post, readAnswer, startTestIngest } from '../../../test/support/ingest-harness';
import type { Answer, TestIngest } from '../../../test/support/ingest-harness';

describe('webhook authentication', () => {
  let t: TestIngest;
  afterEach(async () => t.stop());

  describe('with basic auth and two required headers', () => {
    beforeEach(async () => {
      t = await startTestIngest({
        WEBHOOK_BASIC_AUTH: 'rehook:pa:ss word',
        WEBHOOK_REQUIRED_HEADERS: 'X-Shop=acme,X-Api-Key=k3y=v',
      });
    });

    const good = { authorization: basic('rehook', 'pa:ss word'), 'x-shop': 'acme', 'x-api-key': 'k3y=v' };

    it('accepts a delivery that presents every credential', async () => {
      expect((await post(t.webhookUrl, '{"a":1}', good)).status).toBe(200);
    });

    it.each([
      ['no authorization', { authorization: undefined }],
      ['a wrong user', { authorization: basic('rehooks', 'pa:ss word') }],
      ['a wrong password', { authorization: basic('rehook', 'pa:ss words') }],
      ['a password cut at its colon', { authorization: basic('rehook', 'pa') }],
      ['another scheme', { authorization: 'Bearer pa:ss word' }],
    ])('answers 401 with a Basic challenge to %s', async (_name, change) => {
      const answer = await post(t.webhookUrl, '{"a":1}', { ...good, ...change });
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Basic realm="rehook-mirror", charset="UTF-8"');
      expect(answer.headers['content-type']).toBe('application/problem+json');
    });

    it.each([
      ['a missing header', { 'x-shop': undefined }],
      ['a header with the wrong value', { 'x-shop': 'acme2' }],
      ['a header value that differs in case', { 'x-api-key': 'K3Y=v' }],
      ['the other header missing', { 'x-api-key': undefined }],
    ])('answers 401 to %s', async (_name, change) => {
      const answer = await post(t.webhookUrl, '{"a":1}', { ...good, ...change });
      expect(answer.status).toBe(401);
      expect(await t.queue.getJobCounts('wait')).toEqual({ wait: 0 });
    });

    it('matches header names case-insensitively', async () => {
      const headers = { authorization: good.authorization, 'X-SHOP': 'acme', 'x-API-key': 'k3y=v' };
      expect((await post(t.webhookUrl, '{"a":1}', headers)).status).toBe(200);
    });

    it('refuses before reading the body: the 401 comes while the body is still unsent', async () => {
      const answer = await new Promise<Answer>((resolve, reject) => {
        const req = request(t.webhookUrl, {
          method: 'POST',
          headers: { ...good, authorization: basic('rehook', 'wrong'), 'content-length': '1000000' },
        });
        req.on('response', (res) => void readAnswer(res).then(resolve, reject));
        req.on('error', reject);
        req.flushHeaders();
      });
      expect(answer.status).toBe(401);
      expect(answer.headers['connection']).toBe('close');
    });
  });

  describe('with only required headers', () => {
    beforeEach(async () => {
      t = await startTestIngest({ WEBHOOK_REQUIRED_HEADERS: 'X-Shop=acme' });
    });

    it('answers 401 without a Basic challenge', async () => {
      const answer = await post(t.webhookUrl, '{"a":1}', { 'x-shop': 'nope' });
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBeUndefined();
      expect((await post(t.webhookUrl, '{"a":1}', { 'x-shop': 'acme' })).status).toBe(200);
    });
  });
});
