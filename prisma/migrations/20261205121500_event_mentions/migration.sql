-- The string values of an event's body (wallet transaction ids, redemption ids, coupon codes,
-- Rehook customer ids, segment ids, ...), so that asOf finds the events that mention an id
-- through an index instead of searching raw bodies. Derived from raw_body alone and kept by
-- Postgres itself (a generated column: every writer of events fills it, the table rewrite of
-- this migration backfills it; the events themselves do not change). Strings longer than
-- 200 characters are left out (no id is that long, and index entries have a size limit); a
-- body Postgres cannot read as jsonb (a lone surrogate escape, "\u0000") gets NULL, never an
-- error, so storing an event never fails for it.
CREATE FUNCTION mirror_body_strings(body text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN ARRAY(
    SELECT DISTINCT v #>> '{}'
    FROM jsonb_path_query(body::jsonb, 'strict $.**') AS v
    WHERE jsonb_typeof(v) = 'string' AND length(v #>> '{}') <= 200
  );
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

ALTER TABLE "events" ADD COLUMN "mentions" TEXT[] GENERATED ALWAYS AS (mirror_body_strings("raw_body")) STORED;

CREATE INDEX "events_mentions_idx" ON "events" USING GIN ("mentions");

-- What a fold from a snapshot reads: a customer's events, and the events of some names, that
-- were received between two instants (asOf's cut is the instant of receipt).
CREATE INDEX "events_source_id_received_at_idx" ON "events" ("source_id", "received_at");
CREATE INDEX "events_name_received_at_idx" ON "events" ("name", "received_at");
-- The few bodies without mentions, which a lookup by id reads whole.
CREATE INDEX "events_name_unreadable_idx" ON "events" ("name") WHERE "mentions" IS NULL;

-- The append-only guard compares whole rows; `mentions` is left out of the comparison: in a
-- BEFORE UPDATE trigger NEW does not hold generated values yet, and it is derived from raw_body,
-- which the comparison still covers (an UPDATE can never set a generated column).
CREATE OR REPLACE FUNCTION "events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND to_jsonb(NEW) - ARRAY['name', 'status', 'reason', 'mentions']
       = to_jsonb(OLD) - ARRAY['name', 'status', 'reason', 'mentions'] THEN
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
