/**
 * OAuth access tokens kept in a connector's per-integration cache (ctx.cache): one mint at a
 * time per key (concurrent callers share the pending one), reused until shortly before expiry,
 * and forgotten when a mint fails so the next call tries again.
 */

/** Renew this long before the stated expiry, so no request leaves with a dying token. */
const REFRESH_MARGIN_MS = 60_000;

export interface ExpiringToken {
  expiresAt: number;
}

/** The token cached under `key` while it is valid, else a fresh one from `mint`. */
export async function cachedToken<T extends ExpiringToken>(cache: Map<string, unknown>, key: string, mint: () => Promise<T>): Promise<T> {
  const cached = cache.get(key) as Promise<T> | undefined;
  if (cached) {
    const token = await cached.catch(() => null);
    if (token && Date.now() < token.expiresAt) return token;
    const current = cache.get(key) as Promise<T> | undefined;
    if (current && current !== cached) return await current;
  }
  const minted = mint();
  cache.set(key, minted);
  minted.catch(() => {
    if (cache.get(key) === minted) cache.delete(key);
  });
  return await minted;
}

/** When a token that lives `lifetimeMs` should be renewed: a minute early, or halfway for short-lived ones. */
export function renewAt(lifetimeMs: number, now = Date.now()): number {
  return now + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2);
}
