/**
 * Imported first by the reliability suites: the shared HTTP client reads its retry policy from
 * the environment once, at load. With one attempt, a vendor failure reaches the write path at
 * once, so these tests see atsgate's own (outbox) retries rather than the client's.
 */
process.env.ATSGATE_RETRY_MAX_ATTEMPTS = '1';
process.env.ATSGATE_RETRY_BASE_MS ??= '10';

export {};
