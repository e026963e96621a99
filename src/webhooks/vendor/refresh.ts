/**
 * The targeted re-read a vendor event triggers: one candidate (with its applications) read
 * again from the vendor's API through the connector's `readCandidate`, upserted, and Kombo's
 * `data-changed` recorded in the same transaction when that changed anything. A job per
 * candidate, keyed by integration and candidate, so a burst of events about one person is
 * one read, and the job engine's retries cover a vendor hiccup. Polling remains the safety net
 * for anything lost here.
 */
import type { Runtime } from '../../runtime.ts';
import { contextFor } from '../../runtime.ts';
import { getIntegrationById } from '../../store/integrations.ts';
import { upsertRecords } from '../../store/records.ts';
import { markCandidateDeleted, pruneVendorWebhookEvents } from '../../store/vendor-webhooks.ts';
import { normalizeApplication, normalizeCandidate, tagsOfCandidate } from '../../sync/normalize.ts';
import { recordDataChanged, type SyncChanges } from '../data-changed.ts';
import { queueWebhook } from '../deliver.ts';

export const REFRESH_TASK = 'vendor-webhook-refresh';
const PRUNE_TASK = 'vendor-webhook-prune';
/** Vendors stop redelivering within days; events are remembered a week. */
const KEEP_EVENTS_DAYS = 7;

export async function queueCandidateRefresh(rt: Runtime, integrationId: string, candidateRemoteId: string): Promise<void> {
  await rt.jobs.add(
    REFRESH_TASK,
    { integrationId, candidate: candidateRemoteId },
    { jobKey: `${integrationId}:${candidateRemoteId}`, maxAttempts: 5 },
  );
}

/** Re-reads one candidate; returns the event id when `data-changed` was recorded. */
export async function refreshCandidateFromVendor(rt: Runtime, integrationId: string, candidateRemoteId: string): Promise<string | null> {
  const integration = await getIntegrationById(rt.db, integrationId);
  if (!integration || !integration.enabled) return null; // deleted or switched off since
  const { connector, ctx } = contextFor(rt, integration);
  if (!connector.readCandidate) return null;
  const got = await connector.readCandidate(ctx, candidateRemoteId);
  const changes: SyncChanges = {
    changed: { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 },
    deleted: { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 },
  };
  const event = await rt.db.tx(async (q) => {
    if (!got) {
      const gone = await markCandidateDeleted(q, integrationId, candidateRemoteId);
      changes.deleted.candidates = gone.candidates;
      changes.deleted.applications = gone.applications;
    } else {
      const c = await upsertRecords(q, 'candidates', integrationId, null, [normalizeCandidate(integrationId, got.candidate)]);
      const a = await upsertRecords(
        q,
        'applications',
        integrationId,
        null,
        got.applications.map((x) => normalizeApplication(integrationId, x)),
      );
      // The candidate's tags, where GET /ats/tags is made of them (as after a write).
      const tags = tagsOfCandidate(integrationId, connector.definition.capabilities.tags.list, got.candidate);
      const t = tags.length ? await upsertRecords(q, 'tags', integrationId, null, tags) : { changed: 0 };
      changes.changed.candidates = c.changed;
      changes.changed.applications = a.changed;
      changes.changed.tags = t.changed;
    }
    return recordDataChanged(rt, q, { id: integrationId, tool: connector.definition.id }, changes);
  });
  if (event) await queueWebhook(rt, event);
  return event;
}

export function registerVendorWebhookTasks(rt: Runtime): void {
  rt.jobs.register(
    REFRESH_TASK,
    async (p: { integrationId: string; candidate: string }) =>
      void (await refreshCandidateFromVendor(rt, String(p.integrationId), String(p.candidate))),
  );
  rt.jobs.register(PRUNE_TASK, async () => void (await pruneVendorWebhookEvents(rt.db, KEEP_EVENTS_DAYS)));
  rt.jobs.repeat?.(PRUNE_TASK, 30);
}
