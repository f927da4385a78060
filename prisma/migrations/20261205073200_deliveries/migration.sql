-- CreateTable
CREATE TABLE "deliveries" (
    "receipt_id" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "receipt_stamp" BIGINT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "rule" TEXT NOT NULL,
    "note" TEXT,

    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("receipt_id")
);

-- CreateIndex
CREATE INDEX "deliveries_event_key_idx" ON "deliveries"("event_key");

-- Events stored before deliveries were recorded: one delivery each, the one they were stored
-- from, so that every event counts at least one (its receipt id names the event's position).
INSERT INTO "deliveries" ("receipt_id", "event_key", "receipt_stamp", "received_at", "rule")
SELECT 'stored:' || "seq", "idempotency_key", "receipt_stamp", "received_at", 'first' FROM "events";
