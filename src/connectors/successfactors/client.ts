/**
 * Talking to SuccessFactors: a signed SAML 2.0 bearer assertion exchanged for an OAuth token
 * (cached per integration, renewed before expiry and once on a 401), Bearer requests to the
 * OData v2 service through the shared HttpClient (transport in ./definition.ts), server-side
 * paging by `__next`, and the OData v2 JSON value formats.
 */
import { randomUUID } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { errorReader, transportBaseUrl } from '../../http/transport.ts';
import { cachedToken, renewAt } from '../helpers/oauth-token.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { SAML_AUDIENCE, SAML_BEARER_GRANT, TOKEN_PATH, definition, type SuccessFactorsCredentials } from './definition.ts';

export type SfContext = ConnectorContext<SuccessFactorsCredentials>;

/** SuccessFactors tokens live 24 hours (Developer Guide); assume less when the answer says nothing. */
const DEFAULT_TOKEN_LIFETIME_S = 3600;
/** The assertion only has to live until the token call: ten minutes, as SAP's sample generator. */
const ASSERTION_LIFETIME_MS = 10 * 60_000;
const RATE_LIMIT_WAIT_MS = 1_000;

export const sfErrorMessage = errorReader(definition.transport);

interface Token {
  accessToken: string;
  expiresAt: number;
}

/** https://{api_server}/odata/v2 (or the override + /odata/v2). */
export function apiBaseUrl(ctx: SfContext): string {
  return transportBaseUrl(definition, ctx);
}

/** The token endpoint: `/oauth/token` on the API server itself. */
export function tokenUrl(ctx: SfContext): string {
  return new URL(TOKEN_PATH, new URL(apiBaseUrl(ctx)).origin).toString();
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * PEM as pasted on the connect page: a one-line paste (an input field drops line breaks),
 * literal `\n` sequences and stray spaces are put back into the 64-column form.
 */
export function normalisePem(pem: string): string {
  const text = pem.replace(/\\n/g, '\n');
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return text.trim() + '\n';
  const body = m[2].replace(/[^A-Za-z0-9+/=]/g, '');
  return `-----BEGIN ${m[1]}-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${m[1]}-----\n`;
}

/**
 * The SAML 2.0 assertion SuccessFactors' token endpoint takes (Developer Guide, "Generating a
 * SAML Assertion"): subject = the API user id, audience www.successfactors.com, a bearer
 * subject confirmation for the token URL, the client's API key as attribute `api_key`, and an
 * enveloped RSA-SHA256 signature (exclusive C14N) made with the key whose certificate is
 * registered with the OAuth client. Returned base64-encoded, as the `assertion` form field.
 */
export function samlAssertion(creds: SuccessFactorsCredentials, recipient: string, now = new Date()): string {
  const id = `_${randomUUID()}`;
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const notBefore = iso(new Date(now.getTime() - 60_000));
  const notAfter = iso(new Date(now.getTime() + ASSERTION_LIFETIME_MS));
  const ns = 'urn:oasis:names:tc:SAML:2.0:assertion';
  const xml =
    `<saml2:Assertion xmlns:saml2="${ns}" ID="${id}" IssueInstant="${iso(now)}" Version="2.0">` +
    `<saml2:Issuer>${xmlText(SAML_AUDIENCE)}</saml2:Issuer>` +
    '<saml2:Subject>' +
    `<saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${xmlText(creds.user_id)}</saml2:NameID>` +
    '<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">' +
    `<saml2:SubjectConfirmationData NotOnOrAfter="${notAfter}" Recipient="${xmlText(recipient)}"/>` +
    '</saml2:SubjectConfirmation>' +
    '</saml2:Subject>' +
    `<saml2:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notAfter}">` +
    `<saml2:AudienceRestriction><saml2:Audience>${xmlText(SAML_AUDIENCE)}</saml2:Audience></saml2:AudienceRestriction>` +
    '</saml2:Conditions>' +
    `<saml2:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${id}">` +
    '<saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef></saml2:AuthnContext>' +
    '</saml2:AuthnStatement>' +
    '<saml2:AttributeStatement>' +
    `<saml2:Attribute Name="api_key"><saml2:AttributeValue>${xmlText(creds.client_id)}</saml2:AttributeValue></saml2:Attribute>` +
    '<saml2:Attribute Name="use_username"><saml2:AttributeValue>false</saml2:AttributeValue></saml2:Attribute>' +
    '</saml2:AttributeStatement>' +
    '</saml2:Assertion>';
  let signed: string;
  try {
    const sig = new SignedXml({
      privateKey: normalisePem(creds.private_key),
      publicCert: normalisePem(creds.certificate),
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    sig.addReference({
      xpath: "/*[local-name(.)='Assertion']",
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    });
    // The SAML schema puts ds:Signature right after Issuer.
    sig.computeSignature(xml, {
      prefix: 'ds',
      location: { reference: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' },
    });
    signed = sig.getSignedXml();
  } catch (err) {
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `The SuccessFactors private key or certificate could not sign the SAML assertion (${(err as Error).message}). ` +
        'Paste the PEM private key (-----BEGIN PRIVATE KEY-----) and the certificate registered with the OAuth2 client.',
    );
  }
  return Buffer.from(signed, 'utf8').toString('base64');
}

function cacheKey(ctx: SfContext): string {
  return `successfactors:token:${tokenUrl(ctx)}:${ctx.credentials.company_id}:${ctx.credentials.client_id}:${ctx.credentials.user_id}`;
}

export function accessToken(ctx: SfContext): Promise<Token> {
  return cachedToken(ctx.cache, cacheKey(ctx), () => mintToken(ctx));
}

function dropToken(ctx: SfContext): void {
  ctx.cache.delete(cacheKey(ctx));
}

/** POST /oauth/token, form-encoded: client_id, company_id, grant_type (SAML bearer), assertion. */
async function mintToken(ctx: SfContext): Promise<Token> {
  const url = tokenUrl(ctx);
  const assertion = samlAssertion(ctx.credentials, url);
  const http = ctx.http({ baseUrl: url, transport: false, rateLimitResetMs: () => RATE_LIMIT_WAIT_MS });
  const form = new URLSearchParams({
    client_id: ctx.credentials.client_id,
    company_id: ctx.credentials.company_id,
    grant_type: SAML_BEARER_GRANT,
    assertion,
  });
  const res = await http.request<any>({
    method: 'POST',
    path: url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
    idempotent: true,
    redactBody: true,
    accept: [400, 401, 403, 404],
  });
  if (res.status >= 400) {
    const why =
      sfErrorMessage(res.status, res.data, res.headers) ?? (typeof res.data === 'string' && res.data ? res.data : `HTTP ${res.status}`);
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `SuccessFactors refused the OAuth token request (HTTP ${res.status}): ${String(why).replace(/\.+$/, '')}. ` +
        'Check the company ID, the API key, the user ID and that the certificate is the one registered with the OAuth2 client.',
    );
  }
  const token = res.data?.access_token;
  if (typeof token !== 'string' || !token) {
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', "SuccessFactors' token endpoint answered without an access token.");
  }
  const stated = Number(res.data.expires_in);
  return { accessToken: token, expiresAt: renewAt((Number.isFinite(stated) && stated > 0 ? stated : DEFAULT_TOKEN_LIFETIME_S) * 1000) };
}

/** The OData client: Bearer token minted here, everything else the definition's transport. */
export function sfClient(ctx: SfContext): HttpClient {
  return ctx.http({
    token: async () => (await accessToken(ctx)).accessToken,
    onUnauthorized: async () => {
      dropToken(ctx);
      await accessToken(ctx);
      return true;
    },
    rateLimitResetMs: (headers) => {
      const retry = Number(headers['retry-after']);
      return Number.isFinite(retry) && retry > 0 ? retry * 1000 : RATE_LIMIT_WAIT_MS;
    },
  });
}

// --------------------------------------------------------------------------------------------
// OData v2 reads
// --------------------------------------------------------------------------------------------

export interface ODataCollection<T> {
  d?: { results?: T[]; __next?: string | null } | T[];
}

/**
 * Every entity of a query, page by page: server-side pagination (SAP's recommendation for
 * integrations, KBA 2735876) answers at most 1,000 entities a page and a `d.__next` URL for the
 * next; that URL is followed as given. No `$top`/`$skip`: client-side paging can skip or repeat
 * entities when data changes between pages (KBA 2675265).
 */
export function odataPages<T>(client: HttpClient, entity: string, query: Record<string, string>): AsyncGenerator<T[]> {
  return paginate<T, string>(async (next) => {
    const res = await client.request<ODataCollection<T>>(next ? { method: 'GET', path: next } : { method: 'GET', path: entity, query });
    const d = res.data?.d;
    const items = Array.isArray(d) ? d : (d?.results ?? []);
    const nextUrl = !Array.isArray(d) && typeof d?.__next === 'string' && d.__next ? d.__next : null;
    return { items, next: nextUrl };
  });
}

/** One page of a query, for probes and small look-ups (the first page of at most 1,000). */
export async function odataQuery<T>(
  client: HttpClient,
  entity: string,
  query: Record<string, string>,
  accept?: number[],
): Promise<{ status: number; items: T[]; data: unknown; headers: Record<string, string> }> {
  const res = await client.request<ODataCollection<T>>({ method: 'GET', path: entity, query, accept });
  const d = res.status < 300 ? res.data?.d : undefined;
  const items = Array.isArray(d) ? d : (d?.results ?? []);
  return { status: res.status, items, data: res.data, headers: res.headers as Record<string, string> };
}

/**
 * Inserts or updates through `POST /upsert`; answers the per-entity results (`d[]`: key, status,
 * message). A refused record comes back as `status: "ERROR"` with SAP's message; the HTTP status
 * of that answer is 500 in SAP's own KBA 3069375 (a failed upsert "returns 'HTTP response code:
 * 500'") and 200 in integration vendors' notes (Workato: "returns a 200 OK response … even when
 * individual record updates fail"), so both are read the same way: the record's message wins.
 */
export async function upsert(
  client: HttpClient,
  body: Record<string, unknown>,
  what: string,
): Promise<{ key: string | null; status: string | null; message: string | null }> {
  const res = await client.request<{ d?: { key?: string | null; status?: string; message?: string | null }[] }>({
    method: 'POST',
    path: 'upsert',
    json: body,
    notFound: what,
    accept: [400, 500],
  });
  const first = Array.isArray(res.data?.d) ? res.data.d[0] : undefined;
  const status = first?.status ?? null;
  if ((status && status !== 'OK') || (res.status >= 400 && first)) {
    throw new AtsgateError(
      'REMOTE.INPUT_INVALID',
      `SuccessFactors refused the ${what} (upsert ${status ?? `HTTP ${res.status}`}): ${first?.message || 'no message'}`,
    );
  }
  if (res.status >= 400) {
    // No per-record result: an OData error envelope, handled as the shared client would.
    const why = sfErrorMessage(res.status, res.data, res.headers);
    throw res.status === 400
      ? new AtsgateError('REMOTE.INPUT_INVALID', `SuccessFactors rejected the ${what} (HTTP 400)${why ? `: ${why}` : '.'}`)
      : new AtsgateError(
          'REMOTE.SERVICE_UNAVAILABLE',
          `SuccessFactors failed with HTTP ${res.status} on the ${what}${why ? `: ${why}` : '.'}`,
        );
  }
  return { key: first?.key ?? null, status, message: first?.message ?? null };
}

// --------------------------------------------------------------------------------------------
// OData v2 JSON values
// --------------------------------------------------------------------------------------------

/** `/Date(1492098664000)/` or `/Date(1492098664000+0000)/` (OData v2 JSON) or ISO, as ISO-8601. */
export function isoFromOData(v: unknown): string | null {
  if (typeof v !== 'string' || !v) return null;
  const m = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(v);
  if (m) return new Date(Number(m[1])).toISOString();
  const t = Date.parse(v);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** The `$filter` literal for an Edm.DateTimeOffset (OData v2 URI conventions). */
export function dateTimeOffsetLiteral(d: Date): string {
  return `datetimeoffset'${d.toISOString().replace(/\.\d{3}Z$/, 'Z')}'`;
}

/** An Int64 key as the OData v2 URI literal (`123L`); ids are checked to be digits first. */
export function int64Key(id: string, what: string): string {
  if (!/^[0-9]{1,19}$/.test(id)) throw new AtsgateError('PLATFORM.INPUT_INVALID', `No SuccessFactors ${what} ${id}.`, { status: 404 });
  return `${id}L`;
}
