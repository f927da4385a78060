import { Gauge, type Registry } from 'prom-client';
import { verifyState } from '@mirror/verify';
import type { ReadDb } from './deps';
import { lastWebhookByEvent, reconcileFreshness } from '@mirror/stats';

const RUN_STATUSES = ['running', 'succeeded', 'partial', 'failed'] as const;
const VERIFY_STATUSES = ['running', 'passed', 'differences', 'failed'] as const;

/**
 * Freshness gauges, read from Postgres at scrape time (so every API replica tells the same, and
 * whichever process ran the reconcile does not matter): when each event name's newest webhook
 * arrived, and how the last reconcile run went. The README's alert rules are written on these.
 * One read per scrape serves every gauge.
 */
export function registerFreshnessMetrics(registry: Registry, db: ReadDb): void {
  let snapshot: Promise<Awaited<ReturnType<typeof read>>> | undefined;
  const read = async () => {
    const [webhooks, reconcile, verify] = await Promise.all([
      lastWebhookByEvent(db),
      reconcileFreshness(db),
      verifyState(db),
    ]);
    return { webhooks, reconcile, verify };
  };
  // The gauges of one scrape are collected one after another; they share one read.
  const current = () => {
    snapshot ??= read().finally(() => setTimeout(() => (snapshot = undefined), 1000).unref());
    return snapshot;
  };
  const seconds = (date: Date) => date.getTime() / 1000;

  new Gauge({
    name: 'mirror_webhook_last_received_timestamp_seconds',
    help: 'When the newest webhook of each event name was received (absent: never)',
    labelNames: ['event'],
    registers: [registry],
    async collect() {
      const { webhooks } = await current();
      this.reset();
      for (const row of webhooks) {
        if (row.lastReceivedAt !== null) this.set({ event: row.name }, seconds(row.lastReceivedAt));
      }
    },
  });
  new Gauge({
    name: 'mirror_reconcile_last_success_timestamp_seconds',
    help: 'When the newest reconcile run that succeeded over at least one customer (not a dry run) finished; 0 if none has',
    registers: [registry],
    async collect() {
      const { reconcile } = await current();
      this.set(reconcile.lastSucceededAt === null ? 0 : seconds(reconcile.lastSucceededAt));
    },
  });
  new Gauge({
    name: 'mirror_reconcile_last_run_timestamp_seconds',
    help: 'When the newest reconcile run started; 0 if none has',
    registers: [registry],
    async collect() {
      const { reconcile } = await current();
      this.set(reconcile.lastRun === null ? 0 : seconds(reconcile.lastRun.startedAt));
    },
  });
  new Gauge({
    name: 'mirror_reconcile_last_run_status',
    help: 'Status of the newest reconcile run: 1 for its status, 0 for the others',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const { reconcile } = await current();
      for (const status of RUN_STATUSES) this.set({ status }, reconcile.lastRun?.status === status ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mirror_reconcile_last_run_customers_checked',
    help: 'Customers the newest reconcile run compared with Rehook (0 over an empty mirror)',
    registers: [registry],
    async collect() {
      const { reconcile } = await current();
      this.set(reconcile.lastRun?.customersChecked ?? 0);
    },
  });
  new Gauge({
    name: 'mirror_reconcile_drift_items',
    help: 'Drift items (differences not repaired) found by the newest reconcile run',
    registers: [registry],
    async collect() {
      const { reconcile } = await current();
      this.set(reconcile.lastRun?.driftItems ?? 0);
    },
  });
  new Gauge({
    name: 'mirror_verify_last_run_timestamp_seconds',
    help: 'When the newest verify run (read models against the event store) started; 0 if none has',
    registers: [registry],
    async collect() {
      const { verify } = await current();
      this.set(verify.lastRun === null ? 0 : seconds(verify.lastRun.startedAt));
    },
  });
  new Gauge({
    name: 'mirror_verify_last_pass_timestamp_seconds',
    help: 'When the newest verify run that found no difference finished; 0 if none has',
    registers: [registry],
    async collect() {
      const { verify } = await current();
      this.set(verify.lastPassedAt === null ? 0 : seconds(verify.lastPassedAt));
    },
  });
  new Gauge({
    name: 'mirror_verify_last_run_status',
    help: 'Status of the newest verify run: 1 for its status, 0 for the others',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const { verify } = await current();
      for (const status of VERIFY_STATUSES) this.set({ status }, verify.lastRun?.status === status ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mirror_verify_differences',
    help: 'Differences between the read models and the event store found by the newest verify run',
    registers: [registry],
    async collect() {
      const { verify } = await current();
      this.set(verify.lastRun?.differences ?? 0);
    },
  });
}
