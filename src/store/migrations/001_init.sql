-- Tenancy: an account owns API keys and integrations; a key sees only its account's data.
CREATE TABLE accounts (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  -- SHA-256 of the key; the key itself is never stored.
  key_hash      text NOT NULL UNIQUE,
  -- First characters, so a person can tell keys apart in listings.
  prefix        text NOT NULL,
  name          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  last_used_at  timestamptz
);

CREATE TABLE integrations (
  id                  text PRIMARY KEY,
  account_id          text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  tool                text NOT NULL,
  organization_name   text NOT NULL,
  creator_email       text,
  origin_id           text,
  -- AES-256-GCM sealed JSON (src/crypto/secretbox.ts).
  credentials_sealed  text NOT NULL,
  -- Non-secret settings, e.g. {"base_url": "..."}.
  config              jsonb NOT NULL DEFAULT '{}',
  status              text NOT NULL DEFAULT 'ACTIVE',
  setup_status        text NOT NULL DEFAULT 'FINAL_SYNC_PENDING',
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  last_sync_started_at timestamptz,
  last_sync_ended_at  timestamptz
);
CREATE INDEX integrations_account ON integrations (account_id);

-- Synced records. `id` is the Kombo-style ID derived from (integration, remote_id); `data` is
-- the record's own Kombo-shaped fields; `hash` detects real changes so changed_at only moves
-- when the record changed; `seq` orders pages for stable cursors.
CREATE TABLE jobs (
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
  name               text,
  status             text,
  job_code           text,
  UNIQUE (integration_id, remote_id)
);
CREATE INDEX jobs_page ON jobs (integration_id, seq);

CREATE TABLE candidates (
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
  -- Lower-cased copies for the case-insensitive filters.
  emails             text[] NOT NULL DEFAULT '{}',
  first_name_lc      text,
  last_name_lc       text,
  UNIQUE (integration_id, remote_id)
);
CREATE INDEX candidates_page ON candidates (integration_id, seq);
CREATE INDEX candidates_emails ON candidates USING gin (emails);

CREATE TABLE applications (
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
  candidate_id       text,
  job_id             text,
  current_stage_id   text,
  outcome            text,
  UNIQUE (integration_id, remote_id)
);
CREATE INDEX applications_page ON applications (integration_id, seq);
CREATE INDEX applications_candidate ON applications (candidate_id);
CREATE INDEX applications_job ON applications (job_id);

CREATE TABLE syncs (
  id              text PRIMARY KEY,
  integration_id  text NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  type            text NOT NULL,           -- FULL | DELTA
  state           text NOT NULL,           -- RUNNING | SUCCEEDED | FAILED
  started_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz,
  error           text,
  stats           jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX syncs_integration ON syncs (integration_id, started_at DESC);
-- At most one running sync per integration.
CREATE UNIQUE INDEX syncs_one_running ON syncs (integration_id) WHERE state = 'RUNNING';

-- One row per write interaction, created before the ATS is called and completed after, so a
-- crash in between leaves a visible PENDING entry. Request bodies are stored redacted.
CREATE TABLE interaction_logs (
  id              text PRIMARY KEY,
  account_id      text NOT NULL,
  integration_id  text,
  method          text NOT NULL,
  path            text NOT NULL,
  action          text,
  request         jsonb,
  calls           jsonb NOT NULL DEFAULT '[]',
  outcome         text NOT NULL DEFAULT 'PENDING', -- PENDING | SUCCESS | ERROR
  status_code     integer,
  error           jsonb,
  warnings        jsonb NOT NULL DEFAULT '[]',
  created_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz,
  duration_ms     integer
);
CREATE INDEX interaction_logs_account ON interaction_logs (account_id, created_at DESC);
CREATE INDEX interaction_logs_integration ON interaction_logs (integration_id, created_at DESC);

-- The built-in sandbox ATS keeps its simulated vendor state here.
CREATE TABLE sandbox_objects (
  integration_id  text NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  kind            text NOT NULL,  -- job | candidate | application | result_link | attachment | custom_field
  remote_id       text NOT NULL,
  parent_id       text,
  data            jsonb NOT NULL,
  content         bytea,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz,
  PRIMARY KEY (integration_id, kind, remote_id)
);
CREATE INDEX sandbox_parent ON sandbox_objects (integration_id, kind, parent_id);
