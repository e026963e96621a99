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
