-- Inbound request limits per account and per integration (src/api/inbound-rate-limit.ts):
-- one row per key, counting requests in the current fixed window (ATSGATE_RATE_LIMIT_WINDOW_SECONDS) of the database's
-- clock, so every process of a deployment counts against the same window.
CREATE TABLE IF NOT EXISTS inbound_rate_windows (
  key          text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  count        integer NOT NULL
);
