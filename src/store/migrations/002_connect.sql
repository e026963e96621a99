-- Connect links (Kombo Connect): a link lets an end user connect their ATS (kind CONNECT) or
-- replace the credentials of an existing integration (kind RELINK). The link token and the
-- activation token handed to the embedding app are random and stored only as SHA-256 hashes.
CREATE TABLE connect_links (
  id                          text PRIMARY KEY,
  account_id                  text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind                        text NOT NULL,             -- CONNECT | RELINK
  token_hash                  text NOT NULL UNIQUE,
  link_type                   text NOT NULL,             -- EMBEDDED | MAGIC_LINK
  end_user_email              text,
  end_user_organization_name  text NOT NULL,
  end_user_origin_id          text,
  -- Preselected tool (CONNECT) or the integration's tool (RELINK); null: the user picks.
  integration_tool            text,
  -- RELINK: the integration to update; CONNECT: the integration the flow created.
  integration_id              text REFERENCES integrations(id) ON DELETE CASCADE,
  -- Kombo options we accept and keep (language, scope_config_id, enable_* ...).
  options                     jsonb NOT NULL DEFAULT '{}',
  expires_at                  timestamptz NOT NULL,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  -- A submission in progress holds the link until this instant (one submission at a time).
  claimed_until               timestamptz,
  completed_at                timestamptz,
  activation_token_hash       text UNIQUE,
  activation_expires_at       timestamptz
);
CREATE INDEX connect_links_account ON connect_links (account_id, created_at DESC);
