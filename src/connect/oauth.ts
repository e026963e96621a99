/**
 * OAuth 2.0 authorization-code sign-in on the connect page, for connectors whose definition
 * declares `oauth` (data: URLs, scopes, extra parameters, which credentials the token answer
 * fills). The customer types the other credential fields (their OAuth client, data centre),
 * atsgate sends them to the vendor's consent page with a single-use `state`, and the vendor
 * redirects back to <public URL>/connect/oauth/callback, where the code is exchanged and the
 * credentials go through the same check and first sync as the form's (submitCredentials).
 */
import { randomBytes } from 'node:crypto';
import type { Runtime } from '../runtime.ts';
import type { ConnectorDefinition, OAuthConnect } from '../connectors/types.ts';
import { HttpClient } from '../http/client.ts';
import { findLinkByToken, type ConnectLink } from '../store/connect-links.ts';
import { saveOAuthState, takeOAuthState } from '../store/oauth-states.ts';
import { AtsgateError, inputInvalid } from '../errors.ts';
import { credentialInputName, submitCredentials, toolForLink } from './service.ts';

/** Long enough to sign in (and perhaps reset a password), short enough that a leaked state is stale. */
export const STATE_TTL_MS = 10 * 60 * 1000;
export const CALLBACK_PATH = '/connect/oauth/callback';

interface Pending {
  token: string;
  tool: string;
  form: Record<string, string>;
  baseUrl: string | null;
  tokenUrl: string;
  redirectUri: string;
}

/** The template with `{field}`s from the typed credentials (URL-safe values only). */
function fill(template: string, form: Record<string, string>, def: ConnectorDefinition): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = (form[credentialInputName(key)] ?? '').trim().toLowerCase();
    const label = def.credentialFields.find((f) => f.key === key)?.label ?? key;
    if (!/^[a-z0-9.-]+$/.test(value)) throw inputInvalid(`"${label}" is required to sign in.`);
    return value;
  });
}

/**
 * With a custom API base URL (proxies, test servers: ATSGATE_CONNECT_ALLOW_BASE_URL), the
 * vendor's accounts endpoints are taken on that origin too, as the connectors do for tokens.
 */
const onOrigin = (url: string, baseUrl: string | null) => (baseUrl ? new URL(new URL(url).pathname, baseUrl).toString() : url);

/** The OAuth client's credential fields: the operator's client (config) stands in for them. */
const CLIENT_FIELDS = ['client_id', 'client_secret'];

/**
 * The fields the customer types before signing in: all but those the token answer fills, and
 * but the client's when the operator configured one for the tool.
 */
export const oauthInputFields = (def: ConnectorDefinition, operatorClient = false) =>
  def.credentialFields.filter((f) => !(f.key in (def.oauth?.fills ?? {})) && !(operatorClient && CLIENT_FIELDS.includes(f.key)));

/** The operator's OAuth client for a tool (ATSGATE_OAUTH_<TOOL>_CLIENT_ID / _SECRET), if any. */
export const operatorClient = (rt: Runtime, tool: string) => rt.config.oauthClients[tool] ?? null;

export interface OAuthStart {
  tool?: string;
  form: Record<string, string>;
  allowBaseUrl: boolean;
  /** The public base URL of this server (ATSGATE_PUBLIC_URL, else the request's). */
  publicBase: string;
}

/** Stores a fresh state for the link and returns the vendor's authorize URL to redirect to. */
export async function startOAuth(rt: Runtime, link: ConnectLink, token: string, s: OAuthStart): Promise<string> {
  if (link.completed_at)
    throw inputInvalid('This link has already been used to connect an integration. Ask for a new link to connect again.', 409);
  const def = toolForLink(link, s.tool);
  if (!def) throw inputInvalid('Choose the ATS to connect first.');
  const oauth: OAuthConnect | undefined = def.oauth;
  if (!oauth) throw inputInvalid(`${def.label} has no sign-in: enter the credentials instead.`);
  const form: Record<string, string> = {};
  const operator = operatorClient(rt, def.id);
  for (const f of oauthInputFields(def, operator !== null)) {
    const v = (s.form[credentialInputName(f.key)] ?? '').trim();
    if (!v && !f.optional) throw inputInvalid(`"${f.label}" is required.`);
    if (v) form[credentialInputName(f.key)] = v;
  }
  if (operator) {
    form[credentialInputName('client_id')] = operator.clientId;
    form[credentialInputName('client_secret')] = operator.clientSecret;
  }
  const rawBase = (s.form.base_url ?? '').trim();
  if (rawBase && (!s.allowBaseUrl || link.kind === 'RELINK')) throw inputInvalid('This server does not accept a custom API base URL.');
  if (rawBase && !/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(rawBase)) throw inputInvalid('"API base URL" must be an http(s) URL.');
  const baseUrl = rawBase || null;
  const authorize = new URL(onOrigin(fill(oauth.authorizeUrl, form, def), baseUrl));
  const redirectUri = `${s.publicBase}${CALLBACK_PATH}`;
  const state = randomBytes(32).toString('base64url');
  const pending: Pending = {
    token,
    tool: def.id,
    form,
    baseUrl,
    tokenUrl: onOrigin(fill(oauth.tokenUrl, form, def), baseUrl),
    redirectUri,
  };
  await saveOAuthState(rt.db, state, link.id, rt.box.seal(JSON.stringify(pending)), STATE_TTL_MS);
  const q = authorize.searchParams;
  for (const [k, v] of Object.entries(oauth.authorizeParams ?? {})) q.set(k, v);
  q.set('client_id', form[credentialInputName('client_id')] ?? '');
  q.set('scope', oauth.scopes.join(oauth.scopeSeparator));
  q.set('redirect_uri', redirectUri);
  q.set('state', state);
  return authorize.toString();
}

/** A callback that cannot finish: the page shows the message (never a 500). */
export class OAuthCallbackError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The link's token, when the state was valid: the page can offer to try again. */
    readonly token: string | null = null,
  ) {
    super(message);
  }
}

/**
 * The vendor's redirect: takes the state (single use), exchanges the code, and connects like
 * the form does. Returns the link token, whose page shows the progress of the first sync.
 */
export async function finishOAuth(rt: Runtime, query: Record<string, unknown>): Promise<{ token: string; activationToken: string }> {
  const str = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : '');
  const state = str('state');
  const taken = state && state.length <= 200 ? await takeOAuthState(rt.db, state) : null;
  if (!taken)
    throw new OAuthCallbackError('This sign-in is unknown, has expired or was already used. Start again from the connection link.', 400);
  let pending: Pending;
  try {
    pending = JSON.parse(rt.box.open(taken.sealed)) as Pending;
  } catch {
    throw new OAuthCallbackError('This sign-in can no longer be read (the server key changed). Start again from the connection link.', 400);
  }
  const link = await findLinkByToken(rt.db, pending.token);
  if (!link || link.id !== taken.link_id) throw new OAuthCallbackError('This connection link is invalid or has expired.', 404);
  const def = toolForLink(link, pending.tool);
  if (!def?.oauth) throw new OAuthCallbackError('This connection link no longer offers a sign-in.', 400, pending.token);
  // RFC 6749 4.1.2.1: the vendor reports a refusal (access_denied...) in `error`.
  const vendorError = str('error');
  if (vendorError) {
    throw new OAuthCallbackError(`${def.label} did not grant access (${vendorError.slice(0, 100)}). Try again.`, 400, pending.token);
  }
  const code = str('code');
  if (!code) throw new OAuthCallbackError(`${def.label} sent no authorization code. Try again.`, 400, pending.token);
  const server = callbackServer(def, pending, str(def.oauth.callbackServer?.param ?? ''));
  if (server) {
    pending.tokenUrl = server.tokenUrl;
    pending.form[credentialInputName(server.credential)] = server.value;
  }
  const fills = await exchange(def, pending, code);
  let activationToken: string;
  try {
    ({ activationToken } = await submitCredentials(rt, link, {
      tool: pending.tool,
      form: { ...pending.form, ...fills, ...(pending.baseUrl ? { base_url: pending.baseUrl } : {}) },
      allowBaseUrl: pending.baseUrl !== null,
    }));
  } catch (err) {
    if (err instanceof AtsgateError) throw new OAuthCallbackError(err.message, err.status >= 500 ? err.status : 400, pending.token);
    throw err;
  }
  return { token: pending.token, activationToken };
}

/**
 * The accounts host the vendor named in the redirect, when it is one the definition trusts (the
 * client secret is sent there). Not with a custom base URL: that server answers for the vendor.
 */
export function callbackServer(
  def: ConnectorDefinition,
  p: { baseUrl: string | null },
  value: string,
): { tokenUrl: string; credential: string; value: string } | null {
  const cs = def.oauth?.callbackServer;
  const m = cs && !p.baseUrl ? cs.pattern.exec(value) : null;
  return cs && m ? { tokenUrl: `${value}${cs.tokenPath}`, credential: cs.credential, value: m[1] } : null;
}

/** POST the token URL with the code (RFC 6749 4.1.3); the answer's fields fill the credentials. */
async function exchange(def: ConnectorDefinition, p: Pending, code: string): Promise<Record<string, string>> {
  const oauth = def.oauth!;
  const http = new HttpClient({ tool: def.label, baseUrl: p.tokenUrl, retry: { maxAttempts: 1 } });
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: p.redirectUri,
    client_id: p.form[credentialInputName('client_id')] ?? '',
    client_secret: p.form[credentialInputName('client_secret')] ?? '',
  });
  let data: any;
  let status: number;
  try {
    const res = await http.request<any>({
      method: 'POST',
      path: p.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      redactBody: true,
      accept: [400, 401, 403],
    });
    data = res.data;
    status = res.status;
  } catch {
    throw new OAuthCallbackError(`${def.label} could not be reached to finish the sign-in. Try again.`, 502, p.token);
  }
  // Zoho answers errors with HTTP 200 and `{ "error": ... }`: the body decides.
  const error = typeof data?.error === 'string' ? data.error : null;
  const out: Record<string, string> = {};
  for (const [key, field] of Object.entries(oauth.fills)) {
    const v = data?.[field];
    if (typeof v === 'string' && v) out[credentialInputName(key)] = v;
  }
  if (status >= 400 || error || Object.keys(out).length < Object.keys(oauth.fills).length) {
    const why = error ?? (status >= 400 ? `HTTP ${status}` : `no ${Object.values(oauth.fills).join(', ')} in the answer`);
    throw new OAuthCallbackError(
      `${def.label} refused to finish the sign-in (${why.slice(0, 100)}). Check the client ID and secret, and that the client allows the redirect URL ${p.redirectUri}.`,
      400,
      p.token,
    );
  }
  return out;
}
