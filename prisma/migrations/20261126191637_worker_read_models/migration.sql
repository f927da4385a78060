-- CreateEnum
CREATE TYPE "event_origin" AS ENUM ('webhook', 'mirror');

-- AlterTable
ALTER TABLE "coupon_redemptions" ADD COLUMN     "rollback_key" TEXT,
ADD COLUMN     "rollback_stamp" BIGINT;

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "origin" "event_origin" NOT NULL DEFAULT 'webhook';

-- AlterTable
ALTER TABLE "referrals" ADD COLUMN     "advocate_rewarded_key" TEXT,
ADD COLUMN     "advocate_rewarded_stamp" BIGINT,
ADD COLUMN     "friend_rewarded_key" TEXT,
ADD COLUMN     "friend_rewarded_stamp" BIGINT;

-- Hand-written: a rebuild re-reads every stored body with the current catalog (DESIGN.md,
-- invariant 4: quarantined events "are projected after a code change by a rebuild"), and records
-- that reading, so that an event the catalog now knows is no longer listed as unrecognized.
-- What was received stays immutable: an UPDATE may change name, status and reason only (any
-- column added later is protected too, since the comparison covers the whole row).
CREATE OR REPLACE FUNCTION "events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND to_jsonb(NEW) - ARRAY['name', 'status', 'reason'] = to_jsonb(OLD) - ARRAY['name', 'status', 'reason'] THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'the event store is append-only: an UPDATE of events may change name, status and reason only'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RAISE EXCEPTION 'the event store is append-only: % on events is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;
