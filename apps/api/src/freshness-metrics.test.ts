import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import type { ReadDb } from './deps';
import { registerFreshnessMetrics } from './freshness-metrics';

describe('the freshness gauges', () => {
  it('are each listed in the README metrics table', () => {
    const registry = new Registry();
    // Registering reads nothing: the database is read at scrape time only.
    registerFreshnessMetrics(registry, {} as ReadDb);
    const names = registry.getMetricsAsArray().map((metric) => metric.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'mirror_webhook_last_received_timestamp_seconds',
        'mirror_reconcile_last_success_timestamp_seconds',
        'mirror_reconcile_drift_items',
      ]),
    );
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const metricsSection = readme.slice(readme.indexOf('\n## Metrics'));
    const tableRows = metricsSection.split('\n').filter((line) => line.startsWith('|'));
    for (const name of names) {
      expect(tableRows.filter((row) => row.includes(`\`${name}\``))).toHaveLength(1);
    }
  });
});
