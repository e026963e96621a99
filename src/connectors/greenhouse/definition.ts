/**
 * Greenhouse Recruiting through the Harvest v3 API. v1/v2 (API key as Basic user) were retired
 * on 2026-08-31, so this connector speaks only v3: OAuth 2.0 client credentials minted from the
 * customer's "Harvest V3 (OAuth)" credential, then Bearer tokens. See README.md for sources.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

export const credentialSchema = Type.Object({
  client_id: Type.String({ minLength: 1 }),
  client_secret: Type.String({ minLength: 1 }),
  /**
   * Site Admin whose token (JWT `sub`) makes every read: Harvest v3 GET/list endpoints return
   * results only to Site Admins. Blank: `user_id`, else the credential's service account.
   */
  reading_user_id: Type.Optional(Type.String({ pattern: '^[0-9]*$' })),
  /**
   * Default author of notes and uploads (the write token's `sub`); a request's
   * remote_fields.greenhouse.on_behalf_of wins. Blank: the credential's service account.
   * Credentials stored before reading_user_id existed read as this user too.
   */
  user_id: Type.Optional(Type.String({ pattern: '^[0-9]*$' })),
  /**
   * Token endpoint override. Absent: https://auth.greenhouse.io/token for the production API
   * host, else `<origin of the overridden base URL>/token` (regional/proxy hosts, test fakes).
   */
  token_url: Type.Optional(Type.String({ pattern: '^https?://' })),
});

export type GreenhouseCredentials = Static<typeof credentialSchema>;

/** Scopes this connector uses, by operation (Dev Center > API Credentials > Manage Scopes). */
export const SCOPES = {
  jobs: 'harvest:jobs:list',
  stages: 'harvest:job_interview_stages:list',
  candidates: 'harvest:candidates:list',
  applications: 'harvest:applications:list',
  applicationStages: 'harvest:application_stages:list',
  rejectionDetails: 'harvest:rejection_details:list',
  rejectionReasons: 'harvest:rejection_reasons:list',
  users: 'harvest:users:list',
  customFields: 'harvest:custom_fields:list',
  attachmentsList: 'harvest:attachments:list',
  attachmentsCreate: 'harvest:attachments:create',
  notesCreate: 'harvest:notes:create',
  candidatesUpdate: 'harvest:candidates:update',
  applicationsUpdate: 'harvest:applications:update',
  candidateTagsList: 'harvest:candidate_tags:list',
  candidateTagsCreate: 'harvest:candidate_tags:create',
  appliedTagsList: 'harvest:applied_candidate_tags:list',
  appliedTagsCreate: 'harvest:applied_candidate_tags:create',
  appliedTagsDestroy: 'harvest:applied_candidate_tags:destroy',
  applicationsMove: 'harvest:applications:move',
  applicationsReject: 'harvest:applications:reject',
} as const;

export const PRODUCTION_BASE_URL = 'https://harvest.greenhouse.io/v3';
export const PRODUCTION_TOKEN_URL = 'https://auth.greenhouse.io/token';

/** Vendor types for Kombo's attachment types (POST /v3/attachments `type` enum). */
export const ATTACHMENT_TYPES = { CV: 'resume', COVER_LETTER: 'cover_letter', OTHER: 'other' } as const;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'greenhouse',
  label: 'Greenhouse',
  credentialSchema,
  credentialFields: [
    {
      key: 'client_id',
      label: 'Client ID',
      help:
        'In Greenhouse: Configure > Dev Center > API Credentials > Create new API credentials, type "Harvest V3 (OAuth)". ' +
        "Copy the Client ID. Under the credential's Manage Scopes enable: " +
        Object.values(SCOPES).join(', ') +
        '.',
      secret: false,
    },
    {
      key: 'client_secret',
      label: 'Client Secret',
      help: 'Shown once when the Harvest V3 (OAuth) credential is created, next to the Client ID.',
      secret: true,
    },
    {
      key: 'reading_user_id',
      label: 'Reading user ID: a Site Admin (optional)',
      help:
        'Numeric id of a Greenhouse user with the Site Admin level; atsgate reads jobs, candidates, applications, custom fields ' +
        'and attachments as this user, because Harvest v3 returns list results only to Site Admins (any other user gets empty lists). ' +
        'Open the user under Configure > Users; the id is the number after /account/users/ in the address bar. ' +
        "Blank: the note author below, else the credential's service account. Connecting checks that this user is a Site Admin.",
      secret: false,
      optional: true,
    },
    {
      key: 'user_id',
      label: 'Act as user ID (optional)',
      help:
        'Numeric id of the Greenhouse user that notes and uploads are attributed to (any level; a request can name another ' +
        "through remote_fields.greenhouse.on_behalf_of). Found the same way. Blank: the credential's service account.",
      secret: false,
      optional: true,
    },
    {
      key: 'token_url',
      label: 'Token URL (optional)',
      help: 'Only for proxies or test servers; leave blank to use https://auth.greenhouse.io/token.',
      secret: false,
      optional: true,
    },
  ],
  defaultBaseUrl: PRODUCTION_BASE_URL,
  // Harvest v3 counts requests in fixed 30-second windows; the rate-limiting guide's example
  // limit is 75 and the real one is per integration type (X-RateLimit-Limit). We stay a little
  // under 75; client.ts also slows down when X-RateLimit-Remaining says the window is spent.
  // [GH-V3T contract-foundation §A, 0000:20-56; AB-GH §5]
  rateLimit: { requests: 70, perMs: 30_000 },
  transport: {
    // v3 is OAuth client credentials: ./client.ts mints, caches and refreshes the token and hands
    // it to ctx.http() as `token`; the request carries `Authorization: Bearer <token>`.
    auth: { scheme: 'bearer-provider' },
    // docs/api-rate-limiting: X-RateLimit-Limit/-Remaining, X-RateLimit-Reset as an epoch in
    // seconds, in fixed 30-second windows (audit G25, G26). Read only from the Harvest host: the
    // token endpoint counts in a window of its own.
    rateLimit: {
      limit: 'x-ratelimit-limit',
      remaining: 'x-ratelimit-remaining',
      reset: 'x-ratelimit-reset',
      resetUnit: 'epoch-seconds',
      window: 'fixed',
      windowMs: 30_000,
    },
    // Error bodies come in two shapes (Harvest's and OAuth's): harvestErrorMessage in ./client.ts.
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'custom_fields',
      summary:
        'A note on the candidate (label + URL; application-level calls name the application and job); ' +
        'attributes go to existing custom fields named "<prefix> <key>", else into the note.',
    },
    attachments: {
      candidate: true,
      types: { ...ATTACHMENT_TYPES },
      // Greenhouse documents no upload limit for v3; this is atsgate's own cap (base64 grows the
      // JSON body by a third). A vendor refusal (413/422) is REMOTE.INPUT_INVALID. See README.
      maxBytes: 25 * 1024 * 1024,
      upload: 'json_base64',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // v3 notes take an application_id; v3 files belong to an application.
    applicationWrites: { notes: 'application', attachments: 'application' },
    deltaSync: true,
    users: {
      read: true,
      summary:
        'GET /v3/users as the Site Admin reading user: names, primary email, deactivated, Site Admin as the ADMIN role (service accounts left out).',
    },
    tags: {
      candidate: 'native',
      list: 'candidates',
      summary:
        'Native candidate tags: matched by name (case-insensitive) in the tag dictionary, created there when missing, then applied; ' +
        'GET /ats/tags lists the tags on synced candidates (they name tags by text).',
    },
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary:
        'Native: POST /v3/applications/{id}/move and /reject with the reason, the note as `notes` and `rejection_email` passed through; as the acting user (On-Behalf-Of).',
    },
  },
  // POST /v1/passthrough/greenhouse/harvest-v3 (Kombo lists harvest/harvest-v2, retired on
  // 2026-08-31): the Harvest v3 resources this connector's README cites, on its base URL.
  passthrough: {
    'harvest-v3': {
      description:
        "Greenhouse Harvest v3 on https://harvest.greenhouse.io/v3, with an OAuth token minted from the integration's credential.",
      docs: [
        'https://harvestdocs.greenhouse.io/docs/list-endpoints',
        'https://harvestdocs.greenhouse.io/docs/write-endpoint-migration-guide',
      ],
      paths: [
        '/applications',
        '/attachments',
        '/candidates',
        '/custom_fields',
        '/job_interview_stages',
        '/jobs',
        '/notes',
        '/rejection_reasons',
      ],
    },
  },
  docs: [
    'https://harvestdocs.greenhouse.io/docs/authentication',
    'https://harvestdocs.greenhouse.io/docs/pagination',
    'https://harvestdocs.greenhouse.io/docs/list-endpoints',
    'https://harvestdocs.greenhouse.io/docs/write-endpoint-migration-guide',
    'https://harvestdocs.greenhouse.io/reference/post_v3-attachments',
    'https://harvestdocs.greenhouse.io/reference/get_v3-attachments',
    'https://harvestdocs.greenhouse.io/docs/api-rate-limiting',
  ],
};
