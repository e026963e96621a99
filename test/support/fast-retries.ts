/**
 * Imported FIRST by suites that provoke vendor failures: the shared HTTP client reads its retry
 * policy from process.env once, when src/http/client.ts is loaded (not from the server's config),
 * so the short backoff must be in place before anything imports it. Each node:test file runs in
 * its own process, so this touches no other suite.
 */
process.env.ATSGATE_RETRY_BASE_MS ??= '10';
process.env.ATSGATE_RETRY_MAX_ATTEMPTS ??= '4';

export {};
