/**
 * Zoho Recruit: what the connector is, how a customer connects it and what it can do. REST v2
 * (JSON) on `https://recruit.zoho.{dc}/recruit/v2`, OAuth 2.0 through Zoho Accounts of the same
 * data centre (refresh-token grant; `Authorization: Zoho-oauthtoken <token>`). Facts, sources and
 * open questions: ./README.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

/**
 * The data centres with a Recruit v2 domain ([ZR-NEW] "Multi DC": .com, .eu, .com.cn, .in, .jp;
 * [ZR-REFRESH] lists the Accounts hosts of the same suffixes plus .com.au). The value is the
 * domain suffix, so that `recruit.zoho.<dc>` and `accounts.zoho.<dc>` are both made from it.
 */
export const DATA_CENTERS = ['com', 'eu', 'in', 'com.au', 'jp', 'com.cn'] as const;

export const credentialSchema = Type.Object({
  client_id: Type.String({ minLength: 1 }),
  client_secret: Type.String({ minLength: 1 }),
  refresh_token: Type.String({ minLength: 1 }),
  /** The domain suffix of the account's data centre: "com" (US), "eu", "in", "com.au", "jp", "com.cn". */
  data_center: Type.String({ minLength: 1 }),
});

export type ZohoCredentials = Static<typeof credentialSchema>;

/**
 * The OAuth scopes the connector needs ([ZR-GET] records, [ZR-ATT] attachments, [ZR-NOTES]
 * notes, [ZR-UPD] updates, [ZR-META] field metadata). checkCredentials names the one Zoho reports
 * missing (OAUTH_SCOPE_MISMATCH).
 */
export const SCOPES = {
  jobs: 'ZohoRecruit.modules.jobopening.READ',
  candidates: 'ZohoRecruit.modules.candidate.ALL',
  applications: 'ZohoRecruit.modules.application.ALL',
  notes: 'ZohoRecruit.modules.notes.ALL',
  attachments: 'ZohoRecruit.modules.attachments.ALL',
  /** Also the tag calls' scope ([ZR-TAGS]: ZohoRECRUIT.settings.all or settings.tags.*). */
  fields: 'ZohoRecruit.settings.ALL',
  /** [ZR-USERS]: ZohoRecruit.users.{ALL|READ}. Without it GET /v1/ats/users stays empty. */
  users: 'ZohoRecruit.users.READ',
} as const;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'zohorecruit',
  label: 'Zoho Recruit',
  credentialSchema,
  credentialFields: [
    {
      key: 'data_center',
      label: 'Data centre',
      help:
        'The domain ending of your Zoho account: "com" if you sign in at recruit.zoho.com (US), otherwise "eu", "in", "com.au", "jp" ' +
        'or "com.cn". The client and refresh token must come from the Zoho Accounts of the same data centre (accounts.zoho.<ending>).',
      secret: false,
    },
    {
      key: 'client_id',
      label: 'Client ID',
      help: 'At https://api-console.zoho.<ending> (Zoho API Console), add a "Self Client" (or a server-based client) and copy its Client ID.',
      secret: false,
    },
    {
      key: 'client_secret',
      label: 'Client secret',
      help: 'The Client Secret shown next to the Client ID in the Zoho API Console.',
      secret: true,
    },
    {
      key: 'refresh_token',
      label: 'Refresh token',
      help:
        `In the Self Client, generate a code with the scopes ${Object.values(SCOPES).join(',')} (comma-separated), then exchange it ` +
        'once at https://accounts.zoho.<ending>/oauth/v2/token (grant_type=authorization_code, client_id, client_secret, code) and ' +
        'copy the refresh_token of the answer. A Zoho user may hold at most 20 refresh tokens; the 21st deletes the oldest.',
      secret: true,
    },
  ],
  // [ZA-AUTH] / [ZA-TOKEN]: the web-app authorization-code flow of Zoho Accounts; offline access
  // with prompt=consent so that Zoho answers a refresh token every time.
  oauth: {
    label: 'Zoho',
    authorizeUrl: 'https://accounts.zoho.{data_center}/oauth/v2/auth',
    tokenUrl: 'https://accounts.zoho.{data_center}/oauth/v2/token',
    scopes: Object.values(SCOPES),
    scopeSeparator: ',',
    authorizeParams: { response_type: 'code', access_type: 'offline', prompt: 'consent' },
    fills: { refresh_token: 'refresh_token' },
    // [ZR-AUTH]: Zoho signs the user in at their own data centre and says which in the redirect;
    // the code is exchanged there, and the API is called there.
    callbackServer: {
      param: 'accounts-server',
      pattern: /^https:\/\/accounts\.zoho\.(com|eu|in|com\.au|jp|com\.cn)$/,
      credential: 'data_center',
      tokenPath: '/oauth/v2/token',
    },
  },
  defaultBaseUrl: 'https://recruit.zoho.{data_center}/recruit/v2',
  // Zoho counts API credits per 24 hours by edition ([ZR-LIMITS]: 5,000 on the free edition up to
  // 1,000,000; a record read costs 1 credit, more for some calls) and protects the service with
  // concurrency limits it does not number. 2 requests per second keeps a sync well inside every
  // edition's hourly share and never runs many calls at once; a 429 is waited out and retried.
  rateLimit: { requests: 2, perMs: 1000 },
  transport: {
    // [ZR-TOKEN]: "send the token in your HTTP authorization header ... with the value
    // Zoho-oauthtoken {access_token}". ./client.ts mints it from the refresh token.
    auth: { scheme: 'bearer-provider', prefix: 'Zoho-oauthtoken' },
    baseUrl: {
      placeholders: {
        data_center: {
          lowercase: true,
          stripSuffix: '/',
          pattern: /^(com|eu|in|com\.au|jp|com\.cn)$/,
          invalid: `no valid data centre (one of ${DATA_CENTERS.join(', ')})`,
        },
      },
    },
    // Errors: `{ code, details, message, status: "error" }` ([ZR-NOTES] error tables, e.g.
    // OAUTH_SCOPE_MISMATCH, NO_PERMISSION, INVALID_DATA); write answers carry one per record in `data`.
    errors: { message: ['message', 'data.0.message'], code: ['code', 'data.0.code'] },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'custom_fields',
      summary:
        'A note on the candidate (label, URL and attributes; Zoho Recruit creates notes on candidates, not applications); each ' +
        'attribute is also written to the field labelled "<prefix> <key>" where one exists (Candidates fields for candidate links, ' +
        'Applications fields for application links; missing fields: note only, with a warning).',
    },
    attachments: {
      candidate: true,
      // [ZR-ATT] / [ZR-UPLOAD-V1]: attachment categories; Resume and Others exist in every account.
      types: { CV: 'Resume', COVER_LETTER: 'Others', OTHER: 'Others' },
      // [ZR-ATT-LIMIT]: 20 MB per record (all its files together); one file can be no larger.
      maxBytes: 20 * 1024 * 1024,
      upload: 'multipart',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // Notes: the create-notes page lists no Applications module (candidate with a warning);
    // files: the Attachments API lists Applications as a supported module.
    applicationWrites: { notes: 'candidate', attachments: 'application' },
    // `If-Modified-Since` on record lists (README "Delta").
    deltaSync: true,
    users: {
      read: true,
      summary:
        'Read from GET /users?type=AllUsers (active and inactive; profile and role as system roles). A token without the ' +
        'ZohoRecruit.users.READ scope reads none.',
    },
    tags: {
      candidate: 'native',
      list: 'native',
      summary:
        "Zoho Recruit's candidate tags (actions/add_tags, actions/remove_tags), matched to the account's tag list without regard to " +
        "case; GET /ats/tags lists the account's candidate tags (GET /settings/tags?module=Candidates).",
    },
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary:
        "A move or rejection is Zoho's Change Status for the candidate with respect to the job opening (PUT /Candidates/status); stages are the account's candidate statuses, rejection reasons its rejecting statuses (Rejected, Junk, Not qualified, …), the note the change's comment.",
    },
  },
  // POST /v1/passthrough/zohorecruit/v2: the modules this connector's README cites.
  passthrough: {
    v2: {
      description: "Zoho Recruit's REST API v2 on https://recruit.zoho.{dc}/recruit/v2, with the integration's OAuth token.",
      docs: [
        'https://www.zoho.com/recruit/developer-guide/apiv2/get-records.html',
        'https://www.zoho.com/recruit/developer-guide/apiv2/update-records.html',
        'https://www.zoho.com/recruit/developer-guide/apiv2/get-attachments.html',
        'https://www.zoho.com/recruit/developer-guide/apiv2/get-notes.html',
        'https://www.zoho.com/recruit/developer-guide/apiv2/module-meta.html',
      ],
      paths: ['/Applications', '/Candidates', '/JobOpenings', '/Notes', '/settings/fields'],
    },
  },
  docs: [
    'https://www.zoho.com/recruit/developer-guide/apiv2/whats-new.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/access-refresh.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/refresh.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/get-records.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/update-records.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/get-attachments.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/get-notes.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/create-notes.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/module-meta.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/limits.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/add-tags.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/get-tag-list.html',
    'https://www.zoho.com/recruit/developer-guide/apiv2/get-users.html',
  ],
};
