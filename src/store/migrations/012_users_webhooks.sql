-- GET /v1/ats/users: the ATS's users, synced like jobs and candidates (same columns, same
-- change tracking; named ats_users, apart from anything about API keys or accounts); `email_lc` backs Kombo's `emails` filter (case-insensitive).
CREATE TABLE IF NOT EXISTS ats_users (
  id                 text PRIMARY KEY,
  integration_id     text NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  remote_id          text NOT NULL,
  seq                bigserial,
  data               jsonb NOT NULL,
  hash               text NOT NULL,
  changed_at         timestamptz NOT NULL,
  remote_created_at  timestamptz,
  remote_deleted_at  timestamptz,
  last_seen_sync_id  text,
  email_lc           text,
  UNIQUE (integration_id, remote_id)
);
CREATE INDEX IF NOT EXISTS ats_users_page ON ats_users (integration_id, seq);

-- Webhooks per account: an account's events (its integrations' created/deleted/state-changed,
-- sync-finished, data-changed and write outcomes) go to the account's own receiver, signed with
-- its own secret (sealed like credentials), set by the operator (`atsgate webhooks set`). An
-- account without one keeps the deployment's ATSGATE_WEBHOOK_URL. A delivery row remembers the
-- account whose receiver it is for (NULL: the deployment's URL).
CREATE TABLE IF NOT EXISTS account_webhooks (
  account_id     text PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  url            text NOT NULL,
  secret_sealed  text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE webhook_deliveries ADD COLUMN IF NOT EXISTS account_id text;
