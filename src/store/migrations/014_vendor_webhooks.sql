-- Inbound webhooks from the ATSs themselves (src/webhooks/vendor/): one endpoint per
-- integration, addressed by an unguessable token in its URL. Only the token's SHA-256 is
-- looked up; the token itself (shown on the dashboard for vendors where the customer pastes
-- the URL) and the signing secrets are sealed with the deployment key.
CREATE TABLE vendor_webhook_endpoints (
  integration_id text PRIMARY KEY REFERENCES integrations(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  sealed text NOT NULL,
  -- 'registered': atsgate registered it through the vendor's API; 'manual': the customer pastes
  -- the URL (and secret) into the ATS; 'failed': registration was refused (last_error says why).
  setup text NOT NULL,
  -- The vendor's ids for what atsgate registered (not secret), so a delete can remove them.
  registrations jsonb NOT NULL DEFAULT '[]',
  last_error text,
  last_event_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Events already taken, so that a redelivery causes no second re-read. The key is the
-- vendor's event id where it sends one, else a hash of the signed content.
CREATE TABLE vendor_webhook_events (
  integration_id text NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  event_key text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (integration_id, event_key)
);
CREATE INDEX vendor_webhook_events_received ON vendor_webhook_events (received_at);
