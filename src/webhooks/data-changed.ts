/**
 * Kombo's `data-changed` event, sent after a sync that changed data (and only then), so that
 * a vendor can fetch with `updated_after` instead of polling. Same shape as Kombo's, parsed by
 * the official SDK's DataChangedWebhookPayload model; delivered through the webhook outbox.
 */
import type { Runtime } from '../runtime.ts';
import type { Queryable } from '../store/db.ts';
import type { Model } from '../store/records.ts';
import { recordWebhookEvent } from './deliver.ts';

/** Kombo's model names for what a sync writes. */
const KOMBO_MODEL: Record<Model, string> = {
  jobs: 'ats_jobs',
  candidates: 'ats_candidates',
  applications: 'ats_applications',
  users: 'ats_users',
  tags: 'ats_tags',
  rejection_reasons: 'ats_rejection_reasons',
};

export interface SyncChanges {
  changed: Record<Model, number>;
  deleted: Record<Model, number>;
}

/** Records the event inside the sync's closing transaction; null when nothing changed or webhooks are off. */
export async function recordDataChanged(
  rt: Runtime,
  q: Queryable,
  integration: { id: string; tool: string; account_id?: string },
  s: SyncChanges,
): Promise<string | null> {
  const models = (Object.keys(KOMBO_MODEL) as Model[]).filter((m) => (s.changed[m] ?? 0) + (s.deleted[m] ?? 0) > 0);
  if (!models.length) return null;
  return recordWebhookEvent(
    rt,
    q,
    'data-changed',
    {
      integration_id: integration.id,
      integration_tool: integration.tool,
      integration_category: 'ATS',
      changed_models: models.map((m) => ({ name: KOMBO_MODEL[m] })),
    },
    integration.account_id,
  );
}
