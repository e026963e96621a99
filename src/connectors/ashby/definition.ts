/**
 * Ashby: what the connector is, as data. Facts and their sources are in ./README.md.
 */
import { Type } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

export const credentialSchema = Type.Object(
  {
    api_key: Type.String({ minLength: 1, description: 'Ashby API key (sent as the Basic auth user name).' }),
    /**
     * Only Ashby assessment partners have one. With it, result links become native completed
     * assessments (assessment.addCompletedToCandidate requires partnerId); without it they fall
     * back to custom fields + a note.
     */
    partner_id: Type.Optional(Type.String({ minLength: 1, description: 'Ashby assessment partner id (assessment partners only).' })),
  },
  { additionalProperties: false },
);

/** Permissions the connector needs, by Ashby's own names, with the label in Ashby's admin UI. */
export const REQUIRED_PERMISSIONS = {
  candidatesRead: 'Candidates: Read',
  candidatesWrite: 'Candidates: Write',
  jobsRead: 'Jobs: Read',
  interviewsRead: 'Interviews: Read',
  hiringProcessMetadataRead: 'Hiring Process Metadata: Read',
} as const;

/**
 * Not required up front: only creating a candidate tag that does not exist yet needs hiringProcessMetadataWrite; apiKeysWrite
 * only webhook.create/delete (without it the customer adds the webhook by hand); organizationRead only users.
 */
export type AshbyPermission =
  | keyof typeof REQUIRED_PERMISSIONS
  | 'apiKeysRead'
  | 'apiKeysWrite'
  | 'organizationRead'
  | 'hiringProcessMetadataWrite';

export const MAX_FILE_BYTES = 50 * 1024 * 1024;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'ashby',
  label: 'Ashby',
  credentialSchema,
  credentialFields: [
    {
      key: 'api_key',
      label: 'API key',
      help:
        'In Ashby: Admin → Integrations → API Keys → New. Grant Candidates: Read + Write, Jobs: Read, Interviews: Read and ' +
        'Hiring Process Metadata: Read (API Keys: Read lets atsgate verify the permissions up front). The key is shown once.',
      secret: true,
    },
    {
      key: 'partner_id',
      label: 'Assessment partner id',
      help:
        'Only if your company is an Ashby assessment partner: the partner id Ashby issued to you. With it, results appear in ' +
        "Ashby's native assessment panel; leave empty otherwise (results then go to custom fields and a note).",
      secret: false,
      optional: true,
    },
  ],
  defaultBaseUrl: 'https://api.ashbyhq.com',
  // Ashby publishes no general per-key number (only report.* limits); 10/s is a conservative
  // budget, and 429s are still retried per Retry-After.
  rateLimit: { requests: 10, perMs: 1_000 },
  transport: {
    // Authentication page: Basic auth with the key as user name and an empty password; the
    // versioned media type in Accept.
    auth: { scheme: 'basic', username: 'api_key' },
    headers: { accept: 'application/json; version=1' },
    // Errors mostly arrive as HTTP 200 `{ success: false, errorInfo }`: ./client.ts reads them.
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'custom_fields',
      application: 'custom_fields',
      attributes: 'custom_fields',
      summary:
        'With a partner id: a native completed assessment on the candidate (label, URL and attributes). Otherwise: ' +
        'attributes go to existing custom fields "<prefix> <key>" on the candidate/application, and a candidate note carries label, URL and attributes.',
    },
    attachments: {
      candidate: true,
      types: { CV: 'CandidateResume', COVER_LETTER: 'CandidateFiles', OTHER: 'CandidateFiles' },
      maxBytes: MAX_FILE_BYTES,
      upload: 'presigned (file.createFileUploadHandle → multipart POST to storage → candidate.uploadResume/uploadFile)',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // Notes (candidate.createNote) and files (candidate.uploadFile/uploadResume) belong to the candidate.
    applicationWrites: { notes: 'candidate', attachments: 'candidate' },
    deltaSync: true,
    users: {
      read: true,
      summary:
        'user.list with includeDeactivated: first and last name, email, isEnabled, globalRole (Organization Admin → ADMIN); needs the organizationRead permission, without it no users are read.',
    },
    tags: {
      candidate: 'native',
      list: 'native',
      summary:
        'Native candidate tags: matched by name (case-insensitive) in candidateTag.list, else created (needs Hiring Process Metadata: Write); GET /ats/tags is that list.',
    },
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary:
        "Native: application.changeStage; rejecting moves it to its plan's Archived stage with the archive reason; the note becomes a candidate note (warning).",
    },
  },
  // POST /v1/passthrough/ashby/v1 (Kombo's id): Ashby is RPC-style (POST /<object>.<verb>), so the
  // allowed paths are the object families this connector's README cites.
  passthrough: {
    v1: {
      description:
        "Ashby API on https://api.ashbyhq.com (RPC: POST /candidate.info, /application.list...), with the integration's API key.",
      docs: ['https://developers.ashbyhq.com/reference/introduction', 'https://developers.ashbyhq.com/docs/authentication'],
      paths: ['/application.', '/assessment.', '/candidate.', '/customField.', '/file.', '/interviewStage.', '/job.'],
    },
  },
  docs: [
    'https://developers.ashbyhq.com/docs/authentication',
    'https://developers.ashbyhq.com/docs/pagination-and-incremental-sync',
    'https://developers.ashbyhq.com/reference/assessment',
    'https://developers.ashbyhq.com/docs/creating-an-assessments-integration',
    'https://developers.ashbyhq.com/reference/candidatecreatenote',
    'https://developers.ashbyhq.com/reference/candidateuploadfile',
    'https://developers.ashbyhq.com/reference/filecreatefileuploadhandle',
    'https://developers.ashbyhq.com/docs/customfieldsetvalue',
    'https://developers.ashbyhq.com/reference/api-key',
    'https://docs.ashbyhq.com/candidate-files-and-file-categories',
  ],
};
