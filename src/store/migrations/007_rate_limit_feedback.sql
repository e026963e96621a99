-- What the vendor's rate-limit headers said, per integration, for every process of a deployment
-- (src/http/rate-limit-pg.ts): a limit lower than the configured one; an instant before which
-- nothing is admitted ("Remaining: 0" until the reset, a 429's Retry-After); and, for vendors
-- counting in fixed windows, how many requests the vendor still allows until its window ends.
ALTER TABLE rate_limit_windows ADD COLUMN learned_limit integer;
ALTER TABLE rate_limit_windows ADD COLUMN held_until timestamptz;
ALTER TABLE rate_limit_windows ADD COLUMN budget_left integer;
ALTER TABLE rate_limit_windows ADD COLUMN budget_until timestamptz;
