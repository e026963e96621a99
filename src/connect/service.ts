/**
 * The connect flow (Kombo Connect): links that let an end user connect their ATS or replace an
 * integration's credentials, the submission of credentials from the hosted page, the progress
 * of the first sync, and the activation token the embedding app exchanges for the integration.
 */
import { viewVendorWebhook } from '../webhooks/vendor/endpoint.ts';
import { Value } from '@sinclair/typebox/value';
import type { Runtime } from '../runtime.ts';
import { contextFor } from '../runtime.ts';
import { connectors, getConnector } from '../connectors/registry.ts';
import type { ConnectorDefinition, CredentialField } from '../connectors/types.ts';
import { connectIntegration } from '../integrations/service.ts';
import { getIntegration, getIntegrationById, updateCredentials, type Integration } from '../store/integrations.ts';
import { queueWebhook } from '../webhooks/deliver.ts';
import { recordStateChangedIfMoved } from '../webhooks/integration-events.ts';
import {
  claimLink,
  completeLink,
  createLink,
  findLinkByActivationToken,
  releaseLink,
  type ConnectLink,
  type LinkType,
} from '../store/connect-links.ts';
import { countRecords } from '../store/records.ts';
import { listSyncs } from '../store/syncs.ts';
import { requestSync } from '../jobs/sync-tasks.ts';
import { randomId } from '../ids.ts';
import { AtsgateError, inputInvalid } from '../errors.ts';

const HOUR = 60 * 60 * 1000;
/** Kombo: EMBEDDED links live 1 hour, MAGIC_LINK links 1 year. */
export const LINK_TTL_MS: Record<LinkType, number> = { EMBEDDED: HOUR, MAGIC_LINK: 365 * 24 * HOUR };
/** The activation token is short-lived, like an OAuth code: the embedding app exchanges it at once. */
export const ACTIVATION_TTL_MS = HOUR;
/** How long one submission holds the link while the ATS checks the credentials. */
const SUBMISSION_HOLD_MS = 2 * 60 * 1000;

export const LANGUAGES = ['en', 'de', 'fr', 'it', 'es'] as const;

export interface CreateLinkInput {
  end_user_email: string;
  end_user_organization_name: string;
  end_user_origin_id?: string | null;
  remote_environment?: string | null;
  integration_category?: string;
  integration_tool?: string | null;
  language?: string | null;
  scope_config_id?: string | null;
  enable_filtering?: boolean;
  enable_field_mapping?: boolean;
  link_type?: LinkType;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Tool ids the flow offers: the real ATSs first, the built-in sandbox last. */
export function connectableTools(): ConnectorDefinition[] {
  const defs = [...connectors.values()].map((c) => c.definition);
  return [...defs.filter((d) => d.id !== 'sandbox'), ...defs.filter((d) => d.id === 'sandbox')];
}

export async function createConnectLink(rt: Runtime, accountId: string, b: CreateLinkInput): Promise<string> {
  // Kombo's default category is HRIS (and the SDK sends it when the field is left out).
  const category = b.integration_category ?? 'HRIS';
  if (category !== 'ATS') {
    throw inputInvalid(
      `Invalid request body: atsgate connects ATS integrations only, so "integration_category" must be "ATS" (got "${category}"; Kombo's default is HRIS, so pass "ATS" explicitly).`,
    );
  }
  if (!EMAIL.test(b.end_user_email)) throw inputInvalid('Invalid request body: "end_user_email" must be an email address.');
  if (!b.end_user_organization_name.trim()) throw inputInvalid('Invalid request body: "end_user_organization_name" must not be empty.');
  const tool = b.integration_tool ?? null;
  if (tool !== null && !getConnector(tool)) {
    throw inputInvalid(
      `Invalid request body: "integration_tool" "${tool.slice(0, 50)}" is not a tool atsgate connects; use one of ${connectableTools()
        .map((d) => d.id)
        .join(', ')}.`,
    );
  }
  if (b.remote_environment != null) {
    // Kombo: environments only with a preselected tool. None of our connectors has separate
    // environments, so an environment can only be a mistake: refuse it instead of ignoring it.
    throw inputInvalid(
      tool === null
        ? 'Invalid request body: "remote_environment" can only be used together with "integration_tool".'
        : `Invalid request body: "remote_environment" is not supported: the ${getConnector(tool)!.definition.label} connector has no separate environments.`,
    );
  }
  if (b.language != null && !(LANGUAGES as readonly string[]).includes(b.language)) {
    throw inputInvalid(`Invalid request body: "language" must be one of ${LANGUAGES.join(', ')}.`);
  }
  const linkType = b.link_type ?? 'EMBEDDED';
  const { token } = await createLink(rt.db, {
    accountId,
    kind: 'CONNECT',
    linkType,
    ttlMs: LINK_TTL_MS[linkType],
    endUserEmail: b.end_user_email,
    organizationName: b.end_user_organization_name.trim(),
    originId: b.end_user_origin_id ?? null,
    tool,
    integrationId: null,
    options: {
      language: b.language ?? 'en',
      scope_config_id: b.scope_config_id ?? null,
      enable_filtering: b.enable_filtering ?? false,
      enable_field_mapping: b.enable_field_mapping ?? false,
    },
  });
  return token;
}

export interface RelinkInput {
  language?: string | null;
  scope_config_id?: string | null;
  link_type?: LinkType;
}

export async function createRelinkLink(rt: Runtime, accountId: string, integrationId: string, b: RelinkInput): Promise<string> {
  const integration = await getIntegration(rt.db, accountId, integrationId);
  if (!integration)
    throw new AtsgateError(
      'PLATFORM.INTEGRATION_NOT_FOUND',
      `No integration with the id "${integrationId.slice(0, 100)}" exists for this API key.`,
    );
  if (!getConnector(integration.tool))
    throw inputInvalid(`The integration's tool "${integration.tool}" has no connector installed, so it cannot be reconnected.`);
  if (b.language != null && !(LANGUAGES as readonly string[]).includes(b.language)) {
    throw inputInvalid(`Invalid request body: "language" must be one of ${LANGUAGES.join(', ')}.`);
  }
  const linkType = b.link_type ?? 'EMBEDDED';
  const { token } = await createLink(rt.db, {
    accountId,
    kind: 'RELINK',
    linkType,
    ttlMs: LINK_TTL_MS[linkType],
    endUserEmail: integration.creator_email,
    organizationName: integration.organization_name,
    originId: integration.origin_id,
    tool: integration.tool,
    integrationId: integration.id,
    options: { language: b.language ?? 'en', scope_config_id: b.scope_config_id ?? null },
  });
  return token;
}

/** Kombo's integration-by-token payload, for the integration the flow created or updated. */
export async function integrationByActivationToken(rt: Runtime, accountId: string, token: string) {
  const link = await findLinkByActivationToken(rt.db, accountId, token);
  const integration = link?.integration_id ? await getIntegration(rt.db, accountId, link.integration_id) : null;
  if (!link || !integration) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      'The activation token is unknown or has expired (tokens are valid for 1 hour and only with the API key of the account that created the link).',
      { status: 404 },
    );
  }
  return {
    id: integration.id,
    tool: integration.tool,
    end_user_origin_id: integration.origin_id,
    end_user_organization_name: integration.organization_name,
    end_user_email: integration.creator_email,
    setup_status: integration.setup_status,
  };
}

// --- The hosted page's side ------------------------------------------------------------------

/** The definition the link's form is for: the preselected/relinked tool, or the user's pick. */
export function toolForLink(link: ConnectLink, picked: string | undefined): ConnectorDefinition | null {
  const id = link.integration_tool ?? picked;
  return id ? (getConnector(id)?.definition ?? null) : null;
}

/** Form field name of a credential (kept apart from the flow's own fields). */
export const credentialInputName = (key: string) => `cred_${key}`;

/**
 * The credentials a form submission carries, checked field by field with the labels the user
 * sees, so that an error names "Client Secret" rather than a JSON path.
 */
export function readCredentials(def: ConnectorDefinition, form: Record<string, string>): Record<string, string> {
  const creds: Record<string, string> = {};
  for (const f of def.credentialFields) {
    const value = (form[credentialInputName(f.key)] ?? '').trim();
    if (value === '') {
      if (!f.optional) throw inputInvalid(`"${f.label}" is required.`);
      continue;
    }
    creds[f.key] = value;
  }
  if (!Value.Check(def.credentialSchema, creds)) {
    const first = [...Value.Errors(def.credentialSchema, creds)][0];
    const key = first?.path.replace(/^\//, '').split('/')[0] ?? '';
    const field: CredentialField | undefined = def.credentialFields.find((f) => f.key === key);
    throw inputInvalid(`"${field?.label ?? key}" is not valid: ${first?.message ?? 'unexpected value'}.`);
  }
  return creds;
}

export interface Submission {
  tool?: string;
  form: Record<string, string>;
  /** Whether this server accepts a base URL from the page (ATSGATE_CONNECT_ALLOW_BASE_URL). */
  allowBaseUrl: boolean;
}

/**
 * Checks the credentials with the ATS and, when they work, creates the integration (or updates
 * the relinked one's credentials), starts the first sync without waiting for it, and returns
 * the activation token. Failures are AtsgateErrors whose message the page shows as is.
 */
export async function submitCredentials(
  rt: Runtime,
  link: ConnectLink,
  s: Submission,
): Promise<{ activationToken: string; integration: Integration }> {
  if (link.completed_at)
    throw inputInvalid('This link has already been used to connect an integration. Ask for a new link to connect again.', 409);
  if (link.integration_tool && s.tool && s.tool !== link.integration_tool)
    throw inputInvalid(`This link is for ${getConnector(link.integration_tool)?.definition.label ?? link.integration_tool} only.`);
  const def = toolForLink(link, s.tool);
  if (!def) throw inputInvalid('Choose the ATS to connect first.');
  const credentials = readCredentials(def, s.form);
  const rawBase = (s.form.base_url ?? '').trim();
  if (rawBase && (!s.allowBaseUrl || link.kind === 'RELINK')) throw inputInvalid('This server does not accept a custom API base URL.');
  if (rawBase && !/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(rawBase)) throw inputInvalid('"API base URL" must be an http(s) URL.');

  if (!(await claimLink(rt.db, link.id, SUBMISSION_HOLD_MS))) {
    throw inputInvalid('These credentials are already being checked (or this link was just used). Wait a moment and reload the page.', 409);
  }
  try {
    const integration =
      link.kind === 'RELINK' ? await relink(rt, link, credentials) : await connectNew(rt, link, def, credentials, rawBase || undefined);
    const activationToken = await completeLink(rt.db, link.id, integration.id, ACTIVATION_TTL_MS);
    return { activationToken, integration };
  } catch (err) {
    await releaseLink(rt.db, link.id).catch(() => undefined);
    throw err;
  }
}

async function connectNew(
  rt: Runtime,
  link: ConnectLink,
  def: ConnectorDefinition,
  credentials: Record<string, string>,
  baseUrl: string | undefined,
): Promise<Integration> {
  // A fresh id per attempt: the credential check runs under this id's connector cache, so two
  // people connecting the same ATS at once never share a cached OAuth token.
  const id = `${def.id}:${randomId()}`;
  try {
    return await connectIntegration(rt, {
      accountId: link.account_id,
      tool: def.id,
      organizationName: link.end_user_organization_name,
      creatorEmail: link.end_user_email,
      originId: link.end_user_origin_id,
      credentials,
      baseUrl,
      id,
      waitForSync: false,
    });
  } catch (err) {
    rt.caches.delete(id);
    throw err;
  }
}

async function relink(rt: Runtime, link: ConnectLink, credentials: Record<string, string>): Promise<Integration> {
  const integration = link.integration_id ? await getIntegrationById(rt.db, link.integration_id) : null;
  if (!integration) throw inputInvalid('The integration this link reconnects no longer exists.', 404);
  // Check the new credentials under a throwaway cache: the integration's own cache may hold a
  // token minted from the old credentials, which would make any input look valid.
  const probe = { ...integration, id: `${integration.id}#relink-${randomId(8)}` };
  try {
    const { connector, ctx } = contextFor(rt, probe, { credentials });
    await connector.checkCredentials(ctx);
  } finally {
    rt.caches.delete(probe.id);
  }
  // New credentials make an INVALID integration ACTIVE again: Kombo's integration-state-changed.
  const event = await rt.db.tx(async (q) => {
    await updateCredentials(q, rt.box, integration.id, credentials);
    return recordStateChangedIfMoved(rt, q, integration, { ...integration, status: 'ACTIVE' });
  });
  if (event) await queueWebhook(rt, event).catch(() => undefined);
  rt.caches.delete(integration.id);
  // Catch up with what changed while the old credentials were failing: queued like every other
  // sync (retries; a graceful stop waits for it). Not being able to queue it does not undo the
  // relink: the scheduler's next round syncs the integration anyway.
  await requestSync(rt, integration.id, 'DELTA').catch(() => undefined);
  return (await getIntegrationById(rt.db, integration.id))!;
}

export interface FlowStatus {
  state: 'PENDING' | 'CONNECTED';
  tool: string | null;
  setup_status: Integration['setup_status'] | null;
  sync: { state: 'RUNNING' | 'SUCCEEDED' | 'FAILED'; error: string | null } | null;
  records: { jobs: number; candidates: number; applications: number } | null;
  /**
   * Where the ATS must send its own webhooks, when the customer has to add them there (the
   * vendor has no API for it, or refused atsgate's registration): the link holder is the
   * customer's admin, the one who pastes them. Null when nothing is to be done.
   */
  webhook?: {
    url: string;
    secret: string | null;
    instructions: string;
    /** Where the ATS generates the signing key: its name, and whether it is saved in atsgate yet. */
    vendor_secret?: { label: string; saved: boolean } | null;
  } | null;
}

/** What the page shows while the first sync runs (no ids, no secrets: only the token holder asks). */
export async function flowStatus(rt: Runtime, link: ConnectLink): Promise<FlowStatus> {
  const pending: FlowStatus = { state: 'PENDING', tool: link.integration_tool, setup_status: null, sync: null, records: null };
  if (!link.completed_at || !link.integration_id) return pending;
  // The sync before the integration: a sync's end and the integration's COMPLETED commit in one
  // transaction, so read in this order a SUCCEEDED sync never comes with FINAL_SYNC_PENDING (read
  // the other way round, a sync ending between the two reads did).
  const [last] = await listSyncs(rt.db, link.integration_id, 1);
  const integration = await getIntegrationById(rt.db, link.integration_id);
  if (!integration) return pending;
  const records = await countRecords(rt.db, integration.id);
  return {
    state: 'CONNECTED',
    tool: integration.tool,
    setup_status: integration.setup_status,
    sync: last ? { state: last.state, error: last.error } : null,
    records: { jobs: records.jobs ?? 0, candidates: records.candidates ?? 0, applications: records.applications ?? 0 },
    webhook: await webhookToPaste(rt, link.account_id, integration),
  };
}

/** The URL (and secret) the customer pastes into the ATS; null when atsgate registered it or the ATS sends none. */
export async function webhookToPaste(
  rt: Runtime,
  accountId: string,
  integration: { id: string; tool: string },
): Promise<FlowStatus['webhook']> {
  const v = await viewVendorWebhook(rt, accountId, integration);
  return v && v.setup !== 'registered'
    ? { url: v.url, secret: v.secret, instructions: v.instructions, vendor_secret: v.vendor_secret ?? null }
    : null;
}
