/**
 * Kombo's integration lifecycle webhooks, in Kombo's event names and payload shapes (its
 * OpenAPI `webhooks` and the Python SDK's IntegrationCreatedWebhookPayload,
 * IntegrationDeletedWebhookPayload, IntegrationStateChangedWebhookPayload and
 * SyncFinishedWebhookPayload): `integration-created`, `integration-deleted`,
 * `integration-state-changed` and `sync-finished`. Each is recorded in the transaction that makes
 * the change it reports, goes to the integration's account (src/webhooks/deliver.ts) and is
 * signed like every other event. Callers queue the returned id after the commit.
 */
import type { Runtime } from '../runtime.ts';
import type { Queryable } from '../store/db.ts';
import type { Integration, IntegrationStatus } from '../store/integrations.ts';
import { recordWebhookEvent } from './deliver.ts';

type Subject = Pick<
  Integration,
  'id' | 'account_id' | 'tool' | 'organization_name' | 'creator_email' | 'origin_id' | 'status' | 'setup_status' | 'enabled'
>;

/** atsgate connects ATSs only. */
const CATEGORY = 'ATS';

const endUser = (i: Subject) => ({
  organization_name: i.organization_name,
  creator_email: i.creator_email ?? null,
  origin_id: i.origin_id ?? null,
});

/** Kombo's `state`: INACTIVE when switched off (PUT /integrations/:id/enabled), else what the credentials say. */
export const stateOf = (i: Pick<Subject, 'enabled' | 'status'>): IntegrationStatus => (i.enabled === false ? 'INACTIVE' : i.status);

export function recordIntegrationCreated(rt: Runtime, q: Queryable, i: Subject): Promise<string | null> {
  return recordWebhookEvent(
    rt,
    q,
    'integration-created',
    { id: i.id, tool: i.tool, category: CATEGORY, end_user: endUser(i) },
    i.account_id,
  );
}

export function recordIntegrationDeleted(rt: Runtime, q: Queryable, i: Subject, deletedAt: Date): Promise<string | null> {
  return recordWebhookEvent(
    rt,
    q,
    'integration-deleted',
    { id: i.id, tool: i.tool, category: CATEGORY, end_user: endUser(i), deleted_at: deletedAt.toISOString() },
    i.account_id,
  );
}

/**
 * `integration-state-changed` when what Kombo reports as the integration's state moved: `state`
 * (ACTIVE / INVALID / INACTIVE) or `setup_status`. atsgate runs no QA review of integrations
 * (Kombo's `qa_status`), so it reports PASSED once the first sync completed and PENDING before.
 * Returns null when nothing Kombo reports changed.
 */
export function recordStateChangedIfMoved(rt: Runtime, q: Queryable, before: Subject, after: Subject): Promise<string | null> {
  if (stateOf(before) === stateOf(after) && before.setup_status === after.setup_status) return Promise.resolve(null);
  return recordWebhookEvent(
    rt,
    q,
    'integration-state-changed',
    {
      integration_tool: after.tool,
      integration_id: after.id,
      integration_category: CATEGORY,
      end_user: endUser(after),
      qa_status: after.setup_status === 'COMPLETED' ? 'PASSED' : 'PENDING',
      setup_status: after.setup_status,
      state: stateOf(after),
      updated_at: new Date().toISOString(),
    },
    after.account_id,
  );
}

export interface FinishedSync {
  id: string;
  state: 'SUCCEEDED' | 'FAILED';
  startedAt: Date;
  endedAt: Date;
}

/** `sync-finished` after every sync that ended, succeeded or failed; `log_url` is the integration's dashboard page. */
export function recordSyncFinished(rt: Runtime, q: Queryable, i: Subject, s: FinishedSync): Promise<string | null> {
  return recordWebhookEvent(
    rt,
    q,
    'sync-finished',
    {
      sync_id: s.id,
      sync_state: s.state,
      sync_started_at: s.startedAt.toISOString(),
      sync_ended_at: s.endedAt.toISOString(),
      sync_duration_seconds: Math.max(0, Math.round((s.endedAt.getTime() - s.startedAt.getTime()) / 1000)),
      integration_id: i.id,
      integration_tool: i.tool,
      integration_category: CATEGORY,
      end_user: endUser(i),
      log_url: `${rt.publicUrl()}/dashboard/integrations/${encodeURIComponent(i.id)}`,
    },
    i.account_id,
  );
}
