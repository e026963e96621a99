-- What the vendor's rate-limit headers said, per integration, for every process of a deployment
-- (src/http/rate-limit-pg.ts): a limit lower than the configured one, and an instant before
-- which nothing is admitted ("Remaining: 0" until the reset; a 429's Retry-After).
ALTER TABLE rate_limit_windows ADD COLUMN learned_limit integer;
ALTER TABLE rate_limit_windows ADD COLUMN held_until timestamptz;
