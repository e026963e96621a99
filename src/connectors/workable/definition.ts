/**
 * Workable through its SPI v3 REST API (`https://<subdomain>.workable.com/spi/v3`), with an
 * account API token as Bearer. In Workable a "candidate" belongs to exactly one job, so each
 * Workable candidate is read as one atsgate candidate AND one application with the same remote
 * id (see README.md "Data model"). Sources are listed in `docs` and README.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

export const credentialSchema = Type.Object({
  /** The account's subdomain: `acme` for https://acme.workable.com. */
  subdomain: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 63 }),
  api_token: Type.String({ minLength: 1 }),
  /**
   * Workable member comments are posted as when a call names no
   * `remote_fields.workable.on_behalf_of_user_remote_id`. Blank: the first active admin.
   */
  member_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]*$' })),
});

export type WorkableCredentials = Static<typeof credentialSchema>;

/** Token scopes by use (Settings > Integrations > Apps > "Generate API token"). */
export const SCOPES = {
  /** Jobs, job stages, members and the custom-attribute catalogue (the docs list r_jobs for it). */
  readJobs: 'r_jobs',
  /** Candidates and their files. */
  readCandidates: 'r_candidates',
  /** Comments (with attachments) and custom attribute values. */
  writeCandidates: 'w_candidates',
} as const;

/** `{subdomain}` is filled in from the credentials (client.ts) unless the integration overrides the URL. */
export const PRODUCTION_BASE_URL = 'https://{subdomain}.workable.com/spi/v3';

/**
 * Workable has no typed document upload for an existing candidate: files travel as the single
 * attachment of a comment. These are the labels the comment gives each Kombo type (README).
 */
export const ATTACHMENT_TYPES = {
  CV: 'comment attachment "CV: <name>"',
  COVER_LETTER: 'comment attachment "Cover letter: <name>"',
  OTHER: 'comment attachment "Document: <name>"',
} as const;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'workable',
  label: 'Workable',
  credentialSchema,
  credentialFields: [
    {
      key: 'subdomain',
      label: 'Account subdomain',
      help: 'The part before .workable.com in the address of your Workable account (acme for https://acme.workable.com).',
      secret: false,
    },
    {
      key: 'api_token',
      label: 'API access token',
      help:
        'In Workable (as an admin): Settings > Integrations > Apps > Generate API token. Tick the scopes ' +
        `${SCOPES.readJobs}, ${SCOPES.readCandidates} and ${SCOPES.writeCandidates}; the token is shown once.`,
      secret: true,
    },
    {
      key: 'member_id',
      label: 'Post comments as member ID (optional)',
      help:
        'Id of the Workable member that comments are attributed to when a request does not name one. ' +
        'Blank: the first active admin of the account.',
      secret: false,
      optional: true,
    },
  ],
  defaultBaseUrl: PRODUCTION_BASE_URL,
  // Documented: account tokens get 10 requests per 10-second interval (429 beyond). Counted over
  // 11 s: Workable counts arrivals in its intervals, and a request delayed on the way must not
  // share an interval with the tenth one after it.
  rateLimit: { requests: 10, perMs: 11_000 },
  transport: {
    auth: { scheme: 'bearer', token: 'api_token' },
    baseUrl: {
      // `{subdomain}` in PRODUCTION_BASE_URL; "acme.workable.com" pasted whole is tolerated.
      placeholders: {
        subdomain: {
          lowercase: true,
          stripSuffix: '.workable.com',
          pattern: /^[a-z0-9][a-z0-9-]*$/,
          invalid: 'no valid account subdomain',
        },
      },
    },
    // docs/rate-limits: X-Rate-Limit-Limit/-Remaining/-Reset per 10-second interval; the reset is
    // "Timestamp of next interval" with no unit stated (audit W18), so every plausible unit is read.
    rateLimit: {
      limit: 'x-rate-limit-limit',
      remaining: 'x-rate-limit-remaining',
      reset: 'x-rate-limit-reset',
      resetUnit: 'auto',
      window: 'fixed',
      windowMs: 10_000,
    },
    // `{ "error": "..." }`, validation failures adding `validation_errors` per field; some
    // gateways answer `{ "message": "..." }`.
    errors: { message: ['error', 'message'], fields: 'validation_errors', combine: 'message-and-details' },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'custom_fields',
      summary:
        'A comment on the Workable candidate (one per job, so candidate and application are the same record) with label and URL; ' +
        'attributes go to existing custom attributes labelled "<prefix> <key>", else into the comment.',
    },
    attachments: {
      candidate: true,
      types: { ...ATTACHMENT_TYPES },
      // No API limit is documented. Workable's help centre gives 20 MB per file, and file custom
      // attributes report max_file_size 20971520; a larger body Workable refuses is reported
      // with its message (README "Attachments").
      maxBytes: 20 * 1024 * 1024,
      upload: 'json_base64',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // A Workable candidate is one person on one job: the candidate record is the application.
    applicationWrites: { notes: 'application', attachments: 'application' },
    deltaSync: true,
    users: {
      read: true,
      summary:
        'GET /members?status=all: name (split into first and last), email, active, roles (ats.admin and workable.superadmin → ADMIN).',
    },
    tags: {
      candidate: 'native',
      list: 'candidates',
      summary:
        "Native candidate tags (PUT /candidates/:id/tags with the candidate's other tags kept; matched by name, case-insensitive); " +
        'Workable has no tag list, so GET /ats/tags lists the tags on synced candidates.',
    },
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary:
        'Native: POST /candidates/:id/move (stage slug) and /disqualify with the disqualification reason and `disqualify_note` (≤ 256 characters, else a comment with a warning); as the acting member.',
    },
  },
  // POST /v1/passthrough/workable/v3 (Kombo's id): the SPI v3 resources this connector's README cites.
  passthrough: {
    v3: {
      description: "Workable SPI v3 on https://<subdomain>.workable.com/spi/v3, with the integration's access token.",
      docs: [
        'https://workable.readme.io/reference/jobs',
        'https://workable.readme.io/reference/job-candidates-index',
        'https://workable.readme.io/reference/custom_attributes',
        'https://workable.readme.io/reference/members',
      ],
      paths: ['/candidates', '/custom_attributes', '/jobs', '/members', '/stages'],
    },
  },
  docs: [
    'https://workable.readme.io/docs/whats-new-in-v3',
    'https://workable.readme.io/docs/rate-limits',
    'https://workable.readme.io/reference/jobs',
    'https://workable.readme.io/reference/job-stages',
    'https://workable.readme.io/reference/job-candidates-index',
    'https://workable.readme.io/reference/job-candidates-show',
    'https://workable.readme.io/reference/candidate-files',
    'https://workable.readme.io/docs/comment-on-candidate',
    'https://workable.readme.io/reference/custom_attributes',
    'https://workable.readme.io/reference/candidatesidupdate_custom_attribute_value',
    'https://workable.readme.io/reference/members',
    'https://workable.readme.io/page/assessment-providers',
  ],
};
