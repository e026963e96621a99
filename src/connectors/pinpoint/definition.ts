/**
 * Pinpoint (pinpointhq.com): what the connector is, how a customer connects it and what it can
 * do. JSON:API over `https://{subdomain}.pinpointhq.com/api/v1` with an `X-API-KEY` whose
 * permissions are set per area. Facts, sources and open questions: ./README.md.
 */
import { Type } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

/** The JSON:API media type: Pinpoint's documented Accept header, and the type of every body we send. */
export const JSON_API = 'application/vnd.api+json';

export const credentialSchema = Type.Object({
  /** The first label of the account's host: "acme" for https://acme.pinpointhq.com. */
  subdomain: Type.String({ minLength: 1 }),
  api_key: Type.String({ minLength: 1 }),
});

/**
 * The permission areas of a Pinpoint API key this connector needs. Pinpoint sets permissions
 * per data category (help.pinpoint.support "Managing & monitoring your Pinpoint API"); the
 * names are those partner setup guides list (Job, Application, Candidate, Comment). The custom
 * field areas are not named in any source we found, hence the looser wording. checkCredentials
 * names the area a probe was refused.
 */
export const PERMISSION_AREAS = {
  jobs: 'Job (Read)',
  applications: 'Application (Read and Write)',
  candidates: 'Candidate (Read and Write)',
  comments: 'Comment (Write)',
  customFields: 'Custom Field / Custom Attribute (Read and Write), where your key screen lists them',
} as const;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'pinpoint',
  label: 'Pinpoint',
  credentialSchema,
  credentialFields: [
    {
      key: 'subdomain',
      label: 'Pinpoint subdomain',
      help: 'The first part of your Pinpoint address: "acme" if you sign in at https://acme.pinpointhq.com.',
      secret: false,
    },
    {
      key: 'api_key',
      label: 'API key',
      help:
        'In Pinpoint (as an administrator): Settings → API & Webhooks; switch the Pinpoint API on (top right), then API Keys → ' +
        `+ Create new. Set the permissions per area: ${PERMISSION_AREAS.jobs}, ${PERMISSION_AREAS.applications}, ` +
        `${PERMISSION_AREAS.candidates}, ${PERMISSION_AREAS.comments} and, for result-link attributes, ${PERMISSION_AREAS.customFields}. ` +
        'Then copy the key.',
      secret: true,
    },
  ],
  defaultBaseUrl: 'https://{subdomain}.pinpointhq.com/api/v1',
  // Pinpoint documents a 429 ("Rate limit exceeded", docs/errors) but publishes no number and
  // no rate-limit headers. 5 requests per second per integration is a polite budget; a 429 is
  // waited out (Retry-After when sent, else the client's backoff) and retried.
  rateLimit: { requests: 5, perMs: 1000 },
  transport: {
    // docs/authentication: "The API key must be passed with every request as a X-API-KEY header."
    auth: { scheme: 'header', header: 'x-api-key', template: '{api_key}' },
    // docs/jsonapi-quick-reference: requests carry `Accept: application/vnd.api+json`.
    headers: { accept: JSON_API },
    baseUrl: {
      placeholders: {
        subdomain: {
          lowercase: true,
          stripSuffix: '.pinpointhq.com',
          pattern: /^[a-z0-9][a-z0-9-]*$/,
          invalid: 'no valid Pinpoint subdomain (the "acme" of https://acme.pinpointhq.com)',
        },
      },
    },
    // JSON:API errors `{ errors: [{ status, title, detail, source: { pointer } }] }` (docs/errors:
    // "Some 4xx errors ... include additional details").
    errors: { list: { path: 'errors', text: ['detail', 'title'], pointer: 'source.pointer' }, message: ['message', 'error'] },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'custom_fields',
      summary:
        'A comment on the application (label, URL and attributes; Pinpoint comments belong to an application or a job seeker); ' +
        'each attribute is also set as a custom attribute on the existing Pinpoint custom field named "<prefix> <key>" ' +
        '(application fields for application links, candidate fields for candidate links; missing fields: comment only, with a ' +
        "warning). Candidate-level links are commented on each of the candidate's current applications.",
    },
    attachments: {
      candidate: true,
      // Candidate documents (`documents_base64`) carry no document type.
      types: { CV: 'document', COVER_LETTER: 'document', OTHER: 'document' },
      // No documented limit; JSON bodies carry the file base64-encoded. 10 MB keeps a body near 14 MB.
      maxBytes: 10 * 1024 * 1024,
      upload: 'json_base64',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // Comments take an application; documents are added to the candidate only.
    applicationWrites: { notes: 'application', attachments: 'candidate' },
    // `filter[updated_at][gte]` on candidates and applications (README "Delta").
    deltaSync: true,
    tags: {
      candidate: 'unsupported',
      list: 'candidates',
      unavailable:
        "atsgate's Pinpoint connector does not write tags yet: Pinpoint documents tags on applications (with a context), not on candidates, and that mapping is not built, so no call is made.",
      summary: 'Not written yet (INTEGRATION.ACTION_NOT_AVAILABLE); GET /ats/tags lists the tags on synced candidates.',
    },
    applicationStatus: {
      stageMove: false,
      reject: false,
      rejectionReasons: false,
      unavailable:
        "atsgate's Pinpoint connector does not move or reject applications yet: Pinpoint documents a stage change on PUT /applications/{id}, but the connector does not read jobs' stage lists to resolve a target, and no rejection call is documented, so no call is made.",
      summary: 'Not yet (INTEGRATION.ACTION_NOT_AVAILABLE): no stage move, rejection or rejection reasons.',
    },
    users: {
      read: false,
      summary:
        'Not read yet: the Pinpoint API pages atsgate follows (developers.pinpointhq.com) were not checked for a user list; GET /v1/ats/users is empty.',
    },
  },
  // POST /v1/passthrough/pinpoint/v1 (Kombo's id `pinpoint/v1`): the resources this connector's README cites.
  passthrough: {
    v1: {
      description: "Pinpoint's JSON:API on https://{subdomain}.pinpointhq.com/api/v1, with the integration's X-API-KEY.",
      docs: [
        'https://developers.pinpointhq.com/docs/jsonapi-quick-reference',
        'https://developers.pinpointhq.com/reference/applications-1',
        'https://developers.pinpointhq.com/reference/post-comments',
        'https://developers.pinpointhq.com/reference/custom-attributes',
        'https://developers.pinpointhq.com/reference/custom-fields',
      ],
      paths: ['/applications', '/candidates', '/comments', '/custom_attributes', '/custom_fields', '/jobs'],
    },
  },
  docs: [
    'https://developers.pinpointhq.com/docs/authentication',
    'https://developers.pinpointhq.com/docs/errors',
    'https://developers.pinpointhq.com/docs/jsonapi-quick-reference',
    'https://developers.pinpointhq.com/reference/applications-1',
    'https://developers.pinpointhq.com/reference/get-application',
    'https://developers.pinpointhq.com/reference/put-application',
    'https://developers.pinpointhq.com/reference/put-candidate',
    'https://developers.pinpointhq.com/reference/post-comments',
    'https://developers.pinpointhq.com/reference/custom-fields',
    'https://developers.pinpointhq.com/reference/custom-attributes',
    'https://developers.pinpointhq.com/reference/post-custom-attributes',
    'https://help.pinpoint.support/en/articles/13560259-managing-monitoring-your-pinpoint-api',
  ],
};
