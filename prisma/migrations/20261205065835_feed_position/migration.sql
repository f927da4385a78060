-- A followable change feed (issue 16). `seq` is taken at insert, but transactions commit in any
-- order, so a follower of `seq` skips an event whose transaction commits after a later one's.
-- Each event now records the id of the transaction that stored it; (tx_id, seq) is its feed
-- position, and the API serves only positions below mirror_feed_horizon() (below), which no
-- later commit can fall below.

-- DropIndex (the feed is now read in (tx_id, seq) order; these are replaced below)
DROP INDEX "events_name_seq_idx";

-- DropIndex
DROP INDEX "events_status_seq_idx";

-- Hand-written: the events stored before this migration get tx_id 0 (a constant default fills
-- them without rewriting the table, and sorts them first, in seq order: every one of them has
-- committed, since this ALTER waits for the transactions that were writing events); new rows
-- then take their transaction's id.
ALTER TABLE "events" ADD COLUMN     "tx_id" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "events" ALTER COLUMN "tx_id" SET DEFAULT (pg_current_xact_id())::text::bigint;

-- CreateIndex
CREATE INDEX "events_tx_id_seq_idx" ON "events"("tx_id", "seq");

-- CreateIndex
CREATE INDEX "events_status_tx_id_seq_idx" ON "events"("status", "tx_id", "seq");

-- CreateIndex
CREATE INDEX "events_name_tx_id_seq_idx" ON "events"("name", "tx_id", "seq");

-- Hand-written: the feed's horizon, for the statement that calls it (a STABLE function sees its
-- caller's snapshot). Every event with tx_id below it that will ever be visible is visible now:
-- the transactions in progress at the snapshot (xip) are the only ones below its xmax that may
-- still commit, and a transaction's id is taken before it writes. Those known to run in another
-- database of the server cannot write this one's events, so they do not hold the feed back
-- (pg_snapshot_xmin would: a long transaction anywhere on the server would stall every feed).
-- Matched on the 32-bit xid pg_stat_activity shows; a transaction it does not show (another
-- role's session without pg_read_all_stats, a prepared transaction) counts as this database's.
CREATE FUNCTION "mirror_feed_horizon"() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    (SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
     WHERE (x::text::bigint % 4294967296) NOT IN (
       SELECT a.backend_xid::text::bigint FROM pg_stat_activity a
       WHERE a.backend_xid IS NOT NULL
         AND a.datid IS DISTINCT FROM (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()))),
    pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
$$;

-- Hand-written: wake the API's stream listeners when a transaction that stored events commits
-- (NOTIFY is delivered at commit, and only then; a rolled-back insert sends nothing). One
-- notification per statement, payload-free: listeners re-read the feed, which is the truth.
CREATE FUNCTION "events_notify_feed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mirror_events', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER "events_notify_feed" AFTER INSERT ON "events"
  FOR EACH STATEMENT EXECUTE FUNCTION "events_notify_feed"();
