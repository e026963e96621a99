-- GET /v1/ats/rejection-reasons: the ATS's rejection (archive, disqualification) reasons,
-- synced like jobs: Kombo IDs derived from remote IDs, changed_at moves with the content hash,
-- reasons a full sync no longer sees are marked deleted upstream.
CREATE TABLE rejection_reasons (
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
  UNIQUE (integration_id, remote_id)
);
CREATE INDEX rejection_reasons_page ON rejection_reasons (integration_id, seq);
