export { appendEvents, appendEventsStatement } from './append-events';
export {
  countEvents,
  eventBatchesInReceiptOrder,
  eventBatchesInSeqRange,
  readEventsInReceiptOrder,
} from './read-events';
export type { SeqRange } from './read-events';
export { reclassifyEvents } from './reclassify-events';
export type { EventClassification } from './reclassify-events';
export type { SqlClient } from './sql-client';
export { rowsRecordset, SqlParams } from './sql-params';
export type { RecordsetColumn, RowColumn } from './sql-params';
export { isStorableText, storableText } from './storable-text';
export type { EventOrigin, EventStatus, NewEvent, ReceiptPosition, StoredEvent } from './stored-event';
