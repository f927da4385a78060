-- Amounts: each one is limited to |value| < 1e16 where it is read (projections' toAmount); the
-- columns hold 34 digits before the point, so sums (customers.orders_total) of up to 10^18 such
-- amounts fit, and no realistic total can overflow and hold back the events it shares a batch with.
-- Raising a numeric's precision at the same scale rewrites no table.

-- AlterTable
ALTER TABLE "customers" ALTER COLUMN "orders_total" SET DATA TYPE DECIMAL(38,4);

-- AlterTable
ALTER TABLE "leaderboard_awards" ALTER COLUMN "score" SET DATA TYPE DECIMAL(38,4),
ALTER COLUMN "points" SET DATA TYPE DECIMAL(38,4);

-- AlterTable
ALTER TABLE "referrals" ALTER COLUMN "friend_rewarded_points" SET DATA TYPE DECIMAL(38,4),
ALTER COLUMN "advocate_rewarded_points" SET DATA TYPE DECIMAL(38,4);

-- AlterTable
ALTER TABLE "wallet_transactions" ALTER COLUMN "points" SET DATA TYPE DECIMAL(38,4);

-- AlterTable
ALTER TABLE "webhook_rewards" ALTER COLUMN "points" SET DATA TYPE DECIMAL(38,4);

-- Hand-written: mirror_require raises its own SQLSTATE (MR001, class MR for the mirror's own
-- conditions) instead of P0001, so the recorder tells "take the transactional path" apart from
-- every other failure by code, not by message text.
CREATE OR REPLACE FUNCTION "mirror_require"(ok boolean, message text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ok THEN
    RAISE EXCEPTION '%', message USING ERRCODE = 'MR001';
  END IF;
  RETURN true;
END;
$$;
