import type { EventOrigin } from '@mirror/event-store';
import type { WebhookJobData } from '@mirror/delivery-identity';
import type { PreviousVersionRedeliveries } from './previous-version-redeliveries';
import { deliveryMeta, recordEvents, type RecordedEvent, type RecorderClient } from './record-events';

/** Options of {@link EventRecorder}. */
export interface EventRecorderOptions {
  /**
   * Transactions in flight at once (each holds a connection).
   * @defaultValue 4
   */
  lanes?: number;
  /**
   * Most deliveries recorded in one transaction.
   * @defaultValue 64
   */
  maxBatch?: number;
  /**
   * Most body characters in one transaction (a batch always takes at least one delivery), so
   * that large bodies (the ingest accepts up to 1 MiB) do not make huge statements.
   * @defaultValue 4 Mi
   */
  maxBatchChars?: number;
  /** Origin of every delivery (see `RecordOptions.origin`). @defaultValue 'webhook' */
  origin?: EventOrigin;
  /**
   * Recognises redeliveries of events the version before delivery identity stored (the
   * worker's); without it, deliveries are recorded as the ingest identified them.
   */
  previousVersion?: PreviousVersionRedeliveries;
}

interface Pending {
  delivery: WebhookJobData;
  resolve: (recorded: RecordedEvent) => void;
  reject: (error: unknown) => void;
}

/**
 * Records deliveries one call each, but shares transactions between the calls of one process
 * that arrive while others are being recorded: a call made when a lane is free is recorded
 * alone at once (no added latency when traffic is light), calls that arrive while every lane
 * is busy wait and go together in the next transaction (one commit, one round trip of each
 * statement for many events when traffic is heavy). Results are those of `recordEvents`, which
 * is what each batch runs: batching changes throughput, never the read models.
 *
 * An event whose projection the database refuses on its data (an overflow, a check constraint)
 * does not fail its batch: `recordEvents` commits the others and stores it as `invalid` with the
 * reason. A batch that fails otherwise (Postgres away, a deadlock, a lock timeout) rejects every
 * call in it, and each job is retried on its own terms. A delivery that breaks the job contract
 * is rejected alone, before it can join a batch.
 */
export class EventRecorder {
  private readonly pending: Pending[] = [];
  private active = 0;
  private readonly lanes: number;
  private readonly maxBatch: number;
  private readonly maxBatchChars: number;
  private readonly origin: EventOrigin;
  private readonly previousVersion: PreviousVersionRedeliveries | undefined;

  constructor(
    private readonly db: RecorderClient,
    options: EventRecorderOptions = {},
  ) {
    this.lanes = options.lanes ?? 4;
    this.maxBatch = options.maxBatch ?? 64;
    this.maxBatchChars = options.maxBatchChars ?? 4 * 1024 * 1024;
    this.origin = options.origin ?? 'webhook';
    this.previousVersion = options.previousVersion;
  }

  /** Records one delivery; resolves once it is stored and projected (or found a duplicate). */
  record(delivery: WebhookJobData): Promise<RecordedEvent> {
    try {
      deliveryMeta(delivery);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<RecordedEvent>((resolve, reject) => {
      this.pending.push({ delivery, resolve, reject });
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.active < this.lanes && this.pending.length > 0) {
      let count = 0;
      let chars = 0;
      while (count < this.pending.length && count < this.maxBatch) {
        chars += (this.pending[count] as Pending).delivery.rawBody.length;
        if (count > 0 && chars > this.maxBatchChars) break;
        count += 1;
      }
      this.active += 1;
      void this.run(this.pending.splice(0, count));
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      const deliveries = batch.map((call) => call.delivery);
      const identified = (await this.previousVersion?.identify(deliveries)) ?? deliveries;
      const results = await recordEvents(this.db, identified, { origin: this.origin });
      batch.forEach((call, i) => call.resolve(results[i] as RecordedEvent));
    } catch (error) {
      for (const call of batch) call.reject(error);
    } finally {
      this.active -= 1;
      this.startBatches();
    }
  }
}
