/**
 * A connector's transport as data: how its vendor authenticates, which headers every call
 * carries, how the base URL is made from the credentials, which headers report the rate limit and
 * where an error body keeps its message. One reader (transportClientOptions) turns it into the
 * shared HttpClient's options, so a connector's client.ts keeps only what is truly its own (an
 * OAuth token mint, an RPC envelope). The idea follows Nango's provider registry, where a
 * provider is a block of YAML, not code.
 *
 * `K` is the credential schema's keys: a transport can only name fields the credentials have.
 */
import { AtsgateError } from '../errors.ts';
import { resetDelayMs, type RateLimitHeaderSpec } from './rate-limit-headers.ts';
import type { HttpClientOptions } from './client.ts';

export type { RateLimitHeaderSpec } from './rate-limit-headers.ts';

/**
 * How requests prove who they are. Templates name credential fields in braces, with an optional
 * default after a bar: `Token token={api_key}`, `{api_version|20240904}`.
 */
export type TransportAuth<K extends string = string> =
  /**
   * RFC 7617 Basic: base64("<username>:<password>"); no password field means an empty password,
   * or `fixedPassword` where the vendor wants a constant (BambooHR: the API key and "x").
   */
  | { scheme: 'basic'; username: K; password?: K; fixedPassword?: string }
  /** `Authorization: Bearer <credential>`. */
  | { scheme: 'bearer'; token: K }
  /**
   * `Authorization: Bearer <token>` where the connector supplies the token (OAuth: minted, cached
   * and refreshed by the connector); it passes `token` to ctx.http(). `prefix` replaces "Bearer"
   * for vendors with their own scheme word (Zoho: `Zoho-oauthtoken <token>`).
   */
  | { scheme: 'bearer-provider'; prefix?: string }
  /** Any header from a template: `X-SmartToken: {api_key}`, `Authorization: Token token={api_key}`. */
  | { scheme: 'header'; header: string; template: string }
  /**
   * `<header>: <token>` where the connector supplies the token (a session it logs in for:
   * Bullhorn's `BhRestToken`); it passes `token` to ctx.http(). The header is a credential header.
   */
  | { scheme: 'header-provider'; header: string }
  /**
   * No auth header: the credentials travel inside every request body, which the connector builds
   * (Workday's SOAP web services: a WS-Security UsernameToken in the envelope header).
   */
  | { scheme: 'in-body' };

/** How a value from the credentials is cleaned and checked before it goes into the base URL. */
export interface UrlPlaceholder {
  lowercase?: boolean;
  /** Cut when pasted with it: ".workable.com" from "acme.workable.com". */
  stripSuffix?: string;
  /** What the cleaned value must look like. */
  pattern?: RegExp;
  /** Ends "The <tool> integration has <this>." when the value is missing or fails `pattern`. */
  invalid: string;
}

export interface TransportBaseUrl<K extends string = string> {
  /**
   * The production URL picked by a credential (Teamtailor's data regions). Applies only while
   * the integration keeps the definition's default base URL; an explicit override always wins.
   */
  byCredential?: { credential: K; urls: Readonly<Record<string, string>>; fallback: string };
  /** Appended to every base URL, overrides included: Recruitee's `/c/{company_id}`. */
  path?: string;
  /**
   * `{field}` placeholders in the base URL (the definition's default, e.g. Workable's
   * `https://{subdomain}.workable.com/spi/v3`, or an override) are filled from these credentials.
   */
  placeholders?: Partial<Record<K, UrlPlaceholder>>;
}

/**
 * Where a vendor's error body keeps its human message. Dot paths (`errorInfo.message`); the first
 * that holds a non-empty string wins.
 */
export interface ErrorBodyShape {
  /** A response header that carries the message (BambooHR's `X-BambooHR-Error-Message`); it wins over the body. */
  header?: string;
  message?: string[];
  /** The vendor's error code: shown as "message (code)", or alone when there is no message. */
  code?: string[];
  /** A list of errors (an array, or a single object): each entry's text, with "(pointer)" after it. */
  list?: { path: string; text: string[]; pointer?: string };
  /** An object of field → message(s): "field message, message". */
  fields?: string;
  /**
   * `details-else-message`: the list (or fields) when there is one, else the message.
   * `message-and-details`: "message: details". Default: `details-else-message`.
   */
  combine?: 'details-else-message' | 'message-and-details';
}

export interface Transport<K extends string = string> {
  auth: TransportAuth<K>;
  /** Sent on every request (templates allowed): Accept, X-Api-Version. */
  headers?: Readonly<Record<string, string>>;
  baseUrl?: TransportBaseUrl<K>;
  rateLimit?: RateLimitHeaderSpec;
  errors?: ErrorBodyShape;
}

/** What ctx.http() takes from a connector on top of its transport. */
export interface TransportRequestOptions {
  /** The OAuth token for `bearer-provider` auth. */
  token?: () => Promise<string> | string;
  /**
   * false: a client that is not the vendor's API (pre-signed storage URLs, a token endpoint
   * the connector authenticates itself): no transport auth, headers, base-URL template,
   * error shape or rate-limit headers.
   */
  transport?: false;
}

/**
 * The shared client's options for one integration, from its transport. What the connector
 * passes to ctx.http() wins over them (src/connectors/helpers/vendor-http.ts): an explicit
 * baseUrl is used as it is, an explicit errorMessage replaces the declared shape, explicit
 * headers are added after the transport's.
 */
export function transportClientOptions(
  transport: Transport | undefined,
  input: {
    label: string;
    credentials: Record<string, unknown>;
    baseUrl: string;
    defaultBaseUrl: string;
    token?: TransportRequestOptions['token'];
  },
): Pick<HttpClientOptions, 'baseUrl' | 'headers' | 'credentialHeaders' | 'errorMessage' | 'rateLimitHeaders'> {
  if (!transport) return { baseUrl: input.baseUrl };
  const { credentials } = input;
  const auth = transport.auth;
  const staticHeaders = Object.entries(transport.headers ?? {}).map(([k, v]) => [k, fill(v, credentials, input.label)] as const);
  const credentialHeader = auth.scheme === 'header' || auth.scheme === 'header-provider' ? auth.header : 'authorization';
  const fixedAuth = authValue(auth, credentials, input.label);
  const token = input.token;
  return {
    baseUrl: resolveBaseUrl(transport.baseUrl, input),
    headers: async () => {
      const out: Record<string, string> = Object.fromEntries(staticHeaders);
      if (fixedAuth !== undefined) out[credentialHeader] = fixedAuth;
      else if (auth.scheme === 'bearer-provider' && token) out.authorization = `${auth.prefix ?? 'Bearer'} ${await token()}`;
      else if (auth.scheme === 'header-provider' && token) out[credentialHeader] = await token();
      return out;
    },
    credentialHeaders: [credentialHeader.toLowerCase()],
    errorMessage: transport.errors ? (_status, body, headers) => messageFromShape(transport.errors!, body, headers) : undefined,
    rateLimitHeaders: transport.rateLimit,
  };
}

function authValue(auth: TransportAuth, credentials: Record<string, unknown>, label: string): string | undefined {
  switch (auth.scheme) {
    case 'basic': {
      const user = text(credentials[auth.username]);
      const password = auth.password ? text(credentials[auth.password]) : (auth.fixedPassword ?? '');
      return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
    }
    case 'bearer':
      return `Bearer ${text(credentials[auth.token])}`;
    case 'header':
      return fill(auth.template, credentials, label);
    case 'bearer-provider':
    case 'header-provider':
    case 'in-body':
      return undefined;
  }
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** `{field}` or `{field|default}` from the credentials; a field that is absent with no default is a setup error. */
export function fill(
  template: string,
  credentials: Record<string, unknown>,
  label: string,
  encode: (v: string) => string = (v) => v,
): string {
  return template.replace(/\{([A-Za-z0-9_]+)(?:\|([^}]*))?\}/g, (_m, field: string, fallback: string | undefined) => {
    const raw = credentials[field];
    const value = raw === undefined || raw === null || raw === '' ? fallback : String(raw);
    if (value === undefined)
      throw new AtsgateError('INTEGRATION.SETUP_INCOMPLETE', `The ${label} integration has no "${field}" credential.`);
    return encode(value);
  });
}

/**
 * The base URL a connector's client uses for an integration: the override or the definition's
 * default, with the transport's region choice, placeholders and path applied. For code that
 * needs it outside a client (a host allow-list, a test).
 */
export function transportBaseUrl(
  def: { label: string; defaultBaseUrl: string; transport?: Transport },
  ctx: { baseUrl: string; credentials: object },
): string {
  const input = {
    label: def.label,
    credentials: ctx.credentials as Record<string, unknown>,
    baseUrl: ctx.baseUrl,
    defaultBaseUrl: def.defaultBaseUrl,
  };
  return resolveBaseUrl(def.transport?.baseUrl, input);
}

function resolveBaseUrl(
  spec: TransportBaseUrl | undefined,
  input: { label: string; credentials: Record<string, unknown>; baseUrl: string; defaultBaseUrl: string },
): string {
  let url = input.baseUrl || input.defaultBaseUrl;
  if (spec?.byCredential && url === input.defaultBaseUrl) {
    const choice = text(input.credentials[spec.byCredential.credential]);
    url = spec.byCredential.urls[choice] ?? spec.byCredential.fallback;
  }
  url = url.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, field: string) => placeholder(spec, field, input));
  if (spec?.path)
    url = url.replace(/\/+$/, '') + spec.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, field: string) => placeholder(spec, field, input));
  return url;
}

function placeholder(
  spec: TransportBaseUrl | undefined,
  field: string,
  input: { label: string; credentials: Record<string, unknown> },
): string {
  const rule: UrlPlaceholder | undefined = (spec?.placeholders as Record<string, UrlPlaceholder | undefined> | undefined)?.[field];
  let value = text(input.credentials[field]).trim();
  if (rule?.lowercase) value = value.toLowerCase();
  if (rule?.stripSuffix && value.endsWith(rule.stripSuffix)) value = value.slice(0, -rule.stripSuffix.length);
  if (!value || (rule?.pattern && !rule.pattern.test(value))) {
    throw new AtsgateError(
      'INTEGRATION.SETUP_INCOMPLETE',
      `The ${input.label} integration has ${rule?.invalid ?? `no valid "${field}" credential`}.`,
    );
  }
  return encodeURIComponent(value);
}

// ---------------------------------------------------------------------------------------------
// Error bodies
// ---------------------------------------------------------------------------------------------

/** The human message of an error body, read the way `shape` says. */
export function messageFromShape(shape: ErrorBodyShape, body: unknown, headers?: Record<string, string>): string | undefined {
  const fromHeader = shape.header ? headers?.[shape.header.toLowerCase()]?.trim() : undefined;
  if (fromHeader) return fromHeader.slice(0, 500);
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  let message = firstString(body, shape.message);
  const code = firstString(body, shape.code);
  if (code) message = message ? `${message} (${code})` : code;
  const details = [...listEntries(body, shape.list), ...fieldEntries(body, shape.fields)].join('; ');
  const combined =
    (shape.combine ?? 'details-else-message') === 'details-else-message'
      ? details || message
      : [message, details].filter(Boolean).join(': ');
  return combined ? combined.slice(0, 500) : undefined;
}

function at(body: unknown, path: string): unknown {
  let v: unknown = body;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

function firstString(body: unknown, paths: string[] | undefined): string | undefined {
  for (const p of paths ?? []) {
    const v = at(body, p);
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}

function listEntries(body: unknown, list: ErrorBodyShape['list']): string[] {
  if (!list) return [];
  const raw = at(body, list.path);
  const entries = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  return entries
    .map((e) => {
      if (typeof e === 'string') return e;
      const t = firstString(e, list.text);
      const pointer = list.pointer ? at(e, list.pointer) : undefined;
      return t ? t + (typeof pointer === 'string' ? ` (${pointer})` : '') : '';
    })
    .filter(Boolean);
}

function fieldEntries(body: unknown, path: string | undefined): string[] {
  const raw = path ? at(body, path) : undefined;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  return Object.entries(raw).map(([field, msgs]) => `${field} ${Array.isArray(msgs) ? msgs.join(', ') : String(msgs)}`);
}

/** The error-message reader the transport declares, for code that reads an error body itself. */
export function errorReader(
  transport: Transport | undefined,
): (status: number, body: unknown, headers?: Record<string, string>) => string | undefined {
  const shape = transport?.errors;
  return (_status, body, headers) => (shape ? messageFromShape(shape, body, headers) : undefined);
}

/** The reset-header reader a connector used to write by hand, for code that still needs one. */
export function resetReader(transport: Transport | undefined): (headers: Record<string, string>) => number | undefined {
  const spec = transport?.rateLimit;
  return (headers) => (spec?.reset ? resetDelayMs(headers[spec.reset.toLowerCase()], spec.resetUnit) : undefined);
}
