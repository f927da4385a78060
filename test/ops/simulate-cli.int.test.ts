// `mirror simulate` as a command: its limits and failures, and its NDJSON output for `import`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExpectedSummary } from '../../apps/cli/src/simulator/expected';
import { freePort, runMirror } from './support/processes';

describe('mirror simulate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mirror-sim-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('targets only this machine unless told otherwise', async () => {
    const result = await runMirror(['simulate', '--url', 'http://192.168.1.10:3000/webhooks/rehook'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/192\.168\.1\.10:3000 is not on this machine; pass --allow-remote/);
  }, 30_000);

  it('gives up quickly, with a clear message, when nothing listens at the URL', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await runMirror(
      ['simulate', '--url', `http://127.0.0.1:${port}/webhooks/rehook`, '--rate', '50', '--duration', '60'],
      {},
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /no answer from http:\/\/127\.0\.0\.1:\d+\/webhooks\/rehook .*is the ingest running/,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('refuses out-of-range options before sending anything', async () => {
    const result = await runMirror(['simulate', '--rate', '0'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--rate.*must be an integer from 1 to 5000/);
  }, 30_000);

  it('writes reproducible NDJSON traffic and its expected read models for import', async () => {
    const a = join(dir, 'a.ndjson');
    const b = join(dir, 'b.ndjson');
    const expectedFile = join(dir, 'expected.json');
    const first = await runMirror(
      ['simulate', '--events', '250', '--seed', '4', '--write', a, '--expected', expectedFile],
      {},
    );
    const second = await runMirror(['simulate', '--events', '250', '--seed', '4', '--write', b], {});
    expect([first.code, second.code]).toEqual([0, 0]);
    const lines = readFileSync(a, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(250);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ source: 'rehook' });
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as ExpectedSummary;
    expect(expected.deliveries).toBe(250);
    expect(expected.distinctEvents).toBeLessThan(250);
  }, 60_000);
});
