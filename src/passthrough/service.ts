/**
 * POST /v1/passthrough/:tool/:api: a call to the ATS's own API with the integration's
 * credentials, through the connector's shared client (rate limiter, retries, redirects that keep
 * credentials on their origin, interaction log with redaction). What the caller may send is
 * narrowed first: only the APIs and path prefixes the connector's definition names
 * (./target.ts), never a header that carries or replaces credentials. The vendor's answer,
 * whatever its status, is handed back in Kombo's shape `{url, status, headers, data}`.
 */
import type { Runtime } from '../runtime.ts';
import { contextFor } from '../runtime.ts';
import type { IntegrationWithSecrets } from '../store/integrations.ts';
import { openLog, completeLog, CallJournal } from '../store/logs.ts';
import { AtsgateError, inputInvalid } from '../errors.ts';
import { redactUrl } from '../logs/redact.ts';
import type { HttpMethod, HttpRequest } from '../http/client.ts';
import type { AnyConnector, PassthroughApi } from '../connectors/types.ts';
import { passthroughUrl } from './target.ts';
import { assertEnabled } from '../integrations/enabled.ts';

/** Kombo's request body (PostPassthroughToolApiRequestBody). */
export interface PassthroughBody {
  method: HttpMethod;
  path: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  data?: unknown;
  response_as_base64?: boolean;
  multipart_form_data?: unknown[];
  api_options?: Record<string, string>;
}

export interface PassthroughResult {
  data: { url: string; status: number; headers: Record<string, string | string[]>; data?: unknown };
  warnings: string[];
}

/**
 * Headers a caller may never set: credentials (and what would replace them), the host, and
 * what the client computes itself. The connector's own credential header is added per tool.
 */
const NEVER_FORWARDED = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-integration-id',
]);
/** Response headers that would hand the vendor's session to the caller. */
const NEVER_RETURNED = new Set(['set-cookie', 'set-cookie2', 'www-authenticate', 'proxy-authenticate']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
// eslint-disable-next-line no-control-regex
const BAD_HEADER_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** The API a tool's passthrough reaches, or why there is none. */
export function passthroughApi(connector: AnyConnector, tool: string, api: string): PassthroughApi {
  const def = connector.definition;
  if (tool !== def.id) {
    throw inputInvalid(
      `The integration is a ${def.label} integration ("${def.id}"), not "${tool.slice(0, 50)}": call /v1/passthrough/${def.id}/<api>.`,
    );
  }
  const apis = def.passthrough ?? {};
  const names = Object.keys(apis);
  if (names.length === 0)
    throw inputInvalid(
      `${def.label} integrations have no passthrough API${def.id === 'sandbox' ? ': the sandbox ATS lives in atsgate itself and has no vendor API to call' : ''}.`,
    );
  const chosen = Object.hasOwn(apis, api) ? apis[api] : undefined;
  if (!chosen) throw inputInvalid(`"${api.slice(0, 50)}" is not a passthrough API of ${def.label}; available: ${names.join(', ')}.`);
  return chosen;
}

export async function passthrough(
  rt: Runtime,
  it: { accountId: string; integration: IntegrationWithSecrets; method: string; path: string; onLogOpened?: (id: string) => void },
  tool: string,
  api: string,
  body: PassthroughBody,
): Promise<PassthroughResult> {
  assertEnabled(it.integration, 'general');
  const journal = new CallJournal();
  const { connector, ctx } = contextFor(rt, it.integration, { recorder: journal });
  const chosen = passthroughApi(connector, tool, api);
  const warnings: string[] = [];
  if (body.multipart_form_data !== undefined)
    throw inputInvalid("multipart_form_data is not supported by atsgate's passthrough; send JSON or a raw string in `data`.");
  if (body.api_options && Object.keys(body.api_options).length)
    warnings.push(`api_options were ignored: ${connector.definition.label}'s passthrough takes none.`);
  const headers = forwardedHeaders(body.headers ?? {}, credentialHeaderOf(connector), warnings);

  const client = (await connector.passthroughClient?.(ctx)) ?? ctx.http({});
  const url = passthroughUrl(client.baseUrl, chosen, body.path, body.params ?? {});

  const logId = await openLog(rt.db.relaxed, {
    accountId: it.accountId,
    integrationId: it.integration.id,
    method: it.method,
    path: it.path,
    action: 'passthrough',
    request: { method: body.method, path: body.path, params: body.params ?? null, headers: Object.keys(headers), data: body.data ?? null },
  });
  it.onLogOpened?.(logId);
  try {
    const req: HttpRequest = { method: body.method, path: url.toString(), headers, returnErrorResponse: true };
    if (body.response_as_base64) req.responseType = 'buffer';
    if (typeof body.data === 'string') {
      req.body = body.data;
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
    } else if (body.data !== undefined && body.data !== null) {
      req.json = body.data;
      const type = Object.entries(headers).find(([h]) => h.toLowerCase() === 'content-type');
      if (type) req.contentType = type[1];
    }
    const res = await client.request(req);
    let data: unknown = res.data;
    if (body.response_as_base64)
      data = Buffer.isBuffer(data)
        ? data.toString('base64')
        : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data ?? '')).toString('base64');
    const out: PassthroughResult = {
      data: { url: redactUrl(url.toString()), status: res.status, headers: returnedHeaders(res.headers), ...(data === '' ? {} : { data }) },
      warnings,
    };
    await completeLog(rt.db.relaxed, logId, { statusCode: 200, calls: journal.calls, warnings });
    return out;
  } catch (err) {
    const e =
      err instanceof AtsgateError
        ? err
        : new AtsgateError('PLATFORM.UNKNOWN_ERROR', 'An unexpected error occurred while calling the ATS.', { cause: err });
    await completeLog(rt.db.relaxed, logId, {
      statusCode: e.status,
      calls: journal.calls,
      warnings,
      error: { code: e.code, message: e.message },
    }).catch(() => undefined);
    throw e;
  }
}

function credentialHeaderOf(connector: AnyConnector): string | null {
  const auth = connector.definition.transport?.auth;
  return auth?.scheme === 'header' || auth?.scheme === 'header-provider' ? auth.header.toLowerCase() : null;
}

function forwardedHeaders(raw: Record<string, string>, credentialHeader: string | null, warnings: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (!HEADER_NAME.test(name)) throw inputInvalid(`headers: "${name.slice(0, 50)}" is not a valid header name.`);
    if (typeof value !== 'string' || BAD_HEADER_VALUE.test(value))
      throw inputInvalid(`headers.${name}: the value must be a string without line breaks or control characters.`);
    const lower = name.toLowerCase();
    if (NEVER_FORWARDED.has(lower) || lower === credentialHeader || lower.startsWith('proxy-')) dropped.push(name);
    else out[name] = value;
  }
  if (dropped.length) warnings.push(`Not forwarded (atsgate sets authentication and connection headers itself): ${dropped.join(', ')}.`);
  return out;
}

function returnedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !NEVER_RETURNED.has(k.toLowerCase())));
}
