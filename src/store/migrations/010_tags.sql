-- GET /v1/ats/tags: the ATS's candidate tags, synced like jobs and candidates. `remote_id` is the
-- ATS's tag id, or "tag:<name>" where the ATS names tags by text only (then data.remote_id is
-- null), so a row's id is the id candidates' `tags[]` carry for the same tag.
CREATE TABLE tags (
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
  UNIQUE (integration_id, remote_id)
);
CREATE INDEX tags_page ON tags (integration_id, seq);
