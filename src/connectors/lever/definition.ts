/**
 * Lever (Data API v1): what the connector is, how a customer connects it and what it can do.
 * Facts and sources: ./README.md.
 */
import { Type } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

export const credentialSchema = Type.Object({
  api_key: Type.String({ minLength: 1 }),
  /**
   * Lever user id written as `perform_as` when a call carries no `remote_fields.lever.perform_as`.
   * Lever REQUIRES perform_as for file uploads, so without it attachments fail with a clear error.
   */
  perform_as: Type.Optional(Type.String({ minLength: 1 })),
});

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'lever',
  label: 'Lever',
  credentialSchema,
  credentialFields: [
    {
      key: 'api_key',
      label: 'API key',
      help:
        'In Lever: Settings → Integrations and API → API Credentials → Generate new key. Grant read access to ' +
        'Opportunities, Postings, Stages, Archive reasons, Files and Resumes, and write access to Notes, ' +
        'Opportunities (links) and Files.',
      secret: true,
    },
    {
      key: 'perform_as',
      label: 'Default user id for writes (perform_as)',
      help:
        'The Lever user that notes, links and files are attributed to. Lever requires it for file uploads. ' +
        'A Super Admin finds user ids in Settings → Users (or via GET /users).',
      secret: false,
      optional: true,
    },
  ],
  defaultBaseUrl: 'https://api.lever.co/v1',
  // Lever: token bucket per API key, 10 requests/s steady (bursts to 20 tolerated). We stay under
  // the steady rate: 9 in any 1.1 s of our send times. Lever counts arrivals, and on a busy host
  // two requests admitted 1.1 s apart can arrive within one second (seen in the e2e and
  // three-process tests under load), so one request of headroom keeps every second at 10 or fewer.
  rateLimit: { requests: 9, perMs: 1_100 },
  transport: {
    // Basic auth: the API key as user name, empty password (#authentication).
    auth: { scheme: 'basic', username: 'api_key' },
    // Lever documents no rate-limit headers: a 429 without Retry-After falls back to the shared
    // exponential backoff, which Lever itself recommends (#rate-limits).
    // Errors are `{ "code": "ResourceNotFound", "message": "..." }`.
    errors: { message: ['message'], code: ['code'] },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'native',
      application: 'native',
      attributes: 'note',
      summary:
        "The URL is added to the candidate's Lever links (POST /opportunities/:id/addLinks; links live on the contact " +
        'and have no label); the label, URL and attributes go into a note on the opportunity (candidate-level: on ' +
        'every current opportunity).',
    },
    attachments: {
      candidate: true,
      // Lever files have no document type; resumes can only be attached when an opportunity is created.
      types: { CV: 'file', COVER_LETTER: 'file', OTHER: 'file' },
      // "The request file size is limited to 30MB"; 30 000 000 keeps the multipart envelope under it too.
      maxBytes: 30_000_000,
      upload: 'multipart',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // Notes and files are both per opportunity (Lever's application).
    applicationWrites: { notes: 'application', attachments: 'application' },
    deltaSync: true,
    users: {
      read: true,
      summary:
        "GET /users?includeDeactivated=true: name (split into first and last), email, deactivatedAt, access role (super admin/admin → ADMIN, interviewer → INTERVIEWER); needs the key's Users permission, without it no users are read.",
    },
    tags: {
      candidate: 'native',
      list: 'native',
      summary:
        "Native opportunity tags (matched by name, case-insensitive), on each of the person's opportunities; GET /ats/tags is Lever's tag list.",
    },
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary:
        "Native: the opportunity's stage (account-wide stages); rejecting archives it with a non-hired archive reason; the note becomes an opportunity note (warning); as perform_as.",
    },
  },
  // POST /v1/passthrough/lever/v1 (Kombo's id): the Lever v1 resources this connector's README cites.
  passthrough: {
    v1: {
      description: "Lever API v1 on https://api.lever.co/v1, with the integration's API key.",
      docs: ['https://hire.lever.co/developer/documentation', 'https://hire.lever.co/developer/documentation#opportunities'],
      paths: ['/archive_reasons', '/opportunities', '/postings', '/stages'],
    },
  },
  docs: [
    'https://hire.lever.co/developer/documentation',
    'https://hire.lever.co/developer/documentation#opportunities',
    'https://hire.lever.co/developer/documentation#update-contact-links-by-opportunity',
    'https://hire.lever.co/developer/documentation#notes',
    'https://hire.lever.co/developer/documentation#files',
    'https://hire.lever.co/developer/documentation#rate-limits',
  ],
};
