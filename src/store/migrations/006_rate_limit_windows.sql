-- The deployment-wide rate limiter in one statement per admission (src/http/rate-limit-pg.ts):
-- one row per integration holding the admission times still inside its window. Replaces the
-- row-per-hit table of 004, which needed a locked transaction of several statements per call.
CREATE TABLE rate_limit_windows (
  key    text PRIMARY KEY,
  hits   timestamptz[] NOT NULL,
  -- Random per admission, so the caller can tell whether its own statement was admitted.
  token  text NOT NULL
);
DROP TABLE rate_limit_hits;
