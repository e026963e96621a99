/**
 * BambooHR (Applicant Tracking): what the connector is, how a customer connects it and what it
 * can do. Facts, sources and open questions: ./README.md. The vendor's OpenAPI (BambooHR's own
 * SDK repository, specs/public.yaml) is kept in part under test/specs/bamboohr.
 */
import { Type } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

export const credentialSchema = Type.Object({
  /** The subdomain of the account: "acme" for https://acme.bamboohr.com. */
  company_domain: Type.String({ minLength: 1 }),
  api_key: Type.String({ minLength: 1 }),
});

/**
 * Files travel only with a new candidate (POST /api/v1/applicant_tracking/application,
 * multipart `resume` / `coverLetter`); nothing adds a file to an existing application.
 */
export const ATTACHMENTS_UNAVAILABLE =
  "BambooHR's API takes files only when a candidate is created (POST /api/v1/applicant_tracking/application); it has no " +
  'call that adds a file to an existing candidate or application, and creating a second candidate would duplicate the person.';

export const TAGS_UNAVAILABLE =
  "BambooHR's applicant tracking API has no candidate tags: its applicants and applications carry none, and no call " +
  'adds or removes one (documentation.bamboohr.com, applicant tracking reference), so a tag can be neither added nor removed.';

/** Why POST /ats/applications/:id/reject is refused (INTEGRATION.ACTION_NOT_AVAILABLE). */
export const REJECT_UNAVAILABLE =
  "BambooHR has no rejection action and no rejection reasons: a rejection is one of the account's applicant statuses. " +
  'Move the application to that status with PUT /v1/ats/applications/{id}/stage (every job lists the statuses as its stages).';

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'bamboohr',
  label: 'BambooHR',
  credentialSchema,
  credentialFields: [
    {
      key: 'company_domain',
      label: 'Company subdomain',
      help: 'The first part of your BambooHR address: "acme" if you sign in at https://acme.bamboohr.com.',
      secret: false,
    },
    {
      key: 'api_key',
      label: 'API key',
      help:
        'In BambooHR, click your name (top right) → API Keys → Add New Key; the key is shown once. It acts as you, so ' +
        'the user who creates it needs access to Hiring (ATS settings): the applicant tracking API refuses keys of users without it.',
      secret: true,
    },
  ],
  defaultBaseUrl: 'https://{company_domain}.bamboohr.com',
  // BambooHR publishes no number ("requests can be throttled if BambooHR deems them to be too
  // frequent"; README). 5 at once + 2 per second is a polite guess; throttled calls are retried
  // after the Retry-After BambooHR sends with every rate-limited answer.
  rateLimit: { requests: 5, perMs: 500 },
  transport: {
    // HTTP Basic, the API key as user name and "x" as password (BambooHR's PHP SDK README).
    auth: { scheme: 'basic', username: 'api_key', fixedPassword: 'x' },
    headers: { accept: 'application/json' },
    baseUrl: {
      placeholders: {
        company_domain: {
          lowercase: true,
          stripSuffix: '.bamboohr.com',
          pattern: /^[a-z0-9][a-z0-9-]*$/,
          invalid: 'no valid company subdomain (the "acme" of https://acme.bamboohr.com)',
        },
      },
    },
    // Errors: "The error message is returned in the x-bamboohr-error-message response header;
    // the body is empty" (vendor OpenAPI, update-applicant-status 400); bodies otherwise.
    errors: { header: 'x-bamboohr-error-message', message: ['message', 'error.message', 'error'] },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'note',
      summary:
        'A comment on the application (label, URL and attributes); candidate-level links are added to each of the ' +
        "candidate's current applications. BambooHR has no result-link feature or writable applicant custom fields.",
    },
    attachments: {
      candidate: false,
      unavailable: ATTACHMENTS_UNAVAILABLE,
      types: { CV: 'unsupported', COVER_LETTER: 'unsupported', OTHER: 'unsupported' },
      maxBytes: 0,
      upload: 'none',
    },
    // Notes are comments on the application; files cannot be added to an existing one.
    applicationWrites: { notes: 'application', attachments: 'unsupported' },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // The applications list filters only by submission date (`newSince`), not by change, so a
    // delta would miss status changes: every sync reads everything.
    deltaSync: false,
    users: {
      read: false,
      summary:
        "Not read yet: BambooHR lists its users at GET /v1/meta/users, outside the applicant-tracking API atsgate's connector is built on; GET /v1/ats/users is empty.",
    },
    tags: {
      candidate: 'unsupported',
      list: 'none',
      unavailable: TAGS_UNAVAILABLE,
      summary: 'Not possible: BambooHR has no candidate tags (INTEGRATION.ACTION_NOT_AVAILABLE); GET /ats/tags is empty.',
    },
    applicationStatus: {
      stageMove: true,
      reject: false,
      rejectionReasons: false,
      unavailable: REJECT_UNAVAILABLE,
      summary:
        'Stage: the applicant status (POST …/status; every job\'s stages are the account\'s statuses). No reject action: move to a rejection status (e.g. "Not a fit") instead.',
    },
  },
  docs: [
    'https://documentation.bamboohr.com/docs/getting-started',
    'https://documentation.bamboohr.com/docs/api-details',
    'https://documentation.bamboohr.com/docs/planned-changes-to-the-api',
    'https://documentation.bamboohr.com/reference/get-applications',
    'https://documentation.bamboohr.com/reference/get-application-details',
    'https://documentation.bamboohr.com/reference/create-application-comment',
    'https://documentation.bamboohr.com/reference/get-job-summaries',
    'https://github.com/BambooHR/bhr-api-php (specs/public.yaml)',
  ],
};
