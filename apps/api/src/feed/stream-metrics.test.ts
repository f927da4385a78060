import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import type { FeedHub } from './feed-hub';
import { registerStreamMetrics } from './stream-metrics';

describe('the stream gauges', () => {
  it("tell the hub's open streams and unsent bytes at scrape time", async () => {
    const registry = new Registry();
    const hub = { size: 3, unsentBytes: () => 4096 } as unknown as FeedHub;
    registerStreamMetrics(registry, hub);
    const text = await registry.metrics();
    expect(text).toMatch(/^mirror_api_streams_open 3$/m);
    expect(text).toMatch(/^mirror_api_stream_unsent_bytes 4096$/m);
  });

  it('are each listed in the README metrics table', () => {
    const registry = new Registry();
    registerStreamMetrics(registry, { size: 0, unsentBytes: () => 0 } as unknown as FeedHub);
    const readme = readFileSync(path.resolve(__dirname, '../../../../README.md'), 'utf8');
    const rows = readme
      .slice(readme.indexOf('\n## Metrics'))
      .split('\n')
      .filter((line) => line.startsWith('|'));
    for (const { name } of registry.getMetricsAsArray()) {
      expect(rows.filter((row) => row.includes(`\`${name}\``))).toHaveLength(1);
    }
  });
});
