/**
 * Recruitee (Tellent Recruitee): what the connector is, how a customer connects it and what it
 * can do. Facts and their sources are in ./README.md.
 */
import { Type } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey, PassthroughApi } from '../types.ts';

export const credentialSchema = Type.Object(
  {
    api_token: Type.String({ minLength: 1, description: 'Personal API token (Bearer).' }),
    // Recruitee accepts the numeric company id or the company subdomain in `/c/{company_id}`.
    company_id: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$', description: 'Company id or subdomain.' }),
  },
  { additionalProperties: false },
);

/** Largest file we hand to Recruitee. Not documented; see README "Open questions". */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Recruitee's Careers Site/ATS API under https://api.recruitee.com/c/{company_id}. */
const RECRUITEE_PASSTHROUGH: PassthroughApi = {
  description: "Recruitee API on https://api.recruitee.com/c/<company_id>, with the integration's API token.",
  docs: ['https://docs.recruitee.com/reference/candidates-get', 'https://docs.recruitee.com/reference/getting-started'],
  paths: ['/attachments', '/candidates', '/custom_fields', '/offers'],
};

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'recruitee',
  label: 'Recruitee',
  credentialSchema,
  credentialFields: [
    {
      key: 'api_token',
      label: 'Personal API token',
      help:
        'In Recruitee go to Settings > Apps and plugins > Personal API tokens and click "+ New token". ' +
        'The token acts with the permissions of the user who creates it, so create it as a user whose hiring role can see and edit candidates.',
      secret: true,
    },
    {
      key: 'company_id',
      label: 'Company ID',
      help: 'Shown on the same Personal API tokens page; it is also the number after "company=" in the address bar of the Recruitee app. The company subdomain works too.',
      secret: false,
    },
  ],
  defaultBaseUrl: 'https://api.recruitee.com',
  // Recruitee publishes no number; this stays well under what its fixed-window limiter has
  // been seen to allow, and 429s are still retried per X-RateLimit-Reset. See README.
  rateLimit: { requests: 100, perMs: 60_000 },
  transport: {
    // getting-started: `Authorization: Bearer <token>`; every path lives under /c/{company_id}.
    auth: { scheme: 'bearer', token: 'api_token' },
    baseUrl: { path: '/c/{company_id}' },
    // Recruitee/plug_limit (its own limiter; its use on api.recruitee.com is an inference, audit
    // R24): a fixed window sending x-ratelimit-limit/-remaining/-reset, the reset as the seconds
    // left; a value that looks like an epoch is read as one (`auto`). The window's length is not
    // published, so x-ratelimit-limit (a count per that unknown window) is not learned: holding
    // at remaining 0 until the reset is exact without it.
    rateLimit: { remaining: 'x-ratelimit-remaining', reset: 'x-ratelimit-reset', resetUnit: 'auto', window: 'fixed' },
    // Error bodies take several shapes (Phoenix changesets among them): recruiteeErrorMessage in
    // ./client.ts flattens them.
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'custom_fields',
      summary:
        'A note on the candidate with the label and URL; each attribute goes to the candidate profile field named "<prefix> <key>" when that field exists, otherwise into the note.',
    },
    attachments: {
      candidate: true,
      types: { CV: 'cv', COVER_LETTER: 'attachment', OTHER: 'attachment' },
      maxBytes: MAX_UPLOAD_BYTES,
      upload: 'multipart',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // Notes and attachments belong to the candidate; placements have neither.
    applicationWrites: { notes: 'candidate', attachments: 'candidate' },
    // GET /candidates has `created_after` but no updated-since filter: every sync is a full read.
    deltaSync: false,
    users: {
      read: false,
      summary:
        "Not read: the vendor documentation atsgate follows (docs.recruitee.com) names no endpoint listing the company's team (third-party tools call GET /c/{company_id}/admins); GET /v1/ats/users is empty.",
    },
    tags: {
      candidate: 'unsupported',
      list: 'candidates',
      unavailable:
        "atsgate does not write Recruitee tags: Recruitee's API reference could not be read, the public clients add a tag in two " +
        'different ways ({tag: name} and {tag: {id}}) and none shows how one is removed. The tags Recruitee has are listed by ' +
        'GET /ats/tags and on candidates.',
      summary:
        'Not written (INTEGRATION.ACTION_NOT_AVAILABLE): no source settles how Recruitee adds or removes a tag; GET /ats/tags lists the tags on synced candidates.',
    },
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary:
        "Native: the placement's change_stage and disqualify with the disqualify reason; the note becomes a candidate note (warning); moving a disqualified placement requalifies it (warning).",
    },
  },
  // POST /v1/passthrough/recruitee/v1 (Kombo's id; Kombo's older "default" names the same API):
  // the resources this connector's README cites, under the company's /c/{company_id}.
  passthrough: {
    v1: RECRUITEE_PASSTHROUGH,
    default: RECRUITEE_PASSTHROUGH,
  },
  docs: [
    'https://docs.recruitee.com/reference/getting-started',
    'https://docs.recruitee.com/reference/candidates-get',
    'https://docs.recruitee.com/reference/candidatesidnotes',
    'https://docs.recruitee.com/reference/custom_fieldscandidatesidfields-post',
    'https://api.recruitee.com/docs/index.html',
    'https://support.recruitee.com/en/articles/8213076-faq-api',
  ],
};
