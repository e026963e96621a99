/**
 * Process-wide hooks the metrics listen on, kept free of any metrics code so that the sync
 * can report without importing prom-client. Observers must not throw.
 */
export interface SyncEnded {
  /** Connector id: "lever". */
  tool: string;
  type: 'FULL' | 'DELTA';
  state: 'SUCCEEDED' | 'FAILED';
  durationMs: number;
}

export const syncObservers = new Set<(e: SyncEnded) => void>();

export function syncEnded(e: SyncEnded): void {
  for (const observe of syncObservers) observe(e);
}
