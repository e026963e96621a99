-- The cap on actions in flight per integration for the whole deployment (src/writes/in-flight.ts):
-- one row per slot held, by a synchronous write or an asynchronous delivery, in any process.
-- A slot is a lease: its process renews expires_at while the action runs, and a slot whose
-- process died (kill -9, lost host) is free again once expires_at has passed.
CREATE TABLE IF NOT EXISTS write_slots (
  id             text PRIMARY KEY,
  integration_id text NOT NULL,
  expires_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS write_slots_integration ON write_slots (integration_id);

-- Takes a slot in ONE round trip, or refuses when `cap` live slots are held. The transaction-scoped
-- advisory lock (class 13013, the integration's hash) serialises takers of one integration across
-- processes until the statement commits; each statement below runs with a fresh snapshot (read
-- committed, volatile function), so it sees every slot committed by the takers before it. Different
-- integrations never wait for each other (a hash collision only makes two of them take turns).
-- Times are the database's clock, the one every process shares.
CREATE OR REPLACE FUNCTION atsgate_take_write_slot(p_id text, p_integration text, p_cap integer, p_lease_seconds double precision)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(13013, hashtext(p_integration));
  DELETE FROM write_slots WHERE integration_id = p_integration AND expires_at <= clock_timestamp();
  IF (SELECT count(*) FROM write_slots WHERE integration_id = p_integration) >= p_cap THEN
    RETURN false;
  END IF;
  INSERT INTO write_slots (id, integration_id, expires_at)
    VALUES (p_id, p_integration, clock_timestamp() + make_interval(secs => p_lease_seconds));
  RETURN true;
END
$$;
