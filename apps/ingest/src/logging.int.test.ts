import { basic, post, startTestIngest } from '../../../test/support/ingest-harness';
import type { TestIngest } from '../../../test/support/ingest-harness';

const PASSWORD = 'pw-7f3a9c-secret';
const HEADER_SECRET = 'hdr-51be02-secret';
const BODY_MARKER = 'body-c0ffee-marker';

describe('logs', () => {
  let t: TestIngest;
  afterEach(async () => t.stop());

  it.each(['info', 'debug'])('never contain credentials or body content at %s level', async (level) => {
    t = await startTestIngest(
      { WEBHOOK_BASIC_AUTH: `rehook:${PASSWORD}`, WEBHOOK_REQUIRED_HEADERS: `X-Key=${HEADER_SECRET}` },
      { logLevel: level },
    );
    const authorization = basic('rehook', PASSWORD);
    const body = JSON.stringify({
      event_name: 'signup',
      source_id: BODY_MARKER,
      metadata: { note: BODY_MARKER },
    });
    const good = { authorization, 'x-key': HEADER_SECRET };

    expect((await post(t.webhookUrl, body, good)).status).toBe(200);
    expect((await post(t.webhookUrl, body, good)).status).toBe(200);
    expect((await post(t.webhookUrl, `{"broken": "${BODY_MARKER}"`, good)).status).toBe(400);
    expect((await post(t.webhookUrl, `[ "${BODY_MARKER}" ]`, good)).status).toBe(400);
    expect(
      (await post(t.webhookUrl, body, { ...good, authorization: basic('rehook', `${PASSWORD}x`) })).status,
    ).toBe(401);
    expect((await post(t.webhookUrl, body, { ...good, 'x-key': `${HEADER_SECRET}x` })).status).toBe(401);

    const output = t.logs.join('');
    expect(output).toContain('webhook accepted');
    expect(output).toContain('webhook refused');
    for (const secret of [PASSWORD, HEADER_SECRET, authorization.slice('Basic '.length), BODY_MARKER]) {
      expect(output).not.toContain(secret);
    }
  });
});
