/**
 * Bullhorn ATS/CRM (bullhorn.com): what the connector is, how a customer connects it and what
 * it can do. REST API on a per-corporation, per-data-centre `restUrl`, reached through
 * loginInfo → OAuth 2.0 → REST /login (BhRestToken). Facts, sources and open questions: ./README.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';
import { tagsNotWritten } from '../helpers/unavailable-writes.ts';

export const credentialSchema = Type.Object({
  /** Issued by Bullhorn Support with the OAuth API key ("Client ID"). */
  client_id: Type.String({ minLength: 1 }),
  client_secret: Type.String({ minLength: 1 }),
  /** The API user's Bullhorn username: loginInfo finds its data centre, and the headless login uses it. */
  username: Type.String({ minLength: 1 }),
  /** The API user's password, for the headless authorize step (`action=Login`). */
  password: Type.Optional(Type.String()),
  /** A refresh token from a completed authorization-code flow (single use: each refresh issues the next). */
  refresh_token: Type.Optional(Type.String()),
});

export type BullhornCredentials = Static<typeof credentialSchema>;

/** The per-user discovery endpoint lives here; the OAuth and REST hosts come from its answer. */
export const DEFAULT_BASE_URL = 'https://rest.bullhornstaffing.com/rest-services';

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'bullhorn',
  label: 'Bullhorn',
  credentialSchema,
  credentialFields: [
    {
      key: 'client_id',
      label: 'OAuth client ID',
      help:
        'Bullhorn issues REST API keys itself: open a support ticket in the Bullhorn Resource Center asking for a REST API ' +
        'OAuth key (client ID and secret) for an API user. Paste the client ID here.',
      secret: false,
    },
    { key: 'client_secret', label: 'OAuth client secret', help: 'The client secret Bullhorn issued with the client ID.', secret: true },
    {
      key: 'username',
      label: 'API username',
      help:
        'The Bullhorn user the key belongs to (Menu → Tools → Users). Its data centre is found from this name. Sign in to ' +
        'Bullhorn once as this user in a browser and accept the terms of service, or the API login is refused.',
      secret: false,
    },
    {
      key: 'password',
      label: 'API user password',
      help: "The API user's password. atsgate logs in with it whenever a new session is needed (recommended).",
      secret: true,
      optional: true,
    },
    {
      key: 'refresh_token',
      label: 'Refresh token (instead of the password)',
      help:
        'Only if you completed the OAuth authorization-code flow yourself and have no password to give: the refresh token it ' +
        'returned. Bullhorn refresh tokens work once, so atsgate keeps each new one in memory; after a restart it needs a fresh ' +
        'token (or the password).',
      secret: true,
      optional: true,
    },
  ],
  defaultBaseUrl: DEFAULT_BASE_URL,
  // Bullhorn's errors page: 429 "Rate Limited -- Wait 1 second then retry request. Repeat until
  // successful." Limits are per edition/client ID and not published; 5 requests per second per
  // integration stays polite, and a 429 waits at least one second (client.ts).
  rateLimit: { requests: 5, perMs: 1000 },
  transport: {
    // The REST session token as a header ([BH-AUTHZ]: "An HTTP header named BhRestToken"); the
    // connector logs in for it (client.ts). The discovery and OAuth calls use no transport.
    auth: { scheme: 'header-provider', header: 'BhRestToken' },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'custom_fields',
      summary:
        'A Note on the candidate (label, URL and attributes; action "Assessment result", or remote_fields.bullhorn.note_action), ' +
        "tied to the application's JobOrder for application links; each attribute is also written to the Candidate (or " +
        'JobSubmission) customText/customTextBlock field whose label is "<prefix> <key>" (no such field: note only, with a warning).',
    },
    attachments: {
      candidate: true,
      // Bullhorn's `type` is free text ("Specifies the category or purpose of the file").
      types: { CV: 'Resume', COVER_LETTER: 'Cover Letter', OTHER: 'Other' },
      // No documented limit; the file travels base64 in JSON. 10 MB keeps a body near 14 MB.
      maxBytes: 10 * 1024 * 1024,
      upload: 'json_base64',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // A Note takes a person and a JobOrder, not a JobSubmission; files attach to the Candidate.
    applicationWrites: { notes: 'candidate', attachments: 'candidate' },
    // `dateLastModified` in the search (Candidate) and query (JobSubmission) filters.
    deltaSync: true,
    users: {
      read: true,
      summary: 'CorporateUser (query/CorporateUser, not deleted): name, email; enabled → ACTIVE, otherwise INACTIVE.',
    },
    // Bullhorn has no tag entity. The nearest are Tearsheets (shared, named candidate lists with
    // recipients), Specialties and Skills (the corporation's managed vocabularies): none is a
    // free tag a partner may create by name, so tags are not mapped onto them.
    tags: tagsNotWritten(
      'Bullhorn has no candidate tags: its REST API has no tag entity, and the nearest features (Tearsheets, shared named ' +
        "candidate lists; Specialties and Skills, the corporation's managed vocabularies) are not tags a partner may create by " +
        'name, so atsgate makes no call.',
    ),
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary:
        "A JobSubmission's status (POST entity/JobSubmission/{id}): every job lists the corporation's submission statuses " +
        '(settings/jobResponseStatusList) that are not rejections as its stages; the rejection reasons are the statuses that ' +
        'are ("Client Rejected", …). A rejection note becomes a Note about the candidate tied to the JobOrder.',
    },
  },
  // POST /v1/passthrough/bullhorn/default (Kombo's id `bullhorn/default`): the corporation's
  // restUrl from the REST login, with the session's BhRestToken (index.ts passthroughClient).
  passthrough: {
    default: {
      description:
        "Bullhorn's REST API on the corporation's restUrl (https://rest{swimlane}.bullhornstaffing.com/rest-services/{corpToken}), with the integration's REST session.",
      docs: [
        'https://bullhorn.github.io/rest-api-docs/#entity',
        'https://bullhorn.github.io/rest-api-docs/#search',
        'https://bullhorn.github.io/rest-api-docs/#query',
        'https://bullhorn.github.io/rest-api-docs/#meta',
        'https://bullhorn.github.io/rest-api-docs/#file',
      ],
      paths: ['/entity', '/entityFiles', '/file', '/meta', '/query', '/search'],
    },
  },
  docs: [
    'https://bullhorn.github.io/Getting-Started-with-REST',
    'https://bullhorn.github.io/docs/oauth',
    'https://bullhorn.github.io/rest-api-docs/#authorization',
    'https://bullhorn.github.io/rest-api-docs/#login',
    'https://bullhorn.github.io/rest-api-docs/#entity',
    'https://bullhorn.github.io/rest-api-docs/#search',
    'https://bullhorn.github.io/rest-api-docs/#query',
    'https://bullhorn.github.io/rest-api-docs/#meta',
    'https://bullhorn.github.io/rest-api-docs/#file',
    'https://bullhorn.github.io/rest-api-docs/#errors',
    'https://bullhorn.github.io/rest-api-docs/entityref.html#note',
    'https://bullhorn.github.io/rest-api-docs/entityref.html#jobsubmission',
    'https://bullhorn.github.io/rest-api-docs/entityref.html#corporateuser',
    'https://bullhorn.github.io/rest-api-docs/#settings',
  ],
};
