/**
 * Each integration's inbound webhook endpoint: an unguessable URL token (only its hash is
 * looked up) and a signing secret, both sealed. When the connector can register webhooks
 * through the vendor's API, that happens here when the integration is created and is undone
 * when it is deleted; a refusal is a warning and never costs the integration (polling stays).
 * Where the customer pastes the URL into the ATS, the dashboard and the API show it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Runtime } from '../../runtime.ts';
import { contextFor } from '../../runtime.ts';
import { getConnector } from '../../connectors/registry.ts';
import type { IntegrationWithSecrets } from '../../store/integrations.ts';
import { AtsgateError } from '../../errors.ts';
import {
  getVendorWebhookEndpoint,
  replaceSealedVendorWebhookEndpoint,
  lockSealedVendorWebhookEndpoint,
  upsertVendorWebhookEndpoint,
  type VendorWebhookEndpointRow,
  type VendorWebhookSetup,
} from '../../store/vendor-webhooks.ts';

/** Path of the public route, under /v1 (src/api/routes/vendor-webhooks.ts). */
export const VENDOR_WEBHOOK_PATH = '/v1/vendor-webhooks';

export interface SealedEndpoint {
  token: string;
  /** atsgate's own secret first, then any the vendor issued. */
  secrets: string[];
  /** The signing key the ATS generated and the customer pasted into atsgate (VendorWebhooks.vendorSecret). */
  pasted?: string;
}

/** What `verify` is given: atsgate's own secret, those the vendor issued, then the pasted key. */
export const verificationSecrets = (e: SealedEndpoint): string[] => (e.pasted ? [...e.secrets, e.pasted] : e.secrets);

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export const endpointUrl = (rt: Runtime, token: string): string => `${rt.publicUrl()}${VENDOR_WEBHOOK_PATH}/${token}`;

export function openEndpoint(rt: Runtime, row: Pick<VendorWebhookEndpointRow, 'sealed'>): SealedEndpoint {
  return rt.box.openJson<SealedEndpoint>(row.sealed);
}

function describe(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}

/**
 * Creates the endpoint of a new integration and registers it with the vendor where the
 * connector can. Returns warnings (a registration the vendor refused); never throws for a
 * vendor's refusal.
 */
export async function setUpVendorWebhooks(rt: Runtime, integration: IntegrationWithSecrets): Promise<string[]> {
  const { connector, ctx } = contextFor(rt, integration);
  const spec = connector.webhooks;
  if (!spec) return [];
  const endpoint: SealedEndpoint = { token: randomBytes(32).toString('base64url'), secrets: [randomBytes(24).toString('hex')] };
  const save = (setup: VendorWebhookSetup, registrations: unknown[], lastError: string | null) =>
    upsertVendorWebhookEndpoint(rt.db, {
      integrationId: integration.id,
      tokenHash: tokenHash(endpoint.token),
      sealed: rt.box.sealJson(endpoint),
      setup,
      registrations,
      lastError,
    });
  // Stored first: a vendor may call the URL while it is being registered (a handshake).
  await save('manual', [], null);
  if (spec.setup !== 'api' || !spec.register) return [];
  try {
    const got = await spec.register(ctx, { url: endpointUrl(rt, endpoint.token), secret: endpoint.secrets[0] });
    endpoint.secrets.push(...got.secrets.filter((s) => s && !endpoint.secrets.includes(s)));
    await save('registered', got.registrations, null);
    return [];
  } catch (err) {
    const message = describe(err);
    await save('failed', [], message);
    return [
      `${connector.definition.label} did not accept atsgate's webhook registration (${message}); changes arrive with the periodic sync until it is registered (the dashboard shows the URL to add by hand).`,
    ];
  }
}

/** Removes what was registered with the vendor (the integration is being deleted). Failures are returned, not thrown. */
export async function tearDownVendorWebhooks(rt: Runtime, integration: IntegrationWithSecrets): Promise<string | null> {
  const row = await getVendorWebhookEndpoint(rt.db, integration.account_id, integration.id);
  if (!row || !row.registrations.length) return null;
  const { connector, ctx } = contextFor(rt, integration);
  if (!connector.webhooks?.unregister) return null;
  try {
    await connector.webhooks.unregister(ctx, row.registrations);
    return null;
  } catch (err) {
    return describe(err);
  }
}

/** What the dashboard and GET /v1/integrations/:id/vendor-webhook show (the secret only where the customer pastes it). */
export interface VendorWebhookView {
  setup: VendorWebhookSetup;
  url: string;
  secret: string | null;
  instructions: string;
  docs: string[];
  last_event_at: string | null;
  last_error: string | null;
  /** Where the ATS generates the signing key: its name there, and whether the customer has saved it in atsgate. */
  vendor_secret?: { label: string; saved: boolean } | null;
}

export async function viewVendorWebhook(
  rt: Runtime,
  accountId: string,
  integration: { id: string; tool: string },
): Promise<VendorWebhookView | null> {
  const row = await getVendorWebhookEndpoint(rt.db, accountId, integration.id);
  const spec = getConnector(integration.tool)?.webhooks;
  if (!row || !spec) return null;
  const sealed = openEndpoint(rt, row);
  const manual = row.setup !== 'registered';
  return {
    setup: row.setup,
    url: endpointUrl(rt, sealed.token),
    secret: manual && spec.showSecret ? sealed.secrets[0] : null,
    instructions:
      row.setup !== 'registered'
        ? spec.instructions
        : spec.poll
          ? "Registered with the ATS by atsgate, which fetches the ATS's event queue every minute; nothing to do."
          : 'Registered with the ATS by atsgate; nothing to do.',
    docs: spec.docs,
    last_event_at: row.last_event_at ? new Date(row.last_event_at).toISOString() : null,
    last_error: row.last_error,
    vendor_secret: spec.vendorSecret ? { label: spec.vendorSecret.label, saved: !!sealed.pasted } : null,
  };
}

/**
 * Saves the signing key the ATS generated (the customer copied it from the ATS's webhook
 * settings), sealed with the endpoint; a new key replaces the previous one. Refused where the
 * ATS signs with a secret atsgate chose or issued through its API.
 */
export async function saveVendorWebhookSecret(
  rt: Runtime,
  accountId: string,
  integration: { id: string; tool: string },
  secret: string,
): Promise<VendorWebhookView> {
  const spec = getConnector(integration.tool)?.webhooks;
  const row = await getVendorWebhookEndpoint(rt.db, accountId, integration.id);
  if (!spec?.vendorSecret || !row) {
    const label = getConnector(integration.tool)?.definition.label ?? integration.tool;
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `${label} does not generate a webhook signing key for the customer to paste: there is nothing to save for this integration.`,
    );
  }
  const value = secret.trim();
  if (value.length < 8 || value.length > 500 || /\s/.test(value))
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `The ${spec.vendorSecret.label} must be 8 to 500 characters without spaces, as the ATS shows it.`,
    );
  // Read and rewrite under the row's lock, so that a key rotation re-sealing every endpoint at
  // the same moment neither loses this key nor is overwritten with the old key's seal.
  await rt.db.tx(async (tx) => {
    const current = await lockSealedVendorWebhookEndpoint(tx, integration.id);
    if (current === null) return;
    await replaceSealedVendorWebhookEndpoint(
      tx,
      integration.id,
      rt.box.sealJson({ ...openEndpoint(rt, { sealed: current }), pasted: value }),
    );
  });
  return (await viewVendorWebhook(rt, accountId, integration))!;
}
