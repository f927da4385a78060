-- Hand-written (Prisma does not model functions): the worker records a batch of deliveries in
-- one statement whose read-model writes assume every append in it was new. When only some
-- were (a redelivery in the batch), the statement must not commit the new events without their
-- projections: mirror_require raises, the whole statement rolls back, and the worker records
-- the batch again in a transaction that projects exactly the new ones.
CREATE FUNCTION "mirror_require"(ok boolean, message text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ok THEN
    RAISE EXCEPTION '%', message USING ERRCODE = 'P0001';
  END IF;
  RETURN true;
END;
$$;
