/**
 * The OpenAPI 3.1 document of atsgate, generated from what fastify actually registered: each
 * route's method, path and TypeBox request schemas (`params`, `querystring`, `body`), plus the
 * response schemas of src/api/responses.ts. Nothing is listed by hand that the router doesn't
 * have, so the document can't drift from the server.
 *
 * Routes are collected with fastify's `onRoute` hook (see src/api/routes/docs.ts). Per-route
 * prose (summary, tag, success schema) lives in OPERATIONS below; a route missing there still
 * appears, with its request schemas and the `summary`/`tags`/`description` of its own route
 * schema. A route whose schema says `hide: true` (the docs UI itself) is left out.
 */
import type { RouteAuth } from './types.ts';
import { readFileSync } from 'node:fs';
import { OptionalKind, type TSchema } from '@sinclair/typebox';
import { ERROR_CATALOGUE, GENERAL_CODES, type ErrorCode } from '../errors.ts';
import { AttachmentBody, NoteBody, RejectBody, ResultLinkBody, StageBody, TagBody } from './schemas.ts';
import * as R from './responses.ts';
import { WEBHOOK_EVENTS } from './webhook-schemas.ts';

/** What the onRoute hook records of a route. */
export interface RouteEntry {
  method: string;
  url: string;
  schema?: {
    body?: TSchema;
    querystring?: TSchema;
    params?: TSchema;
    summary?: string;
    description?: string;
    tags?: string[];
    hide?: boolean;
  };
  /** How the route authenticates (src/api/auth.ts); all but `api-key` get `security: []`. */
  auth?: RouteAuth;
}

type Family = 'ats' | 'general';

interface OperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Name of the success schema in COMPONENTS, or a non-JSON body. */
  success: { status?: number; schema?: keyof typeof COMPONENTS; contentType?: string; description?: string };
  /** Which error envelope (and codes) the route answers with; none for public plumbing. */
  errors?: Family;
  /** Takes X-Integration-Id. */
  integration?: boolean;
}

const TAGS = [
  { name: 'Unified ATS API', description: 'Read jobs, candidates and applications; push result links and attachments into the ATS.' },
  { name: 'Connect', description: 'Links to the hosted page where customers connect their ATS.' },
  { name: 'General', description: 'API key check, integrations, syncs and the tools atsgate connects to.' },
  { name: 'Logs', description: 'atsgate extension: every write-back and its calls to the ATS, where error responses link to.' },
  { name: 'Files & assets', description: 'Files atsgate serves itself (signed, expiring links) and tool logos.' },
  { name: 'Health', description: 'Liveness and readiness probes.' },
  { name: 'Docs', description: 'This document.' },
];

/** Schemas named in `components.schemas`; operations refer to them with $ref. */
export const COMPONENTS = {
  JobsResponse: R.JobsResponse,
  CandidatesResponse: R.CandidatesResponse,
  ApplicationsResponse: R.ApplicationsResponse,
  UsersResponse: R.UsersResponse,
  TagsResponse: R.TagsResponse,
  RejectionReasonsResponse: R.RejectionReasonsResponse,
  CandidateAttachmentsResponse: R.CandidateAttachmentsResponse,
  ApplicationAttachmentsResponse: R.ApplicationAttachmentsResponse,
  ActionResponse: R.ActionResponse,
  CheckApiKeyResponse: R.CheckApiKeyResponse,
  IntegrationResponse: R.IntegrationResponse,
  DeleteIntegrationResponse: R.DeleteIntegrationResponse,
  ForceSyncResponse: R.ForceSyncResponse,
  PassthroughResponse: R.PassthroughResponse,
  SetIntegrationEnabledResponse: R.SetIntegrationEnabledResponse,
  CustomFieldsResponse: R.CustomFieldsResponse,
  IntegrationFieldsResponse: R.IntegrationFieldsResponse,
  ToolsResponse: R.ToolsResponse,
  ConnectLinkResponse: R.ConnectLinkResponse,
  ConnectIntegrationResponse: R.ConnectIntegrationResponse,
  LogResponse: R.LogResponse,
  LogsResponse: R.LogsResponse,
  HealthLiveResponse: R.HealthLiveResponse,
  HealthReadyResponse: R.HealthReadyResponse,
  AtsErrorResponse: R.AtsErrorResponse,
  GeneralErrorResponse: R.GeneralErrorResponse,
  ResultLinkBody,
  AttachmentBody,
  NoteBody,
  TagBody,
  StageBody,
  RejectBody,
} satisfies Record<string, TSchema>;

const ATS = 'Unified ATS API';
const listDescription =
  'Served from the last sync, never from the ATS directly. Filters are ANDed; comma-separated lists match any value. Page with `next` as `cursor`.';

/** Keyed by fastify's "METHOD url". */
const OPERATIONS: Record<string, OperationDoc> = {
  'GET /v1/ats/jobs': {
    operationId: 'getJobs',
    summary: 'Get jobs',
    description: listDescription,
    tag: ATS,
    success: { schema: 'JobsResponse' },
    errors: 'ats',
    integration: true,
  },
  'GET /v1/ats/candidates': {
    operationId: 'getCandidates',
    summary: 'Get candidates',
    description: listDescription,
    tag: ATS,
    success: { schema: 'CandidatesResponse' },
    errors: 'ats',
    integration: true,
  },
  'GET /v1/ats/applications': {
    operationId: 'getApplications',
    summary: 'Get applications',
    description: listDescription,
    tag: ATS,
    success: { schema: 'ApplicationsResponse' },
    errors: 'ats',
    integration: true,
  },
  'GET /v1/ats/users': {
    operationId: 'getUsers',
    summary: 'Get users',
    description: `${listDescription} The ATS's users (recruiters, hiring managers, admins) with their system roles; \`emails\` filters by address (case-insensitive). An ATS whose API lists no users gives an empty list (see \`atsgate.users\` of GET /v1/tools/ats).`,
    tag: ATS,
    success: { schema: 'UsersResponse' },
    errors: 'ats',
    integration: true,
  },
  'GET /v1/ats/tags': {
    operationId: 'getTags',
    summary: 'Get tags',
    description: `${listDescription} The ATS's candidate tags; where the ATS has no tag list of its own, the tags seen on its synced candidates (see \`atsgate.tags\` of GET /v1/tools/ats).`,
    tag: ATS,
    success: { schema: 'TagsResponse' },
    errors: 'ats',
    integration: true,
  },
  'POST /v1/ats/candidates/:candidate_id/tags': {
    operationId: 'addCandidateTag',
    summary: 'Add a tag to a candidate',
    description:
      "`tag.name` is matched to the ATS's existing tag (case-insensitively) or the tag is created, then added to the candidate. An ATS without candidate tags answers INTEGRATION.ACTION_NOT_AVAILABLE (see `atsgate.tags` of GET /v1/tools/ats).",
    tag: ATS,
    success: { schema: 'ActionResponse' },
    errors: 'ats',
    integration: true,
  },
  'DELETE /v1/ats/candidates/:candidate_id/tags': {
    operationId: 'removeCandidateTag',
    summary: 'Remove a tag from a candidate',
    description:
      'A DELETE with a JSON body (`{"tag": {"name": …}}`), as in Kombo. Succeeds, with a warning, when the candidate does not have the tag.',
    tag: ATS,
    success: { schema: 'ActionResponse' },
    errors: 'ats',
    integration: true,
  },
  'GET /v1/ats/candidates/:candidate_id/attachments': {
    operationId: 'getCandidateAttachments',
    summary: 'Get candidate attachments',
    description: 'Fetched live from the ATS. `data_url`s served by atsgate are signed and expire; list again for fresh ones.',
    tag: ATS,
    success: { schema: 'CandidateAttachmentsResponse' },
    errors: 'ats',
    integration: true,
  },
  'POST /v1/ats/candidates/:candidate_id/result-links': {
    operationId: 'addCandidateResultLink',
    summary: 'Add a result link to a candidate',
    description:
      'Shows the assessment result in the ATS: natively where the ATS has a place for it, otherwise as custom fields or a note (see `atsgate.result_links` of GET /v1/tools/ats). Attributes become custom fields named "<prefix> <key>" where supported.',
    tag: ATS,
    success: { schema: 'ActionResponse' },
    errors: 'ats',
    integration: true,
  },
  'POST /v1/ats/applications/:application_id/result-links': {
    operationId: 'addApplicationResultLink',
    summary: 'Add a result link to an application',
    description: 'Like the candidate variant, on one application.',
    tag: ATS,
    success: { schema: 'ActionResponse' },
    errors: 'ats',
    integration: true,
  },
  'POST /v1/ats/candidates/:candidate_id/attachments': {
    operationId: 'addCandidateAttachment',
    summary: 'Add an attachment to a candidate',
    description:
      "Give exactly one of `data` (base64, with `content_type`) and `data_url` (downloaded at once). The file size limit is the smaller of atsgate's and the ATS's.",
    tag: ATS,
    success: { schema: 'ActionResponse' },
    errors: 'ats',
    integration: true,
  },
  'POST /v1/ats/applications/:application_id/notes': {
    operationId: 'addApplicationNote',
    summary: 'Add a note to an application',
    description:
      "Plain text. Lands on the application where the ATS has application notes (Greenhouse, Lever, Workable, the sandbox), otherwise on the application's candidate with a warning (see `atsgate.application_writes` of GET /v1/tools/ats).",
    tag: ATS,
    success: { schema: 'ActionResponse' },
    errors: 'ats',
    integration: true,
  },
  'POST /v1/ats/applications/:application_id/attachments': {
    operationId: 'addApplicationAttachment',
    summary: 'Add an attachment to an application',
    description:
      "As for candidates: exactly one of `data` (base64, with `content_type`) and `data_url`, within the same size limits. Where the ATS keeps files on the person, the file goes to the application's candidate and a warning says so, as in Kombo.",
    tag: ATS,
    success: { schema: 'ActionResponse' },
    errors: 'ats',
    integration: true,
  },
  'GET /v1/ats/applications/:application_id/attachments': {
    operationId: 'getApplicationAttachments',
    summary: 'Get application attachments',
    description:
      "Fetched live from the ATS: the application's files, or its candidate's (with a warning) where the ATS keeps files on the person. atsgate-served `data_url`s are signed and expire.",
    tag: ATS,
    success: { schema: 'ApplicationAttachmentsResponse' },
    errors: 'ats',
    integration: true,
  },
  'PUT /v1/ats/applications/:application_id/stage': {
    operationId: 'moveApplicationToStage',
    summary: 'Move an application to a stage',
    description:
      "`stage_id` is a stage of the application's job (the job's `stages` in GET /v1/ats/jobs); a stage of another job is refused. Uses the ATS's own stage move (Greenhouse move, Lever stage, Ashby changeStage, Workable move, Teamtailor stage, Recruitee change_stage, SmartRecruiters status, BambooHR status); a warning says where the ATS could not do exactly that (see `atsgate.application_status` of GET /v1/tools/ats).",
    tag: ATS,
    success: { schema: 'ActionResponse' },
    errors: 'ats',
    integration: true,
  },
  'POST /v1/ats/applications/:application_id/reject': {
    operationId: 'rejectApplication',
    summary: 'Reject an application',
    description:
      '`rejection_reason_id` comes from GET /v1/ats/rejection-reasons. Rejects, archives or disqualifies the application natively; the optional `note` goes with the rejection where the ATS takes one, otherwise it is written as a note and a warning says so.',
    tag: ATS,
    success: { schema: 'ActionResponse' },
    errors: 'ats',
    integration: true,
  },
  'GET /v1/ats/rejection-reasons': {
    operationId: 'getRejectionReasons',
    summary: 'Get rejection reasons',
    description: `${listDescription} The ids are what POST /v1/ats/applications/{application_id}/reject takes.`,
    tag: ATS,
    success: { schema: 'RejectionReasonsResponse' },
    errors: 'ats',
    integration: true,
  },
  'GET /v1/check-api-key': {
    operationId: 'checkApiKey',
    summary: 'Check the API key',
    tag: 'General',
    success: { schema: 'CheckApiKeyResponse' },
    errors: 'general',
  },
  'GET /v1/integrations/:integration_id': {
    operationId: 'getIntegrationDetails',
    summary: 'Get integration details',
    tag: 'General',
    success: { schema: 'IntegrationResponse' },
    errors: 'general',
  },
  'DELETE /v1/integrations/:integration_id': {
    operationId: 'deleteIntegration',
    summary: 'Delete an integration',
    description: 'Deletes the integration, its sealed credentials and all its synced data. The body may be `{}` or empty.',
    tag: 'General',
    success: { schema: 'DeleteIntegrationResponse' },
    errors: 'general',
  },
  'POST /v1/force-sync': {
    operationId: 'triggerSync',
    summary: 'Start a sync',
    description: 'Starts a FULL (default) or DELTA sync of the integration, or joins the one already running.',
    tag: 'General',
    success: { schema: 'ForceSyncResponse' },
    errors: 'general',
    integration: true,
  },
  'POST /v1/passthrough/:tool/:api': {
    operationId: 'sendPassthroughRequest',
    summary: 'Send a passthrough request',
    description:
      "Calls the ATS's own API with the integration's credentials, through atsgate's rate limiter, retries and interaction log. `:tool` is the integration's tool; `:api` and the paths each allows are listed per connector in the README (e.g. `lever/v1`, `greenhouse/harvest-v3`). Paths are relative to the API's base URL; absolute URLs, `..`, encoded separators and paths outside the allowed prefixes are refused. Authentication, Cookie and Host headers are set by atsgate, never forwarded. The ATS's status (a 4xx too) comes back as `data.status`. The sandbox has no passthrough.",
    tag: 'General',
    success: { schema: 'PassthroughResponse' },
    errors: 'general',
    integration: true,
  },
  'PUT /v1/integrations/:integration_id/enabled': {
    operationId: 'setIntegrationEnabled',
    summary: 'Enable or disable an integration',
    description:
      'A disabled integration keeps its credentials and data, and shows status INACTIVE; it takes no writes (INTEGRATION.INACTIVE), passthrough calls or syncs (scheduled or forced; PLATFORM.INPUT_INVALID with HTTP 409 on these general endpoints) until it is enabled again. Disabling cancels a running sync.',
    tag: 'General',
    success: { schema: 'SetIntegrationEnabledResponse' },
    errors: 'general',
  },
  'GET /v1/integrations/:integration_id/custom-fields': {
    operationId: 'getCustomFields',
    summary: 'Get custom fields',
    description:
      'The ATS\'s custom field definitions on candidates and applications, read live, so you can check that the "<prefix> <key>" fields your result links write to exist. Listed for Greenhouse (GET /v3/custom_fields), SmartRecruiters (candidate properties), Workable (enabled custom attributes), Teamtailor (candidate custom fields) and Ashby (customField.list); Recruitee and Lever answer an empty page for now. `integration_field` is the ATS\'s own field (id and name).',
    tag: 'General',
    success: { schema: 'CustomFieldsResponse' },
    errors: 'general',
  },
  'GET /v1/integrations/:integration_id/integration-fields': {
    operationId: 'getIntegrationFields',
    summary: 'Get integration fields',
    description: 'atsgate maps no raw integration fields (no field mapping, no `integration_fields` passthrough): always an empty page.',
    tag: 'General',
    success: { schema: 'IntegrationFieldsResponse' },
    errors: 'general',
  },
  'GET /v1/tools/:category': {
    operationId: 'getTools',
    summary: 'Get tools',
    description: 'The ATSs atsgate connects to and what each supports. Other categories answer an empty list.',
    tag: 'General',
    success: { schema: 'ToolsResponse' },
    errors: 'general',
  },
  'POST /v1/connect/create-link': {
    operationId: 'createConnectionLink',
    summary: 'Create a Connect link',
    description: 'A link to the hosted Connect page where your customer picks their ATS and enters its credentials.',
    tag: 'Connect',
    success: { schema: 'ConnectLinkResponse' },
    errors: 'general',
  },
  'GET /v1/connect/integration-by-token/:token': {
    operationId: 'getIntegrationByToken',
    summary: 'Get the integration of a finished Connect flow',
    description: 'Exchange the activation token the Connect page hands your frontend for the new integration.',
    tag: 'Connect',
    success: { schema: 'ConnectIntegrationResponse' },
    errors: 'general',
  },
  'POST /v1/integrations/:integration_id/relink': {
    operationId: 'createReconnectionLink',
    summary: 'Create a reconnection link',
    description: 'A Connect link that updates the credentials of an existing integration.',
    tag: 'Connect',
    success: { schema: 'ConnectLinkResponse' },
    errors: 'general',
  },
  'GET /v1/logs': {
    operationId: 'getLogs',
    summary: 'List interaction logs',
    tag: 'Logs',
    success: { schema: 'LogsResponse' },
    errors: 'general',
  },
  'GET /v1/logs/:log_id': {
    operationId: 'getLog',
    summary: 'Get an interaction log entry',
    description: 'Where `error.log_url` of an error response points.',
    tag: 'Logs',
    success: { schema: 'LogResponse' },
    errors: 'general',
  },
  'GET /v1/files/:token': {
    operationId: 'downloadFile',
    summary: 'Download a file',
    description:
      'The signed, expiring token in the path is the only credential: these are the `data_url`s of attachments atsgate serves itself.',
    tag: 'Files & assets',
    success: { contentType: '*/*', description: 'The file, with its own content type and a content-disposition naming it.' },
    errors: 'general',
  },
  'GET /v1/assets/tools/:file': {
    operationId: 'getToolLogo',
    summary: 'Get a tool logo',
    description: '`<tool>.svg` or `<tool>-black.svg`.',
    tag: 'Files & assets',
    success: { contentType: 'image/svg+xml', description: 'The logo.' },
    errors: 'general',
  },
  'GET /health/live': { operationId: 'healthLive', summary: 'Liveness', tag: 'Health', success: { schema: 'HealthLiveResponse' } },
  'GET /health/ready': {
    operationId: 'healthReady',
    summary: 'Readiness',
    description: 'Answers 503 with status "unavailable" while the database does not answer.',
    tag: 'Health',
    success: { schema: 'HealthReadyResponse' },
  },
  'GET /v1/openapi.json': {
    operationId: 'getOpenApi',
    summary: 'This OpenAPI document',
    tag: 'Docs',
    success: { contentType: 'application/json', description: 'OpenAPI 3.1.' },
  },
};

/** Error statuses each family can answer, each described by the codes behind it. */
function errorResponses(family: Family, hasBody: boolean): Record<string, unknown> {
  const codes = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).filter((c) => family === 'ats' || GENERAL_CODES.has(c));
  const byStatus = new Map<number, string[]>();
  for (const c of codes) byStatus.set(ERROR_CATALOGUE[c].status, [...(byStatus.get(ERROR_CATALOGUE[c].status) ?? []), c]);
  // Unknown records and routes answer 404 with PLATFORM.INPUT_INVALID; bodies can be too large.
  byStatus.set(404, [...new Set([...(byStatus.get(404) ?? []), 'PLATFORM.INPUT_INVALID (unknown record)'])]);
  if (hasBody) {
    byStatus.set(413, ['PLATFORM.INPUT_INVALID (body too large)']);
    byStatus.set(415, ['PLATFORM.INPUT_INVALID (not JSON)']);
  }
  const ref = { $ref: `#/components/schemas/${family === 'ats' ? 'AtsErrorResponse' : 'GeneralErrorResponse'}` };
  const out: Record<string, unknown> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    out[String(status)] = { description: byStatus.get(status)!.join(', '), content: { 'application/json': { schema: ref } } };
  }
  return out;
}

/** Plain JSON Schema: TypeBox's Kind/Optional markers are symbols, which JSON drops. */
const plain = (s: TSchema): Record<string, any> => JSON.parse(JSON.stringify(s));

function componentRef(s: TSchema): Record<string, any> {
  const name = Object.entries(COMPONENTS).find(([, c]) => c === s)?.[0];
  return name ? { $ref: `#/components/schemas/${name}` } : plain(s);
}

/** `/v1/candidates/:candidate_id/x` → `/v1/candidates/{candidate_id}/x`; `*` → `{wildcard}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{wildcard}');
}

function pathParamNames(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]).concat(url.endsWith('*') ? ['wildcard'] : []);
}

function parameters(route: RouteEntry, doc: OperationDoc | undefined): unknown[] {
  const out: unknown[] = [];
  if (doc?.integration) out.push({ $ref: '#/components/parameters/IntegrationId' });
  const params = route.schema?.params as { properties?: Record<string, TSchema> } | undefined;
  for (const name of pathParamNames(route.url)) {
    const s = params?.properties?.[name];
    out.push({
      name,
      in: 'path',
      required: true,
      schema: s ? plain(s) : { type: 'string' },
      ...(s?.description ? { description: s.description } : {}),
    });
  }
  const query = route.schema?.querystring as { properties?: Record<string, TSchema>; required?: string[] } | undefined;
  for (const [name, s] of Object.entries(query?.properties ?? {})) {
    out.push({
      name,
      in: 'query',
      required: query!.required?.includes(name) ?? false,
      schema: plain(s),
      ...(s.description ? { description: s.description } : {}),
    });
  }
  return out;
}

function operation(route: RouteEntry): Record<string, unknown> {
  const key = `${route.method} ${route.url}`;
  const doc = OPERATIONS[key];
  const body = route.schema?.body;
  const op: Record<string, any> = {
    operationId:
      doc?.operationId ??
      `${route.method.toLowerCase()}${route.url.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: doc?.summary ?? route.schema?.summary ?? key,
    tags: doc ? [doc.tag] : (route.schema?.tags ?? ['Other']),
  };
  const description = doc?.description ?? route.schema?.description;
  if (description) op.description = description;
  const params = parameters(route, doc);
  if (params.length) op.parameters = params;
  if (body) {
    op.requestBody = { required: !(OptionalKind in body), content: { 'application/json': { schema: componentRef(body) } } };
  }
  const success = doc?.success;
  const okContent = success?.schema
    ? { 'application/json': { schema: { $ref: `#/components/schemas/${success.schema}` } } }
    : success?.contentType
      ? {
          [success.contentType]: {
            schema:
              success.contentType === 'application/json'
                ? { type: 'object' }
                : success.contentType.includes('*')
                  ? {}
                  : { type: 'string', contentMediaType: success.contentType },
          },
        }
      : undefined;
  op.responses = {
    [String(success?.status ?? 200)]: {
      description:
        success?.description ?? (success?.schema ? ((COMPONENTS[success.schema] as TSchema).description ?? 'Success.') : 'Success.'),
      ...(okContent ? { content: okContent } : {}),
    },
    ...(doc?.errors ? errorResponses(doc.errors, !!body) : {}),
  };
  // Routes that declare `auth: 'none'` (src/api/auth.ts) take no API key.
  if (route.auth && route.auth !== 'api-key') op.security = [];
  return op;
}

function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Browser pages are not API operations: the dashboard (cookie login), the Connect page and the
 * docs UI.
 * Routes can also opt out with `schema: { hide: true }`.
 */
export const UI_PREFIXES = ['/dashboard', '/docs', '/connect'];

/** Whether a registered route belongs in the document. HEAD twins of GET routes are implicit. */
export function documented(r: RouteEntry): boolean {
  if (r.method === 'HEAD' || r.schema?.hide) return false;
  return !UI_PREFIXES.some((p) => r.url === p || r.url.startsWith(p + '/'));
}

/** The document for these routes. `serverUrl` is where "Try it out" sends requests. */
export function buildOpenApi(routes: readonly RouteEntry[], opts: { serverUrl: string }): Record<string, any> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (!documented(r)) continue;
    (paths[openApiPath(r.url)] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'atsgate API',
      version: packageVersion(),
      description:
        'atsgate is a self-hostable unified ATS API, wire-compatible with Kombo\'s: the official Kombo SDKs work against it. Authenticate with `Authorization: Bearer <api key>`; ATS endpoints act on the integration named by the `X-Integration-Id` header. Errors come as `{ status: "error", error: { code, title, message, log_url } }`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: opts.serverUrl }],
    security: [{ bearerAuth: [] }],
    tags: TAGS,
    paths: sortedPaths,
    // Kombo's webhook events, as Kombo's own OpenAPI documents them (src/api/webhook-schemas.ts).
    webhooks: Object.fromEntries(
      Object.entries(WEBHOOK_EVENTS).map(([type, schema]) => [
        type,
        {
          post: {
            summary: type,
            description: `${schema.description ?? ''} Sent to the account's own receiver (atsgate webhooks set), else to ATSGATE_WEBHOOK_URL; signed with HMAC-SHA256 of the raw body in X-Atsgate-Signature and X-Kombo-Signature.`,
            requestBody: { required: true, content: { 'application/json': { schema: plain(schema) } } },
            responses: { '200': { description: 'Any 2xx acknowledges the event; anything else is retried.' } },
          },
        },
      ]),
    ),
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An atsgate API key (`atsgate keys create`).' } },
      parameters: {
        IntegrationId: {
          name: 'X-Integration-Id',
          in: 'header',
          required: true,
          description: 'The integration to act on, like `greenhouse:8Xi6iZrwusZqJmDGXs49GBmJ`.',
          schema: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
      schemas: Object.fromEntries(Object.entries(COMPONENTS).map(([name, s]) => [name, plain(s)])),
    },
  };
}
