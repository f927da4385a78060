-- Hand-written: the feed's listeners are woken when a transaction that records deliveries
-- commits, as they are by one that stores events (events_notify_feed, same function, same
-- channel). The worker records a batch's deliveries in a transaction of its own, after the
-- events': it takes an id, so it holds back the events of every later transaction until it
-- ends, and without a notification of its own those waited for the API's next poll of the
-- horizon. Postgres sends one notification per transaction however many statements notify.
CREATE TRIGGER "deliveries_notify_feed" AFTER INSERT ON "deliveries"
  FOR EACH STATEMENT EXECUTE FUNCTION "events_notify_feed"();
