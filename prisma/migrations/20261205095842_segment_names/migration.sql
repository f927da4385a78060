-- A segment's name moves from its one `segments` row, which every segment event rewrote (and
-- locked until its transaction committed, serialising all workers on a popular segment), to
-- `segment_names`: a last-writer-wins register per (segment, customer), so concurrent events
-- write different rows; the segment's name is that of its latest report.

-- CreateTable
CREATE TABLE "segment_names" (
    "segment_id" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "stamp" BIGINT NOT NULL,
    "stamp_key" TEXT NOT NULL,

    CONSTRAINT "segment_names_pkey" PRIMARY KEY ("segment_id","source_id")
);

-- Hand-written: carry each segment's current name over as a report of its own, under the
-- source id '' (no customer's), with the stamp and key of the event that reported it: later
-- reports still win over it by stamp. A rebuild replaces it with the reporting customer's row.
INSERT INTO "segment_names" ("segment_id", "source_id", "name", "stamp", "stamp_key")
SELECT "segment_id", '', "name", "name_stamp", "name_key" FROM "segments"
WHERE "name" IS NOT NULL AND "name_stamp" IS NOT NULL AND "name_key" IS NOT NULL;

-- AlterTable
ALTER TABLE "segments" DROP COLUMN "name",
DROP COLUMN "name_key",
DROP COLUMN "name_stamp";

-- CreateIndex
CREATE INDEX "segment_names_segment_id_stamp_idx" ON "segment_names"("segment_id", "stamp");
