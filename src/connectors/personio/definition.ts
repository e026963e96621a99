/**
 * Personio (Recruiting API v2): what the connector is, how a customer connects it and what it
 * can do. Personio's recruiting API reads jobs, candidates and applications; it has no call that
 * adds anything to an existing candidate or application, so every write answers
 * INTEGRATION.ACTION_NOT_AVAILABLE. Facts, sources and open questions: ./README.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

export const PRODUCTION_BASE_URL = 'https://api.personio.de';

/** The scope every recruiting read needs (each v2 recruiting reference page names it). */
export const RECRUITING_SCOPE = 'personio:recruiting:read';

/**
 * What Personio lacks, in one sentence per write, so the error says exactly why. The vendor's
 * recruiting API (personio/api-docs personio-recruiting-api.yaml, v1) only creates new
 * applications and uploads documents for them; the v2 recruiting endpoints are all GETs
 * (changelog "Recruiting API is Generally Available").
 */
export const MISSING = {
  resultLinks:
    "Personio's API cannot add anything to an existing candidate or application: its Recruiting API v2 only reads " +
    'jobs, candidates and applications, and has no notes, comments, links, custom attributes or assessments to write to.',
  tags:
    "Personio's API has no candidate tags: its Recruiting API v2 only reads jobs, candidates and applications, and " +
    '"does not return custom attributes and tags" (developer.personio.de), so a tag can be neither added nor removed.',
  attachments:
    "Personio's API cannot attach a file to an existing candidate: documents can only be uploaded together with a new " +
    'application (v1 POST /v1/recruiting/applications/documents), and the Recruiting API v2 has no document endpoints.',
  listAttachments:
    "Personio's Recruiting API v2 does not return candidates' files (it has no document endpoints for candidates or " +
    'applications), so their attachments cannot be listed.',
  applicationStatus:
    "Personio's API cannot move or reject an existing application: the Recruiting API v2 only reads jobs, candidates and " +
    'applications (no stage change, no rejection, no rejection reasons), and the v1 recruiting API only creates new applications.',
} as const;

export const credentialSchema = Type.Object({
  client_id: Type.String({ minLength: 1 }),
  client_secret: Type.String({ minLength: 1 }),
});

export type PersonioCredentials = Static<typeof credentialSchema>;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'personio',
  label: 'Personio',
  credentialSchema,
  credentialFields: [
    {
      key: 'client_id',
      label: 'Client ID',
      help:
        'In Personio (as an admin): Settings → Integrations → API credentials → "Create custom integration". Give it a ' +
        `name, grant the "Recruiting" read access (scope ${RECRUITING_SCOPE}), create it and copy the Client ID.`,
      secret: false,
    },
    {
      key: 'client_secret',
      label: 'Client secret',
      help: 'Shown once, when the custom integration is created in Personio; copy it then (it cannot be displayed again).',
      secret: true,
    },
  ],
  defaultBaseUrl: PRODUCTION_BASE_URL,
  // Personio publishes no limit for the recruiting endpoints (README, open questions). What it
  // does publish: 150 token requests per minute, and 300 requests per minute with bursts of 15/s
  // on the one personnel endpoint it limits, with "retry after at least 1 second" on a 429. A
  // token bucket of 5 at once plus 1 per 1.1 s allows at most 5 + 54.5 = 59.5 calls in any 10 s
  // and 5 + 272 = 277 in any minute: under both 15/s and 300/min.
  rateLimit: { requests: 5, perMs: 1_100 },
  transport: {
    // OAuth 2.0 client credentials (POST /v2/auth/token): ./client.ts mints and caches the token.
    auth: { scheme: 'bearer-provider' },
    headers: { accept: 'application/json' },
    // v2 ErrorResponse (personio/api-docs common-components-v2.json):
    // { personio_trace_id, timestamp, errors: [{ title, detail, type }] }; the token endpoint
    // answers OAuth 2.0 errors { error, error_description }.
    errors: { list: { path: 'errors', text: ['detail', 'title'] }, message: ['error_description', 'error'] },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'unsupported',
      application: 'unsupported',
      attributes: 'unsupported',
      summary:
        "Not possible: Personio's API has no way to add notes, links or custom attributes to an existing candidate or " +
        'application, so result links answer INTEGRATION.ACTION_NOT_AVAILABLE. Jobs, candidates and applications are read.',
    },
    attachments: {
      candidate: false,
      unavailable: MISSING.attachments,
      types: { CV: 'unsupported', COVER_LETTER: 'unsupported', OTHER: 'unsupported' },
      maxBytes: 0,
      upload: 'none',
    },
    // No notes or files on existing applications either (MISSING).
    applicationWrites: { notes: 'unsupported', attachments: 'unsupported' },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: false },
    deltaSync: true,
    users: {
      read: false,
      summary:
        'Not read: the Personio Recruiting API v2 documents no list of recruiting users (people are in the Personnel API, another product and scope); GET /v1/ats/users is empty.',
    },
    tags: {
      candidate: 'unsupported',
      list: 'none',
      unavailable: MISSING.tags,
      summary: "Not possible: Personio's API has no candidate tags (INTEGRATION.ACTION_NOT_AVAILABLE); GET /ats/tags is empty.",
    },
    applicationStatus: {
      stageMove: false,
      reject: false,
      rejectionReasons: false,
      unavailable: MISSING.applicationStatus,
      summary: '— (read-only: no stage change, rejection or rejection reasons in the API)',
    },
  },
  docs: [
    'https://developer.personio.de/reference/post_v2-auth-token',
    'https://developer.personio.de/v2.0/reference/authentication',
    'https://developer.personio.de/reference/get_v2-recruiting-jobs',
    'https://developer.personio.de/reference/get_v2-recruiting-candidates',
    'https://developer.personio.de/reference/applications',
    'https://developer.personio.de/changelog/recruiting-api-is-generally-available',
    'https://github.com/personio/api-docs (common-components-v2.json, personio-recruiting-api.yaml)',
  ],
};
