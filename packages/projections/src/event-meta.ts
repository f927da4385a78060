/** What the event store knows about an event beyond its body: how projections order reports. */
export interface EventMeta {
  /** Ingest accept time in µs, made unique per ingest process: orders last-writer-wins registers. */
  receiptStamp: bigint;
  /** Breaks ties between equal receipt stamps from different ingest replicas. */
  idempotencyKey: string;
  /** Ingest accept time: the time a read model shows when the payload carries none. */
  receivedAt: Date;
}
