-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "event_status" AS ENUM ('projected', 'unrecognized', 'invalid');

-- CreateTable
CREATE TABLE "events" (
    "seq" BIGSERIAL NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "receipt_stamp" BIGINT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "name" TEXT,
    "raw_name" TEXT,
    "source_id" TEXT NOT NULL,
    "status" "event_status" NOT NULL,
    "reason" TEXT,
    "raw_body" TEXT NOT NULL,
    "stored_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "events_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "customers" (
    "source_id" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_event_at" TIMESTAMPTZ(3) NOT NULL,
    "event_count" INTEGER NOT NULL DEFAULT 0,
    "orders_count" INTEGER NOT NULL DEFAULT 0,
    "orders_total" DECIMAL(20,4) NOT NULL DEFAULT 0,
    "last_order_at" TIMESTAMPTZ(3),
    "rehook_customer_id" TEXT,
    "rehook_customer_stamp" BIGINT,
    "rehook_customer_key" TEXT,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("source_id")
);

-- CreateTable
CREATE TABLE "customer_properties" (
    "source_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "stamp" BIGINT NOT NULL,
    "stamp_key" TEXT NOT NULL,

    CONSTRAINT "customer_properties_pkey" PRIMARY KEY ("source_id","key")
);

-- CreateTable
CREATE TABLE "customer_identities" (
    "rehook_customer_id" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "stamp" BIGINT NOT NULL,
    "stamp_key" TEXT NOT NULL,

    CONSTRAINT "customer_identities_pkey" PRIMARY KEY ("rehook_customer_id")
);

-- CreateTable
CREATE TABLE "wallet_transactions" (
    "transaction_id" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "points" DECIMAL(20,4) NOT NULL,
    "description" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "stamp" BIGINT NOT NULL,
    "stamp_key" TEXT NOT NULL,

    CONSTRAINT "wallet_transactions_pkey" PRIMARY KEY ("transaction_id","direction")
);

-- CreateTable
CREATE TABLE "webhook_rewards" (
    "redemption_id" TEXT NOT NULL,
    "source_id" TEXT,
    "points" DECIMAL(20,4),
    "reward_id" TEXT,
    "reward_name" TEXT,
    "campaign_id" TEXT,
    "rewarded_at" TIMESTAMPTZ(3),
    "stamp" BIGINT,
    "stamp_key" TEXT,
    "fulfilled_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_rewards_pkey" PRIMARY KEY ("redemption_id")
);

-- CreateTable
CREATE TABLE "coupons" (
    "code" TEXT NOT NULL,
    "campaign_id" TEXT,
    "campaign_stamp" BIGINT,
    "campaign_key" TEXT,
    "source_id" TEXT,
    "holder_stamp" BIGINT,
    "holder_key" TEXT,
    "created_at" TIMESTAMPTZ(3),
    "assigned_at" TIMESTAMPTZ(3),
    "details" JSONB,
    "details_stamp" BIGINT,
    "details_key" TEXT,

    CONSTRAINT "coupons_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "coupon_redemptions" (
    "redemption_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "source_id" TEXT,
    "redeemed_at" TIMESTAMPTZ(3),
    "rolled_back_at" TIMESTAMPTZ(3),
    "rollback_id" TEXT,
    "rollback_reason" TEXT,

    CONSTRAINT "coupon_redemptions_pkey" PRIMARY KEY ("redemption_id")
);

-- CreateTable
CREATE TABLE "referrals" (
    "campaign_id" TEXT NOT NULL,
    "friend_customer_id" TEXT NOT NULL,
    "advocate_customer_id" TEXT,
    "code" TEXT,
    "referred_at" TIMESTAMPTZ(3),
    "friend_rewarded_at" TIMESTAMPTZ(3),
    "friend_rewarded_points" DECIMAL(20,4),
    "advocate_rewarded_at" TIMESTAMPTZ(3),
    "advocate_rewarded_points" DECIMAL(20,4),

    CONSTRAINT "referrals_pkey" PRIMARY KEY ("campaign_id","friend_customer_id")
);

-- CreateTable
CREATE TABLE "leaderboard_awards" (
    "campaign_id" TEXT NOT NULL,
    "leaderboard_id" TEXT NOT NULL,
    "recurrence" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "recurrence_end" TIMESTAMPTZ(3),
    "rank" INTEGER,
    "score" DECIMAL(20,4),
    "points" DECIMAL(20,4),
    "reward_name" TEXT,
    "redemption_id" TEXT,
    "awarded_at" TIMESTAMPTZ(3) NOT NULL,
    "stamp" BIGINT NOT NULL,
    "stamp_key" TEXT NOT NULL,

    CONSTRAINT "leaderboard_awards_pkey" PRIMARY KEY ("campaign_id","leaderboard_id","recurrence","source_id")
);

-- CreateTable
CREATE TABLE "segments" (
    "segment_id" TEXT NOT NULL,
    "name" TEXT,
    "name_stamp" BIGINT,
    "name_key" TEXT,

    CONSTRAINT "segments_pkey" PRIMARY KEY ("segment_id")
);

-- CreateTable
CREATE TABLE "segment_memberships" (
    "segment_id" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "is_member" BOOLEAN NOT NULL,
    "entered_at" TIMESTAMPTZ(3),
    "stamp" BIGINT NOT NULL,
    "stamp_key" TEXT NOT NULL,

    CONSTRAINT "segment_memberships_pkey" PRIMARY KEY ("segment_id","source_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "events_idempotency_key_key" ON "events"("idempotency_key");

-- CreateIndex
CREATE INDEX "events_receipt_stamp_idempotency_key_idx" ON "events"("receipt_stamp", "idempotency_key");

-- CreateIndex
CREATE INDEX "events_source_id_receipt_stamp_idx" ON "events"("source_id", "receipt_stamp");

-- CreateIndex
CREATE INDEX "events_status_seq_idx" ON "events"("status", "seq");

-- CreateIndex
CREATE INDEX "events_name_seq_idx" ON "events"("name", "seq");

-- CreateIndex
CREATE INDEX "customers_rehook_customer_id_idx" ON "customers"("rehook_customer_id");

-- CreateIndex
CREATE INDEX "customer_identities_source_id_idx" ON "customer_identities"("source_id");

-- CreateIndex
CREATE INDEX "wallet_transactions_source_id_occurred_at_transaction_id_di_idx" ON "wallet_transactions"("source_id", "occurred_at", "transaction_id", "direction");

-- CreateIndex
CREATE INDEX "webhook_rewards_source_id_idx" ON "webhook_rewards"("source_id");

-- CreateIndex
CREATE INDEX "webhook_rewards_fulfilled_at_redemption_id_idx" ON "webhook_rewards"("fulfilled_at", "redemption_id");

-- CreateIndex
CREATE INDEX "coupons_source_id_idx" ON "coupons"("source_id");

-- CreateIndex
CREATE INDEX "coupon_redemptions_code_idx" ON "coupon_redemptions"("code");

-- CreateIndex
CREATE INDEX "referrals_advocate_customer_id_idx" ON "referrals"("advocate_customer_id");

-- CreateIndex
CREATE INDEX "referrals_friend_customer_id_idx" ON "referrals"("friend_customer_id");

-- CreateIndex
CREATE INDEX "leaderboard_awards_source_id_idx" ON "leaderboard_awards"("source_id");

-- CreateIndex
CREATE INDEX "segment_memberships_source_id_idx" ON "segment_memberships"("source_id");

-- CreateIndex
CREATE INDEX "segment_memberships_segment_id_is_member_source_id_idx" ON "segment_memberships"("segment_id", "is_member", "source_id");

-- The event store is append-only (DESIGN.md, invariants 4 and 5): refuse any change to a stored event.
CREATE FUNCTION "events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the event store is append-only: % on events is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER "events_no_update_or_delete" BEFORE UPDATE OR DELETE ON "events"
  FOR EACH ROW EXECUTE FUNCTION "events_append_only"();

CREATE TRIGGER "events_no_truncate" BEFORE TRUNCATE ON "events"
  FOR EACH STATEMENT EXECUTE FUNCTION "events_append_only"();
