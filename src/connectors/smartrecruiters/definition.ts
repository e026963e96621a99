/**
 * SmartRecruiters (Customer API, https://api.smartrecruiters.com) as data: credentials, limits
 * and what a result link or an attachment becomes there. See README.md for the sources.
 */
import { Type } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

export const credentialSchema = Type.Object({
  /** Sent as the `X-SmartToken` header; belongs to an admin user and has that user's access. */
  api_key: Type.String({ minLength: 1 }),
});

/** SmartRecruiters' own attachment types (`attachmentType` form field). */
export const ATTACHMENT_TYPES = { CV: 'RESUME', COVER_LETTER: 'COVER_LETTER', OTHER: 'GENERIC_FILE' } as const;

/**
 * Not documented for `POST /candidates/{id}/attachments`; 10 MB is our conservative pick (see
 * README "Open questions"). A larger file would come back as a vendor 4xx anyway.
 */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/**
 * Per-request timeout. A generated summary of SmartRecruiters' rate-limit page advises client
 * timeouts of at least 128 s (unconfirmed on the vendor page itself); a slow `GET /candidates`
 * page must not be cut at the shared 30 s default and then retried into the one-concurrent
 * limit, so we wait a little longer than that advice.
 */
export const REQUEST_TIMEOUT_MS = 130_000;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'smartrecruiters',
  label: 'SmartRecruiters',
  credentialSchema,
  credentialFields: [
    {
      key: 'api_key',
      label: 'API key (X-SmartToken)',
      help:
        'In SmartRecruiters, as an administrator: Settings / Admin → Apps & Integrations → Credentials → ' +
        'New credential → API key. Copy the generated key (it is shown once).',
      secret: true,
    },
  ],
  defaultBaseUrl: 'https://api.smartrecruiters.com',
  // Documented: 10 requests per second per credential (developers.smartrecruiters.com/docs/rate-limiting).
  // The shared limiter is a sliding window: never more than 9 in any 1.1 s of our send times. The
  // extra 100 ms and the one request of headroom absorb delays between our send time and their
  // arrival (a busy host can bunch two requests admitted 1.1 s apart into one second).
  rateLimit: { requests: 9, perMs: 1_100 },
  transport: {
    // docs/api-key: the key travels in X-SmartToken (a credential header: never sent across origins).
    auth: { scheme: 'header', header: 'X-SmartToken', template: '{api_key}' },
    // docs/rate-limiting: X-RateLimit-Limit/-Remaining (and -Concurrent-*) on every response, no
    // reset header and no Retry-After; the window is one second, so a 429 waits for the next one.
    rateLimit: {
      limit: 'x-ratelimit-limit',
      remaining: 'x-ratelimit-remaining',
      window: 'rolling',
      windowMs: 1000,
      alsoSignals: ['x-ratelimit-concurrent-limit'],
    },
    // `{ message, errors: [{ code, message }] }`: the errors' messages (else codes), else `message`.
    errors: { message: ['message'], list: { path: 'errors', text: ['message', 'code'] } },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'custom_fields',
      summary:
        'A note (Message API share tagged #[CANDIDATE:id]) with the label and URL on the candidate; ' +
        'details.attributes go to existing candidate properties named "<prefix> <key>" on the application(s), ' +
        'any without a matching property go into the note.',
    },
    attachments: {
      candidate: true,
      types: { ...ATTACHMENT_TYPES },
      maxBytes: MAX_ATTACHMENT_BYTES,
      upload: 'multipart',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // Notes (Message API shares) tag the candidate; files are uploaded to the candidate.
    applicationWrites: { notes: 'candidate', attachments: 'candidate' },
    deltaSync: true,
    users: {
      read: true,
      summary:
        'GET /users: first and last name, email, active, system role (an admin role → ADMIN); a credential the Users API refuses reads no users.',
    },
    tags: {
      candidate: 'native',
      list: 'candidates',
      summary:
        'Native candidate tags (POST /candidates/:id/tags adds; one is removed by PUTting the rest; matched by name, ' +
        'case-insensitive); SmartRecruiters has no account tag list, so GET /ats/tags lists the tags on synced candidates.',
    },
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary:
        "Native: the application's hiring status (the stages); rejecting sets REJECTED with the rejection reason; the note becomes a candidate note (warning).",
    },
  },
  // POST /v1/passthrough/smartrecruiters/default (Kombo's id): the Customer API resources this
  // connector's README cites.
  passthrough: {
    default: {
      description: "SmartRecruiters Customer API on https://api.smartrecruiters.com, with the integration's X-SmartToken.",
      docs: [
        'https://developers.smartrecruiters.com/reference/candidatesall-1',
        'https://developers.smartrecruiters.com/reference/jobsall-1',
        'https://developers.smartrecruiters.com/reference/messagessharescreate-1',
      ],
      paths: ['/candidates', '/configuration/candidate-properties', '/jobs', '/messages/shares'],
    },
  },
  docs: [
    'https://developers.smartrecruiters.com/docs/api-key',
    'https://developers.smartrecruiters.com/docs/rate-limiting',
    'https://developers.smartrecruiters.com/reference/candidatesall-1',
    'https://developers.smartrecruiters.com/reference/candidatespropertiesvaluesbatchupdateforjob-1',
    'https://developers.smartrecruiters.com/reference/messagessharescreate-1',
    'https://developers.smartrecruiters.com/reference/candidatesattachmentsadd-1',
    'https://developers.smartrecruiters.com/reference/jobsall-1',
  ],
};
