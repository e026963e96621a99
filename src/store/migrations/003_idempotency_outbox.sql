-- Idempotency keys (atsgate extension, header Idempotency-Key on writes). The primary key is
-- the arbiter between concurrent requests, in one process or many: whoever inserts the row
-- runs the write; everyone else replays, waits, or is told of a conflict.
CREATE TABLE idempotency_keys (
  account_id   text NOT NULL,
  path         text NOT NULL,   -- the endpoint path the key was used on (no query string)
  key          text NOT NULL,
  -- SHA-256 over integration, method, path, mode and the canonical JSON body.
  fingerprint  text NOT NULL,
  state        text NOT NULL DEFAULT 'IN_PROGRESS', -- IN_PROGRESS | COMPLETED
  -- The process running the write and until when it holds the key (renewed while it runs);
  -- a key whose holder died is taken over once the lease has lapsed.
  owner        text,
  lease_until  timestamptz,
  status_code  integer,
  response     text,            -- the response body exactly as first sent
  log_id       text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (account_id, path, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Writes accepted with "Prefer: respond-async": validated, stored here durably, delivered by
-- the job queue until the ATS accepts them or refuses them for good. File bytes live in
-- `content` until the write is finished, then are dropped.
CREATE TABLE write_outbox (
  id               text PRIMARY KEY,
  log_id           text NOT NULL,
  account_id       text NOT NULL,
  integration_id   text NOT NULL,
  action           text NOT NULL,
  payload          jsonb NOT NULL,  -- the prepared write (remote refs, inputs) without file bytes
  content          bytea,
  prep_calls       jsonb NOT NULL DEFAULT '[]', -- outbound calls made while validating (downloads)
  state            text NOT NULL DEFAULT 'PENDING', -- PENDING | DELIVERING | DELIVERED | FAILED
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  owner            text,
  lease_until      timestamptz,
  last_error       jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE INDEX write_outbox_open ON write_outbox (next_attempt_at) WHERE state IN ('PENDING', 'DELIVERING');

-- Signed webhook notifications (ATSGATE_WEBHOOK_URL): the body is fixed when the event is
-- created, so every retry sends the same bytes with the same signature.
CREATE TABLE webhook_deliveries (
  id               text PRIMARY KEY,
  event_type       text NOT NULL,
  body             text NOT NULL,
  state            text NOT NULL DEFAULT 'PENDING', -- PENDING | SENT | FAILED
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);
CREATE INDEX webhook_deliveries_open ON webhook_deliveries (next_attempt_at) WHERE state = 'PENDING';
