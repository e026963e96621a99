/**
 * UKG Pro Recruiting: what the connector is, how a customer connects it and what it can do.
 * The tool id is Kombo's slug for UKG Pro (`ukgpro`, in Kombo's tools list and its passthrough
 * `ukgpro/recruting`), so integration ids and passthrough calls read as they do on Kombo.
 * Facts, sources and open questions: ./README.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

/** The identity server most tenants sign in at (Knit's and Nango's setup guides name it first). */
export const DEFAULT_IDENTITY_HOST = 'signin.ultipro.com';

/** The API path under the Recruiting host (developer.ukg.com, every Recruiting operation). */
export const API_PATH = '/talent/recruiting/v2/{tenant_alias}/api';

/**
 * Scopes, as UKG's reference pages name them ("your access token must contain one of the
 * following scopes"). A broader scope grants the narrower ones: Retrieve Applications lists
 * `recruiting.domain`, `recruiting.domain.applications` and `recruiting.domain.applications.read`.
 */
export const SCOPES = {
  opportunitiesRead: 'recruiting.domain.opportunities.read',
  candidatesRead: 'recruiting.domain.candidates.read',
  candidatesWrite: 'recruiting.domain.candidates.write',
  applicationsRead: 'recruiting.domain.applications.read',
  applicationsWrite: 'recruiting.domain.applications.write',
} as const;

/** Document upload limits (developer.ukg.com uploadapplicationdocument). */
export const DOCUMENT_MAX_BYTES = 6 * 1024 * 1024;
export const DOCUMENT_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.pdf', '.doc', '.docx'] as const;
/** Comments: "Cannot be empty or contain only whitespace. Maximum of 4000 characters." */
export const COMMENT_MAX_CHARS = 4000;

/**
 * UKG's own domains: Recruiting and identity hosts seen in UKG's and integrators' material
 * (service2.ultipro.com, service3.ultipro.ca, signin.ultipro.com, signin.ukg.net). The hosts
 * come from the connect page, so anything else is refused rather than called: atsgate must not
 * send a client secret, or read error text from, a host an end user picked (a proxy or another
 * UKG domain goes through the operator's base URL override).
 */
export const UKG_HOST = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+(ultipro\.com|ultipro\.ca|ukg\.net|ukg\.com)$/;

export const credentialSchema = Type.Object({
  /** The Recruiting API host: service2.ultipro.com, service3.ultipro.ca… */
  hostname: Type.String({ minLength: 1 }),
  /** The tenant alias: the first path segment of the Recruiting URL (USG1008IT124S). */
  tenant_alias: Type.String({ minLength: 1 }),
  client_id: Type.String({ minLength: 1 }),
  client_secret: Type.String({ minLength: 1 }),
  /** The identity server that issues tokens for the tenant; signin.ultipro.com when absent. */
  identity_host: Type.Optional(Type.String()),
});

export type UkgCredentials = Static<typeof credentialSchema>;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'ukgpro',
  label: 'UKG Pro Recruiting',
  credentialSchema,
  credentialFields: [
    {
      key: 'hostname',
      label: 'Recruiting API host',
      help:
        'The host of your UKG Pro web services, as in your web service endpoint URLs (in UKG Pro, search for "Web Services"): ' +
        'for https://service2.ultipro.com/services/… enter service2.ultipro.com. UKG support confirms it with the API credentials.',
      secret: false,
    },
    {
      key: 'tenant_alias',
      label: 'Tenant alias',
      help:
        'The part after the first slash of your UKG Pro Recruiting address: "USG1008IT124S" if you sign in at ' +
        'https://recruiting.ultipro.com/USG1008IT124S/Dashboard.',
      secret: false,
    },
    {
      key: 'client_id',
      label: 'Client ID',
      help:
        'UKG issues Recruiting API credentials itself: ask UKG support (or your UKG contact) for a client for the Recruiting API ' +
        `with the scopes ${SCOPES.opportunitiesRead}, ${SCOPES.candidatesRead}, ${SCOPES.candidatesWrite}, ` +
        `${SCOPES.applicationsRead} and ${SCOPES.applicationsWrite}.`,
      secret: false,
    },
    {
      key: 'client_secret',
      label: 'Client secret',
      help: 'The secret UKG support issued with the client ID.',
      secret: true,
    },
    {
      key: 'identity_host',
      label: 'Identity server',
      help: `The UKG identity server for your tenant, given with the credentials (signin.ultipro.com, signin.ukg.net…). Leave empty for ${DEFAULT_IDENTITY_HOST}.`,
      secret: false,
      optional: true,
    },
  ],
  defaultBaseUrl: 'https://{hostname}',
  // UKG's API gateway applies per-client quotas "normally [per] 1 minute" and answers 429 when
  // they are exceeded, without a Retry-After yet ("wait 1 second", API Rate Limiting page); no
  // number is published. 5 at once plus 2 per second (≤ 125 a minute) is a polite guess; a 429
  // is waited out (1 s, or Retry-After when UKG sends one) and retried.
  rateLimit: { requests: 5, perMs: 500 },
  transport: {
    // OAuth 2.0 client credentials from the identity server: ./client.ts mints and caches it.
    auth: { scheme: 'bearer-provider' },
    headers: { accept: 'application/json' },
    baseUrl: {
      path: API_PATH,
      placeholders: {
        hostname: {
          lowercase: true,
          pattern: UKG_HOST,
          invalid:
            'no valid Recruiting API host (a UKG host name such as service2.ultipro.com, on ultipro.com, ultipro.ca, ukg.net or ukg.com, without https:// or a path)',
        },
        tenant_alias: { pattern: /^[A-Za-z0-9_-]+$/, invalid: 'no valid tenant alias (letters and digits, such as USG1008IT124S)' },
      },
    },
    // UKG publishes no error body for Recruiting; these cover the plausible shapes: a message,
    // an errors list, and the token endpoint's OAuth error. README, open questions.
    errors: {
      message: ['message', 'error_description', 'error.message', 'title', 'detail', 'error'],
      list: { path: 'errors', text: ['message', 'detail', 'description'] },
    },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'note',
      summary:
        'A comment on the candidate or the application (label, URL and attributes). UKG Pro Recruiting has native candidate ' +
        'assessments, but they are a partner integration (scope recruiting.domain.candidates.assessment.create, packages set up by ' +
        'UKG, body documented only in the UKG Community), so atsgate does not write them.',
    },
    attachments: {
      candidate: true,
      types: { CV: 'Resume', COVER_LETTER: 'Cover Letter', OTHER: 'Other' },
      maxBytes: DOCUMENT_MAX_BYTES,
      upload: 'multipart',
    },
    applicationWrites: { notes: 'application', attachments: 'application' },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    deltaSync: true,
    tags: {
      candidate: 'unsupported',
      list: 'candidates',
      unavailable:
        "UKG Pro Recruiting's public API reference (developer.ukg.com/hcm) documents no operation that adds or removes a tag on a candidate, so atsgate makes no call.",
      summary:
        'Not written (INTEGRATION.ACTION_NOT_AVAILABLE): no tag operation in UKG’s public reference; GET /ats/tags lists the tags on synced candidates.',
    },
    applicationStatus: {
      stageMove: false,
      reject: false,
      rejectionReasons: false,
      unavailable:
        "UKG Pro Recruiting moves and rejects applications with disposition events (POST /applications/{id}/disposition-events, developer.ukg.com/hcm/reference/dispositionapplicationbyid), but the request body is not published outside UKG's portal and Community, and no public operation lists an opportunity's recruiting process steps or the disposition reasons, so atsgate makes no call rather than guess.",
      summary:
        'Not available (INTEGRATION.ACTION_NOT_AVAILABLE): UKG’s disposition-events operation exists, but its body, the process steps and the disposition reasons are not publicly documented.',
    },
    users: {
      read: false,
      summary:
        "Not read: UKG's public Recruiting API reference names no operation listing recruiters or users (checked 2026-12-05); GET /v1/ats/users is empty.",
    },
  },
  docs: [
    'https://developer.ukg.com/hcm/docs/onboarding-and-recruiting-authorization-and-permissions',
    'https://developer.ukg.com/hcm/docs/api-rate-limiting',
    'https://developer.ukg.com/hcm/reference/retrieveopportunities',
    'https://developer.ukg.com/hcm/reference/retrieveapplications',
    'https://developer.ukg.com/hcm/reference/retrievecandidatebyemail',
    'https://developer.ukg.com/hcm/reference/createcommentbyapplicationid',
    'https://developer.ukg.com/hcm/reference/uploadapplicationdocument',
    'https://developer.ukg.com/hcm/reference/uploaddocumentbycandidateid',
    'https://developer.ukg.com/hcm/reference/createassessmentbyid',
    'https://developer.ukg.com/hcm/reference/updateassessmentbyid',
  ],
  // POST /v1/passthrough/ukgpro/recruting: Kombo's API id for UKG Pro Recruiting, spelled as
  // Kombo spells it; the paths are the Recruiting resources the version history lists.
  passthrough: {
    recruting: {
      description:
        "UKG Pro Recruiting on https://{hostname}/talent/recruiting/v2/{tenant_alias}/api, with an OAuth token minted from the integration's client.",
      docs: [
        'https://developer.ukg.com/hcm/reference/retrieveapplications',
        'https://developer.ukg.com/general/changelog/pro-2024r1-apis-are-now-available',
      ],
      paths: [
        '/applications',
        '/applications-disposition-events',
        '/candidates',
        '/candidates-lookup',
        '/opportunities',
        '/offers',
        '/applicant-sources',
        '/disposition-reasons',
        '/recruiting-processes',
        '/physical-locations',
        '/locations',
        '/org-units',
      ],
    },
  },
};
