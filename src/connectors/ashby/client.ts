/**
 * Ashby's API is RPC over HTTP: every call is `POST /<resource>.<action>` with a JSON body, and
 * most failures come back as HTTP 200 with `{ success: false, errorInfo: { code, message } }`.
 * The shared HttpClient only sees HTTP statuses, so this module turns the success:false shape
 * (and Ashby's 401/403 split between "bad key" and "missing permission") into Kombo errors.
 */
import { AtsgateError, type ErrorCode } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import type { ConnectorContext } from '../types.ts';
import { REQUIRED_PERMISSIONS, type AshbyPermission, type credentialSchema } from './definition.ts';
import type { Static } from '@sinclair/typebox';

export type AshbyCredentials = Static<typeof credentialSchema>;
export type AshbyContext = ConnectorContext<AshbyCredentials>;

/** The endpoints we call, the permission each needs (per its reference page) and whether a retry is safe. */
const ENDPOINTS = {
  'apiKey.info': { permission: 'apiKeysRead', read: true },
  'candidate.list': { permission: 'candidatesRead', read: true },
  'candidate.info': { permission: 'candidatesRead', read: true },
  'application.list': { permission: 'candidatesRead', read: true },
  'application.info': { permission: 'candidatesRead', read: true },
  'file.info': { permission: 'candidatesRead', read: true },
  'job.list': { permission: 'jobsRead', read: true },
  'interviewStage.list': { permission: 'interviewsRead', read: true },
  'customField.list': { permission: 'hiringProcessMetadataRead', read: true },
  'candidate.createNote': { permission: 'candidatesWrite', read: false },
  'customField.setValues': { permission: 'candidatesWrite', read: false },
  'assessment.addCompletedToCandidate': { permission: 'candidatesWrite', read: false },
  'file.createFileUploadHandle': { permission: 'candidatesWrite', read: false },
  'candidate.uploadFile': { permission: 'candidatesWrite', read: false },
  'candidate.uploadResume': { permission: 'candidatesWrite', read: false },
  // Users are optional: a key without organizationRead syncs everything else (src/sync/run.ts).
  'user.list': { permission: 'organizationRead', read: true },
  'candidateTag.list': { permission: 'hiringProcessMetadataRead', read: true },
  'candidateTag.create': { permission: 'hiringProcessMetadataWrite', read: false },
  'candidate.addTag': { permission: 'candidatesWrite', read: false },
  'candidate.removeTag': { permission: 'candidatesWrite', read: false },
  'application.changeStage': { permission: 'candidatesWrite', read: false },
  'archiveReason.list': { permission: 'hiringProcessMetadataRead', read: true },
  'webhook.create': { permission: 'apiKeysWrite', read: false },
  'webhook.delete': { permission: 'apiKeysWrite', read: false },
} as const satisfies Record<string, { permission: AshbyPermission; read: boolean }>;

export type AshbyEndpoint = keyof typeof ENDPOINTS;

export function permissionOf(endpoint: AshbyEndpoint): AshbyPermission {
  return ENDPOINTS[endpoint].permission;
}

/** "candidatesWrite (Candidates: Write)": the API name plus where the admin ticks it. */
export function describePermission(p: AshbyPermission): string {
  const ui =
    p === 'apiKeysRead'
      ? 'API Keys: Read'
      : p === 'apiKeysWrite'
        ? 'API Keys: Write'
        : p === 'organizationRead'
          ? 'Organization: Read, for users'
          : p === 'hiringProcessMetadataWrite'
            ? 'Hiring Process Metadata: Write'
            : REQUIRED_PERMISSIONS[p];
  return `${p} (${ui})`;
}

/** An Ashby-reported failure; `ashbyCode` lets callers react to specific codes (sync_token_expired). */
export class AshbyApiError extends AtsgateError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly ashbyCode: string | null,
    status?: number,
  ) {
    super(code, message, status ? { status } : {});
    this.name = 'AshbyApiError';
  }
}

export interface AshbyOk<T> {
  success: true;
  results: T;
  moreDataAvailable?: boolean;
  nextCursor?: string | null;
  syncToken?: string | null;
}

export interface CallOptions {
  /** Names the record an Ashby `*_not_found` error is about: "candidate 123". */
  notFound?: string;
}

export interface AshbyClient {
  call<T>(endpoint: AshbyEndpoint, body: Record<string, unknown>, opts?: CallOptions): Promise<AshbyOk<T>>;
  /** For presigned storage URLs: no Ashby credentials (storage rejects a second auth mechanism). */
  storage: HttpClient;
}

interface ErrorBody {
  success?: boolean;
  errors?: unknown[];
  errorInfo?: { code?: string; message?: string };
  message?: string;
}

/** The vendor's code and human message, from `errorInfo` or the deprecated `errors[]`. */
export function ashbyError(body: unknown): { code: string | null; message: string | undefined } {
  if (!body || typeof body !== 'object') return { code: null, message: typeof body === 'string' && body ? body.slice(0, 300) : undefined };
  const b = body as ErrorBody;
  const first = Array.isArray(b.errors) && typeof b.errors[0] === 'string' ? (b.errors[0] as string) : undefined;
  const code = b.errorInfo?.code ?? (first && /^[a-z_]+$/.test(first) ? first : null);
  const message = b.errorInfo?.message ?? b.message ?? (first && first !== code ? first : undefined) ?? code ?? undefined;
  return { code, message };
}

const TOOL = 'Ashby';

export function ashbyClient(ctx: AshbyContext): AshbyClient {
  // Auth and the versioned Accept are the definition's transport; the RPC envelope is ours.
  const http = ctx.http({ errorMessage: (_status, body) => ashbyError(body).message });
  // Presigned storage is not Ashby's API: no transport, so no Ashby credentials reach it.
  const storage = ctx.http({ transport: false, errorMessage: (_status, body) => storageMessage(body) });

  async function call<T>(endpoint: AshbyEndpoint, body: Record<string, unknown>, opts: CallOptions = {}): Promise<AshbyOk<T>> {
    const res = await http.request<unknown>({
      method: 'POST',
      path: `/${endpoint}`,
      json: body,
      // Every Ashby call is a POST; list/info calls are reads and safe to repeat after a 5xx.
      idempotent: ENDPOINTS[endpoint].read,
      notFound: opts.notFound,
      // Ashby's codes decide, not the status: its spec declares only HTTP 200 (success:false),
      // and the pagination codes keep "the HTTP status" whatever it is (changelog 2026-08-04).
      accept: [400, 401, 403, 404, 409, 410, 422],
    });
    const { code, message } = ashbyError(res.data);
    const detail = message ? `: ${message}` : '.';
    if (res.status === 401) {
      throw new AshbyApiError('INTEGRATION.AUTHENTICATION_INVALID', `${TOOL} rejected the integration's API key (HTTP 401)${detail}`, code);
    }
    if (res.status === 403) {
      // Ashby answers 403 both for a wrong/deactivated key and for a missing permission;
      // only `missing_endpoint_permission` means the key itself is fine.
      if (code === 'missing_endpoint_permission') {
        throw new AshbyApiError(
          'INTEGRATION.PERMISSION_MISSING',
          `${TOOL} refused ${endpoint}: the API key lacks the ${describePermission(permissionOf(endpoint))} permission${detail}`,
          code,
        );
      }
      throw new AshbyApiError('INTEGRATION.AUTHENTICATION_INVALID', `${TOOL} rejected the integration's API key (HTTP 403)${detail}`, code);
    }
    const data = res.data as (ErrorBody & { success?: boolean }) | null;
    if (res.status >= 400) throw classifyFailure(endpoint, code, detail, opts, res.status);
    if (!data || typeof data !== 'object') {
      throw new AshbyApiError('REMOTE.UNKNOWN_HTTP_ERROR', `${TOOL} answered ${endpoint} with a non-JSON body.`, null);
    }
    if (data.success === false) throw classifyFailure(endpoint, code, detail, opts);
    return data as AshbyOk<T>;
  }

  return { call, storage };
}

/** Reads whose request names one record and nothing else: any `*_not_found` can only be about it. */
const SINGLE_RECORD_READS = new Set<AshbyEndpoint>(['candidate.info', 'application.info', 'file.info']);

/**
 * A `success: false` body (HTTP 200, or a 4xx) → the Kombo error it means. Ashby documents no
 * not-found code for the calls we make (its spec lists `application_not_found` only for
 * application.changeStage), so "the named record is gone" is recognised in every plausible form:
 * `<record>_not_found`; any `*_not_found` on a single-record read; an HTTP 404; or an error whose
 * message names the record's id and says it was not found (e.g. `invalid_input`).
 */
function classifyFailure(endpoint: AshbyEndpoint, code: string | null, detail: string, opts: CallOptions, status = 200): AshbyApiError {
  if (code === 'missing_endpoint_permission') {
    return new AshbyApiError(
      'INTEGRATION.PERMISSION_MISSING',
      `${TOOL} refused ${endpoint}: the API key lacks the ${describePermission(permissionOf(endpoint))} permission${detail}`,
      code,
    );
  }
  if (opts.notFound && namesMissingRecord(endpoint, code, detail, opts.notFound, status)) {
    return new AshbyApiError('PLATFORM.INPUT_INVALID', `${opts.notFound} was not found in ${TOOL}${detail}`, code, 404);
  }
  if (code === 'rate_limit_exceeded' || code === 'concurrent_limit_exceeded') {
    return new AshbyApiError('REMOTE.RATE_LIMIT_EXCEEDED', `${TOOL}'s rate limit was exceeded${detail}`, code);
  }
  const http = status >= 400 ? ` (HTTP ${status})` : '';
  return new AshbyApiError('REMOTE.INPUT_INVALID', `${TOOL} rejected ${endpoint}${http}${detail}`, code);
}

/** `notFound` is "<record> <id>". Only that record counts: `partner_not_found` on an assessment is not "candidate X not found". */
function namesMissingRecord(endpoint: AshbyEndpoint, code: string | null, detail: string, notFound: string, status: number): boolean {
  const [record, ...rest] = notFound.split(' ');
  const id = rest.join(' ');
  if (code === `${record.toLowerCase()}_not_found`) return true;
  if (code?.endsWith('_not_found') && SINGLE_RECORD_READS.has(endpoint)) return true;
  // A 404 is about the named record unless its code names another one (`partner_not_found`).
  if (status === 404 && (SINGLE_RECORD_READS.has(endpoint) || !code?.endsWith('_not_found'))) return true;
  return !!id && detail.includes(id) && /not\s*found|does\s*n[o']t\s*exist|no such/i.test(detail);
}

/** S3-style XML errors from presigned storage: `<Message>...</Message>`. */
function storageMessage(body: unknown): string | undefined {
  if (typeof body !== 'string') return ashbyError(body).message;
  const m = /<Message>([^<]*)<\/Message>/.exec(body);
  return (m?.[1] ?? body).trim().slice(0, 300) || undefined;
}

// ---------------------------------------------------------------------------------------------
// Credentials check
// ---------------------------------------------------------------------------------------------

/** `candidatesWrite` → `candidates:write`, the spelling apiKey.info uses in `scopes`. */
function scopeOf(p: AshbyPermission): string {
  return p.replace(/(Read|Write)$/, (m) => `:${m.toLowerCase()}`);
}

/**
 * apiKey.info proves the key and lists its scopes, so missing permissions can be named up front.
 * It needs apiKeysRead itself; without it we probe one read endpoint per permission instead
 * (write permissions cannot be probed without writing, so they then surface on first write).
 */
export async function checkCredentials(ctx: AshbyContext): Promise<void> {
  const api = ashbyClient(ctx);
  let scopes: string[] | null = null;
  try {
    const res = await api.call<{ title?: string; scopes?: string[] }>('apiKey.info', {});
    scopes = Array.isArray(res.results?.scopes) ? res.results.scopes : null;
  } catch (err) {
    if (!(err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING')) throw err;
  }
  const required = Object.keys(REQUIRED_PERMISSIONS) as (keyof typeof REQUIRED_PERMISSIONS)[];
  const missing = scopes ? required.filter((p) => !scopes.includes(scopeOf(p)) && !scopes.includes(p)) : await probeReadPermissions(api);
  if (missing.length) {
    throw new AtsgateError(
      'INTEGRATION.PERMISSION_MISSING',
      `The Ashby API key lacks ${missing.map(describePermission).join(', ')}. Grant ${missing.length === 1 ? 'it' : 'them'} in Ashby under Admin → Integrations → API Keys.`,
    );
  }
}

const PROBES: [AshbyEndpoint, AshbyPermission][] = [
  ['candidate.list', 'candidatesRead'],
  ['job.list', 'jobsRead'],
  ['customField.list', 'hiringProcessMetadataRead'],
];

async function probeReadPermissions(api: AshbyClient): Promise<AshbyPermission[]> {
  const missing: AshbyPermission[] = [];
  for (const [endpoint, permission] of PROBES) {
    try {
      await api.call(endpoint, { limit: 1 });
    } catch (err) {
      if (err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING') missing.push(permission);
      else throw err;
    }
  }
  return missing;
}
