/**
 * Teamtailor (public API v1, JSON:API): what the connector is, how a customer connects it and
 * what it can do. Facts, sources and open questions: ./README.md.
 */
import { Type } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

/** Teamtailor runs two stacks; an account lives on one and its key only works there. */
export const REGION_BASE_URLS = {
  eu: 'https://api.teamtailor.com/v1',
  na: 'https://api.na.teamtailor.com/v1',
} as const;

/**
 * Dated API version sent as X-Api-Version (required on every request). Teamtailor's own sources
 * all name 20161108: the docs ("The current version is 20161108", Teamtailor/docs config.rb; the
 * changelog lists no later version, only non-breaking additions), the official gem's README
 * (Teamtailor/teamtailor-rb, 2025) and its 406 fixture ("Current version is: 20161108"). The
 * connector is written against exactly those documented shapes, so that version is pinned. An
 * integration may override it; a 406 is reported with the version Teamtailor names (client.ts).
 */
export const DEFAULT_API_VERSION = '20161108';

export const credentialSchema = Type.Object({
  api_key: Type.String({ minLength: 1 }),
  /** Which Teamtailor stack the account lives on; a key used on the wrong stack gets 401s. */
  region: Type.Optional(Type.Union([Type.Literal('eu'), Type.Literal('na')])),
  api_version: Type.Optional(Type.String({ pattern: '^[0-9]{8}$' })),
  /** Teamtailor user that notes are written as when a call has no remote_fields.teamtailor.user_id. */
  default_user_id: Type.Optional(Type.String({ minLength: 1 })),
});

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'teamtailor',
  label: 'Teamtailor',
  credentialSchema,
  credentialFields: [
    {
      key: 'api_key',
      label: 'API key',
      help:
        'In Teamtailor (as a Company Admin): Settings → Integrations → API keys → New API key. Choose the ' +
        '"Admin" scope and tick both Read and Write (candidates, notes, uploads and custom field values need Admin ' +
        'read/write). The key is shown once.',
      secret: true,
    },
    {
      key: 'region',
      label: 'Data region',
      help:
        '"eu" (api.teamtailor.com, the default) or "na" (api.na.teamtailor.com). The API keys page in Teamtailor ' +
        'shows the base URL for your account; a key used against the wrong region is rejected as invalid.',
      secret: false,
      optional: true,
    },
    {
      key: 'api_version',
      label: 'API version (X-Api-Version)',
      help: `Dated Teamtailor API version, e.g. ${DEFAULT_API_VERSION} (the default). Only change it if Teamtailor support asks you to.`,
      secret: false,
      optional: true,
    },
    {
      key: 'default_user_id',
      label: 'Default note author (user id)',
      help:
        'Teamtailor user id that result notes are written as when a request has no remote_fields.teamtailor.user_id. ' +
        "Find it in Settings → Users (the number in the user's URL). Without it the first admin user is used.",
      secret: false,
      optional: true,
    },
  ],
  defaultBaseUrl: REGION_BASE_URLS.eu,
  // Teamtailor sends X-Rate-Limit-* headers but documents no number (the docs say the values are
  // static: "use common sense"); 50 requests per 10 s is the commonly reported limit. The shared
  // limiter is a sliding window (src/http/rate-limit.ts): at most 5 in any 1.25 s, so at most 40
  // in any 10 s, under that figure with room for a second process's stray calls. A 429 is still
  // honoured (Retry-After, else X-Rate-Limit-Reset seconds).
  rateLimit: { requests: 5, perMs: 1_250 },
  transport: {
    // #authentication: `Authorization: Token token=<key>` plus the required X-Api-Version; JSON:API media type.
    auth: { scheme: 'header', header: 'authorization', template: 'Token token={api_key}' },
    headers: { 'x-api-version': `{api_version|${DEFAULT_API_VERSION}}`, accept: 'application/vnd.api+json' },
    // The region picks the host only while the integration keeps the default base URL, so that an
    // explicit override (a proxy, a test fake) always wins.
    baseUrl: { byCredential: { credential: 'region', urls: REGION_BASE_URLS, fallback: REGION_BASE_URLS.eu } },
    // #rate-limit: X-Rate-Limit-Limit/-Remaining/-Reset, the reset being "the number of seconds
    // left in the current period". The docs add that the values are static (audit T27), so the
    // limit is not learned; a Remaining of 0 still holds until the reset.
    rateLimit: { remaining: 'x-rate-limit-remaining', reset: 'x-rate-limit-reset', resetUnit: 'seconds-until', window: 'fixed' },
    // JSON:API errors `{ errors: [{ title, detail, source: { pointer } }] }` (a single object tolerated).
    errors: { list: { path: 'errors', text: ['detail', 'title'], pointer: 'source.pointer' } },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'custom_fields',
      summary:
        'A note on the candidate with the label, URL and attributes (author: remote_fields.teamtailor.user_id); each ' +
        'attribute is also set on the existing candidate custom field named "<prefix> <key>" (missing fields: note ' +
        'only, with a warning). Notes and custom fields live on the candidate, so application-level links land on ' +
        "the application's candidate. Teamtailor's native Partner Results need a Teamtailor partnership.",
    },
    attachments: {
      candidate: true,
      // Teamtailor uploads have no document type; every file becomes a candidate upload.
      types: { CV: 'upload', COVER_LETTER: 'upload', OTHER: 'upload' },
      // No documented limit (Teamtailor downloads the file from our URL). 20 MB is our ceiling; a
      // file Teamtailor refuses is reported with its message (README "Attachments").
      maxBytes: 20 * 1024 * 1024,
      upload: 'url',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // Notes and uploads relate to the candidate, not to a job application.
    applicationWrites: { notes: 'candidate', attachments: 'candidate' },
    deltaSync: true,
    users: {
      read: true,
      summary:
        'GET /v1/users: name (split into first and last), email, permission role (admin → ADMIN, recruiter → RECRUITER); role no_access is INACTIVE.',
    },
    tags: {
      candidate: 'native',
      list: 'candidates',
      summary:
        "Native candidate tags (the tags attribute, PATCHed with the candidate's other tags kept; matched by name, case-insensitive); " +
        'Teamtailor has no tag list, so GET /ats/tags lists the tags on synced candidates.',
    },
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary:
        "Native: the job application's `stage`; rejecting sets `rejected-at` and the `reject-reason`; the note becomes a candidate note (warning).",
    },
  },
  // POST /v1/passthrough/teamtailor/v1 (Kombo's id): the JSON:API resources this connector's README cites.
  passthrough: {
    v1: {
      description:
        "Teamtailor API v1 on the integration's region (https://api.teamtailor.com/v1 or api.na.teamtailor.com), with its API key and X-Api-Version.",
      docs: [
        'https://docs.teamtailor.com/#candidates',
        'https://docs.teamtailor.com/#job-applications',
        'https://docs.teamtailor.com/#notes',
        'https://docs.teamtailor.com/#custom-field-value',
        'https://docs.teamtailor.com/#uploads',
      ],
      paths: [
        '/candidates',
        '/custom-field-values',
        '/custom-fields',
        '/job-applications',
        '/jobs',
        '/notes',
        '/stages',
        '/uploads',
        '/users',
      ],
    },
  },
  docs: [
    'https://docs.teamtailor.com/',
    'https://documenter.gw.postman.com/view/metadata/TVzSiGxA',
    'https://docs.teamtailor.com/#authentication',
    'https://docs.teamtailor.com/#pagination',
    'https://docs.teamtailor.com/#rate-limit',
    'https://docs.teamtailor.com/#candidates',
    'https://docs.teamtailor.com/#job-applications',
    'https://docs.teamtailor.com/#notes',
    'https://docs.teamtailor.com/#custom-field-value',
    'https://docs.teamtailor.com/#uploads',
    'https://partner.teamtailor.com/',
  ],
};
