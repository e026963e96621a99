/** An interaction-log entry as the API and the dashboard show it. */
import type { LogEntry } from '../store/logs.ts';
import { UNKNOWN_AFTER_MS } from '../store/log-pages.ts';

/** The entry's public form (GET /v1/logs, the dashboard's pages and JSON). */
export function presentLog(l: LogEntry) {
  return {
    id: l.id,
    integration_id: l.integration_id,
    action: l.action,
    method: l.method,
    path: l.path,
    // A PENDING entry whose request is long gone means the process died mid-call.
    outcome: l.outcome === 'PENDING' && Date.now() - new Date(l.created_at).getTime() > UNKNOWN_AFTER_MS ? 'UNKNOWN' : l.outcome,
    status_code: l.status_code,
    request: l.request,
    calls: l.calls,
    warnings: l.warnings,
    error: l.error,
    created_at: new Date(l.created_at).toISOString(),
    completed_at: l.completed_at ? new Date(l.completed_at).toISOString() : null,
    duration_ms: l.duration_ms,
  };
}
