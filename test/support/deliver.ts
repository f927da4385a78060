import type { PrismaClient } from '@mirror/db';
import { recordEvents, type RecordedEvent } from '@mirror/projections';
import { buildWebhookJob, ReceiptClock } from '@mirror/queue';
import type { WebhookBody } from './deliveries';

/**
 * Delivers webhook bodies the way production does: each one becomes the job the ingest builds
 * (raw body, body-hash idempotency key, receipt stamp from a receipt clock), and goes through
 * the worker's `recordEvents`, which stores and projects it.
 */
export class Deliverer {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: ReceiptClock = new ReceiptClock(),
  ) {}

  /** Delivers the bodies in order, one receipt stamp each, in batches of `batchSize`. */
  async deliver(bodies: readonly (WebhookBody | string)[], batchSize = 200): Promise<RecordedEvent[]> {
    const jobs = bodies.map((body) => {
      const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
      return buildWebhookJob({ rawBody, body: JSON.parse(rawBody) as WebhookBody }, this.clock);
    });
    const results: RecordedEvent[] = [];
    for (let i = 0; i < jobs.length; i += batchSize) {
      results.push(...(await recordEvents(this.prisma, jobs.slice(i, i + batchSize))));
    }
    return results;
  }
}
