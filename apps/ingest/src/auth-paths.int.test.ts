import { request } from 'node:http';
import {
  basic,
  readAnswer,
  startTestIngest,
  type Answer,
  type TestIngest,
} from '../../../test/support/ingest-harness';

let ingest: TestIngest;
const CREDENTIALS = basic('rehook', 'path-tricks-secret');

beforeAll(async () => {
  ingest = await startTestIngest({
    WEBHOOK_BASIC_AUTH: 'rehook:path-tricks-secret',
    WEBHOOK_REQUIRED_HEADERS: 'X-Rehook-Token=hdr-secret',
  });
});

afterAll(async () => {
  await ingest.stop();
});

/** POSTs to a raw request target (no URL normalisation by a client library). */
function postRaw(target: string, headers: Record<string, string>): Promise<Answer> {
  const { hostname, port } = new URL(ingest.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: target,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => void readAnswer(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(JSON.stringify({ event_name: 'signup', source_id: 'path-trick', metadata: { target } }));
  });
}

const TRICKS = [
  '/webhooks/rehook/',
  '/WEBHOOKS/REHOOK',
  '/Webhooks/Rehook',
  '/webhooks%2Frehook',
  '/webhooks%2frehook',
  '/webhooks/rehook/..',
  '/webhooks/rehook/.',
  '/webhooks/./rehook',
  '/webhooks/x/../rehook',
  '//webhooks/rehook',
  '/webhooks//rehook',
  '/webhooks/rehook%20',
  '/webhooks/rehook%00',
  '/webhooks/rehook;x=1',
  '/%77ebhooks/rehook',
  'http://evil.example/webhooks/rehook',
];

describe('the ingest webhook route against path tricks', () => {
  it.each(TRICKS)('never accepts %s without credentials', async (target) => {
    const answer = await postRaw(target, {});
    expect([401, 404, 405]).toContain(answer.status);
  });

  it('answers 401 to the exact path and to it with a query string, without credentials', async () => {
    expect((await postRaw('/webhooks/rehook', {})).status).toBe(401);
    expect((await postRaw('/webhooks/rehook?x=1', {})).status).toBe(401);
    expect((await postRaw('/webhooks/rehook?', { 'x-rehook-token': 'hdr-secret' })).status).toBe(401);
  });

  it('accepts webhooks only on the exact path, even with credentials: other spellings are never enqueued', async () => {
    const headers = { authorization: CREDENTIALS, 'x-rehook-token': 'hdr-secret' };
    const accepted: string[] = [];
    for (const target of TRICKS) {
      const answer = await postRaw(target, headers);
      if (answer.status < 400) accepted.push(`${target}: ${answer.status}`);
    }
    expect(accepted).toEqual([]);
    expect(await ingest.queue.count()).toBe(0);
    expect((await postRaw('/webhooks/rehook?from=rehook', headers)).status).toBe(200);
    expect(await ingest.queue.count()).toBe(1);
  });

  it('refuses a wrong password, a wrong required header and credentials split across spellings', async () => {
    const wrong: Record<string, string>[] = [
      { authorization: basic('rehook', 'path-tricks-secreT'), 'x-rehook-token': 'hdr-secret' },
      { authorization: basic('Rehook', 'path-tricks-secret'), 'x-rehook-token': 'hdr-secret' },
      { authorization: CREDENTIALS, 'x-rehook-token': 'hdr-secret ' + 'x' },
      { authorization: CREDENTIALS },
      { authorization: `${CREDENTIALS}, ${basic('a', 'b')}`, 'x-rehook-token': 'hdr-secret' },
      { authorization: 'Bearer path-tricks-secret', 'x-rehook-token': 'hdr-secret' },
    ];
    for (const headers of wrong) expect((await postRaw('/webhooks/rehook', headers)).status).toBe(401);
  });
});
