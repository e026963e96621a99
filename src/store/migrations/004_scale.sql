-- Scale-out: several atsgate processes on one PostgreSQL database.

-- A running sync proves it is alive by moving heartbeat_at; a RUNNING row whose heartbeat is
-- older than the lease belongs to a process that died (kill -9, OOM, lost node) and is reaped,
-- which frees the one-running-sync-per-integration index. worker_id is the job-engine worker
-- that ran it, so the reaper can hand the locked job back to the engine at once instead of
-- waiting for the engine's own 4-hour lock expiry.
ALTER TABLE syncs ADD COLUMN heartbeat_at timestamptz;
ALTER TABLE syncs ADD COLUMN worker_id text;
CREATE INDEX syncs_running_heartbeat ON syncs (heartbeat_at) WHERE state = 'RUNNING';

-- Outbound requests per rate-limit key (one key per integration), shared by every process so
-- that the vendor's limit holds for the whole deployment, not per process. Rows older than
-- the longest window are deleted as requests are admitted.
CREATE TABLE rate_limit_hits (
  key      text NOT NULL,
  sent_at  timestamptz NOT NULL
);
CREATE INDEX rate_limit_hits_key ON rate_limit_hits (key, sent_at);
