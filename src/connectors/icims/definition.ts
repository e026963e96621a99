/**
 * iCIMS Talent Cloud (Recruit): what the connector is, how a customer connects it and what it
 * can do. The tool id is Kombo's slug for iCIMS (`icims`, docs.kombo.dev/assessment/connectors/icims).
 * Facts, sources and open questions: ./README.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';
import { statusNotWritten, tagsNotWritten, usersNotRead } from '../helpers/unavailable-writes.ts';

/** iCIMS's two integration hosts (developer.icims.com, "Connecting, Authenticating and Identity"). */
export const API_HOSTS = { us: 'https://api.icims.com', eu: 'https://api-eu.icims.com' } as const;

/**
 * The OAuth 2.0 token endpoint and audience. iCIMS's OAuth page is behind its partner login; every
 * public client we found posts the client-credentials grant here with this audience (README).
 */
export const TOKEN_URL = 'https://login.icims.com/oauth/token';
export const TOKEN_AUDIENCE = 'https://api.icims.com/v1/';

/** Recruiting Workflow `assessmentresults` children and their limits (Recruiting Workflow data model). */
export const ASSESSMENT_NOTES_MAX = 192;
export const ASSESSMENT_RESULT_MAX = 128;

export const credentialSchema = Type.Object({
  /** The numeric customer id in every API path (`/customers/{customerId}/…`). */
  customer_id: Type.String({ minLength: 1 }),
  client_id: Type.String({ minLength: 1 }),
  client_secret: Type.String({ minLength: 1 }),
  /** `us` (api.icims.com, default) or `eu` (api-eu.icims.com). */
  region: Type.Optional(Type.Union([Type.Literal('us'), Type.Literal('eu')])),
  /**
   * Person file fields (FILE type, `field12345`, comma-separated) for files that are not CVs; CVs
   * go to the standard `resume` field. Without them, only CVs can be attached.
   */
  file_fields: Type.Optional(Type.String({ pattern: '^\\s*(field[0-9]+(\\s*,\\s*field[0-9]+)*)?\\s*$' })),
});

export type IcimsCredentials = Static<typeof credentialSchema>;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'icims',
  label: 'iCIMS',
  credentialSchema,
  credentialFields: [
    {
      key: 'customer_id',
      label: 'Customer ID',
      help:
        'Your iCIMS customer number, as in API addresses https://api.icims.com/customers/{customer id}/…; ' +
        'your iCIMS Integration Specialist gives it with the API credentials.',
      secret: false,
    },
    {
      key: 'client_id',
      label: 'OAuth client ID',
      help:
        'iCIMS issues OAuth 2.0 client-credentials for an API user itself: ask your iCIMS Integration Specialist for a client ' +
        'whose API user is in the Integration User group (the Search API needs it) and may read and edit People, Jobs and ' +
        'Recruiting Workflows.',
      secret: false,
    },
    {
      key: 'client_secret',
      label: 'OAuth client secret',
      help: 'The secret iCIMS issued with the client ID.',
      secret: true,
    },
    {
      key: 'region',
      label: 'Data region',
      help: 'Enter "eu" if your iCIMS is hosted in iCIMS\'s EU database (API host api-eu.icims.com); "us" or empty for api.icims.com. Your iCIMS Integration Specialist knows which.',
      secret: false,
      optional: true,
    },
    {
      key: 'file_fields',
      label: 'Person file fields (optional)',
      help:
        'The field IDs (such as field12345, comma-separated) of file fields on the Person profile for assessment reports and ' +
        'other documents; each holds one file, a new file takes the first empty one. Your iCIMS administrator finds them in the ' +
        'Person profile field configuration. CVs always go to the standard Resume field; without these fields only CVs can be attached.',
      secret: false,
      optional: true,
    },
  ],
  defaultBaseUrl: API_HOSTS.us,
  // iCIMS allows 10,000 calls a day per customer by default (third-party guides; iCIMS's FAQ is
  // behind its partner login) and answers 429 beyond it. Bursts are kept polite: 5 at once plus
  // 2 per second; a 429 is waited out (Retry-After or X-RateLimit-Reset when sent) and retried.
  rateLimit: { requests: 5, perMs: 500 },
  transport: {
    // OAuth 2.0 client credentials: ./client.ts mints and caches the token.
    auth: { scheme: 'bearer-provider' },
    headers: { accept: 'application/json' },
    baseUrl: {
      byCredential: { credential: 'region', urls: API_HOSTS, fallback: API_HOSTS.us },
      path: '/customers/{customer_id}',
      placeholders: { customer_id: { pattern: /^[0-9]+$/, invalid: 'no valid customer ID (the number iCIMS gave you, such as 1234)' } },
    },
    // developer.icims.com "Error Handling": `X-Error: <code>:<detail>` headers plus
    // `{ errors: [{ errorMessage, errorCode }] }`; the token endpoint answers OAuth errors.
    errors: {
      header: 'x-error',
      message: ['error_description', 'error'],
      list: { path: 'errors', text: ['errorMessage'] },
    },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'native',
      application: 'native',
      attributes: 'native',
      summary:
        "An entry in the Recruiting Workflow's Assessment Results (assessmentresults: name, result URL, score, notes, date), " +
        "iCIMS's home for assessment results; a candidate-level link goes to the candidate's current Recruiting Workflows.",
    },
    attachments: {
      candidate: true,
      types: { CV: 'resume', COVER_LETTER: 'file field', OTHER: 'file field' },
      // iCIMS rejects request bodies above its documented size (Connecting page); 10 MB keeps clear of it.
      maxBytes: 10 * 1024 * 1024,
      upload: 'multipart',
    },
    applicationWrites: { notes: 'unsupported', attachments: 'candidate' },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    deltaSync: true,
    // Not built, for want of a vendor source (README "Not built"); each says what is missing.
    users: usersNotRead(
      "iCIMS's public REST documentation names no call that lists platform users (a user is a Person profile with a " +
        'login, and neither the Search API filters nor the Person data model documented publicly single them out)',
    ),
    tags: tagsNotWritten(
      'iCIMS has no candidate tags in its public REST documentation (Profiles, Search and List APIs, Person data model), ' +
        'so atsgate makes no call.',
    ),
    applicationStatus: statusNotWritten(
      "iCIMS documents a Recruiting Workflow's status as a list field ({ id, value }) that the Profiles API updates, but no " +
        "public call lists a customer's workflow statuses (they are configured per customer and are not among the List " +
        "API's lists), so atsgate has no stages to offer; a rejection is such a status, and no rejection-reason field on " +
        'the workflow is documented. No call is made.',
    ),
  },
  docs: [
    'https://developer.icims.com/REST-API/Connecting-Authenticating',
    'https://developer.icims.com/icims-platform/error-handling',
    'https://developer.icims.com/REST-API/Object-Types-Commands/Search-API',
    'https://developer.icims.com/REST-API/Object-Types-Commands/Collection-Fields',
    'https://developer.icims.com/REST-API/Object-Types-Commands/Binary-Files',
    'https://developer.icims.com/REST-API/Object-Types-Commands/Field-Types',
    'https://developer-community.icims.com/applications/applicant-tracking/ats-data-models/recruiting-workflow',
  ],
  passthrough: {
    recruit: {
      description:
        "iCIMS's REST API on https://api.icims.com/customers/{customer_id} (api-eu.icims.com in the EU), with an OAuth token minted from the integration's client.",
      docs: ['https://developer.icims.com/REST-API/Object-Types-Commands/Search-API', 'https://developer-community.icims.com/api/231'],
      paths: ['/search', '/people', '/jobs', '/applicantworkflows', '/companies', '/v2/lists'],
    },
  },
};
