/**
 * Connecting an ATS: validate the credentials' shape against the connector's schema, let the
 * connector check them against the ATS, store them sealed, and run the first full sync.
 */
import { Value } from '@sinclair/typebox/value';
import type { Runtime } from '../runtime.ts';
import { contextFor } from '../runtime.ts';
import { getConnector } from '../connectors/registry.ts';
import {
  createIntegration,
  deleteIntegration,
  getIntegrationById,
  setIntegrationEnabled,
  setIntegrationState,
  type Integration,
} from '../store/integrations.ts';
import { queueWebhook } from '../webhooks/deliver.ts';
import { recordIntegrationCreated, recordIntegrationDeleted, recordStateChangedIfMoved } from '../webhooks/integration-events.ts';
import { ensureAccount } from '../store/keys.ts';
import { startSync, type SyncProgress } from '../sync/run.ts';
import { requestSync } from '../jobs/sync-tasks.ts';
import { AtsgateError, inputInvalid } from '../errors.ts';
import { randomId } from '../ids.ts';
import { setUpVendorWebhooks } from '../webhooks/vendor/endpoint.ts';

export interface ConnectRequest {
  accountId: string;
  tool: string;
  organizationName: string;
  credentials: Record<string, unknown>;
  baseUrl?: string;
  creatorEmail?: string | null;
  originId?: string | null;
  id?: string;
  /** Await the first sync (CLI, tests) or let it run in the background (connect page). */
  waitForSync?: boolean;
  onProgress?: (p: SyncProgress) => void;
}

export async function connectIntegration(rt: Runtime, r: ConnectRequest): Promise<Integration> {
  const connector = getConnector(r.tool);
  if (!connector) throw inputInvalid(`Unknown tool "${r.tool}".`);
  const schema = connector.definition.credentialSchema;
  if (!Value.Check(schema, r.credentials)) {
    const first = [...Value.Errors(schema, r.credentials)][0];
    const field = first?.path.replace(/^\//, '').replace(/\//g, '.') || '(credentials)';
    throw inputInvalid(`Invalid credentials for ${connector.definition.label}: "${field}" ${first?.message ?? 'is invalid'}.`);
  }
  if (r.baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(r.baseUrl)) throw inputInvalid('base_url must be an http(s) URL.');

  // Check against the ATS before storing anything. The probe already runs under the id the
  // integration will get: the vendor counts the check and the first sync in one rate-limit
  // window, and two connects of one tool must never share a connector cache (OAuth tokens).
  const id = r.id ?? `${r.tool}:${randomId()}`;
  const probe = {
    id,
    account_id: r.accountId,
    tool: r.tool,
    config: r.baseUrl ? { base_url: r.baseUrl } : {},
    credentials_sealed: '',
  } as unknown as Parameters<typeof contextFor>[1];
  const { ctx } = contextFor(rt, probe, { credentials: r.credentials });
  await connector.checkCredentials(ctx).catch((err: unknown) => {
    rt.caches.delete(id);
    throw err;
  });

  await ensureAccount(rt.db, r.accountId);
  // Kombo's `integration-created`, in the transaction that creates it.
  const { integration, event } = await rt.db.tx(async (q) => {
    const created = await createIntegration(q, rt.box, {
      accountId: r.accountId,
      tool: r.tool,
      organizationName: r.organizationName,
      creatorEmail: r.creatorEmail,
      originId: r.originId,
      credentials: r.credentials,
      config: r.baseUrl ? { base_url: r.baseUrl } : {},
      id,
    });
    return { integration: created, event: await recordIntegrationCreated(rt, q, created) };
  });
  if (event) await queueWebhook(rt, event);
  rt.caches.delete(probe.id);
  // The ATS's own webhooks (changes within seconds); a refusal is logged and shown on the
  // dashboard, and never costs the integration: the periodic sync stays the safety net.
  await setUpVendorWebhooks(rt, (await getIntegrationById(rt.db, integration.id))!).then(
    (warnings) => warnings.forEach((w) => logWarning(rt, integration.id, w)),
    (err: unknown) => logWarning(rt, integration.id, `webhook set-up failed: ${(err as Error)?.message ?? String(err)}`),
  );
  // The first sync runs inline when the caller waits for it (CLI, tests); otherwise it is queued
  // on the job engine like every other sync, and runs on whichever process is free.
  if (!r.waitForSync) await requestSync(rt, integration.id, 'FULL');
  else {
    try {
      await (await startSync(rt, integration.id, 'FULL', r.onProgress)).done;
    } catch (err) {
      if (!(err instanceof AtsgateError)) throw err;
      await setIntegrationState(rt.db, integration.id, { setup_status: 'FINAL_SYNC_PENDING' });
      throw err;
    }
  }
  return (await getIntegrationById(rt.db, integration.id))!;
}

/** Deletes an integration of the account (and its synced data) and sends Kombo's `integration-deleted`. */
export async function removeIntegration(rt: Runtime, integration: Integration): Promise<boolean> {
  const { deleted, event } = await rt.db.tx(async (q) => {
    const gone = await deleteIntegration(q, integration.account_id, integration.id);
    return { deleted: gone, event: gone ? await recordIntegrationDeleted(rt, q, integration, new Date()) : null };
  });
  rt.caches.delete(integration.id);
  if (event) await queueWebhook(rt, event);
  return deleted;
}

/**
 * PUT /integrations/:id/enabled: switches the integration on or off; a switch that changes its
 * state (ACTIVE ↔ INACTIVE) sends Kombo's `integration-state-changed`, a repeat sends nothing.
 */
export async function setEnabled(rt: Runtime, integration: Integration, enabled: boolean): Promise<void> {
  const event = await rt.db.tx(async (q) => {
    const before = await getIntegrationById(q, integration.id);
    if (!before || before.account_id !== integration.account_id) return null;
    await setIntegrationEnabled(q, integration.account_id, integration.id, enabled);
    return recordStateChangedIfMoved(rt, q, before, { ...before, enabled });
  });
  if (event) await queueWebhook(rt, event);
}

function logWarning(rt: Runtime, integrationId: string, msg: string): void {
  if (rt.config.logLevel === 'silent') return;
  console.error(JSON.stringify({ level: 'warn', component: 'vendor-webhooks', integration_id: integrationId, msg }));
}
