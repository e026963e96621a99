-- Files atsgate serves to a vendor that only accepts a URL to fetch (e.g. Teamtailor uploads).
-- In the database, not in one process's memory, so whichever process the vendor's fetch
-- reaches can serve it; the bytes are sealed (AES-256-GCM) and expire.
CREATE TABLE published_files (
  id              text PRIMARY KEY,
  integration_id  text NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  content         bytea NOT NULL,
  content_type    text NOT NULL,
  file_name       text NOT NULL,
  expires_at      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX published_files_expiry ON published_files (expires_at);
