/**
 * Workday Recruiting: what the connector is, how a customer connects it and what it can do. The
 * tool id is Kombo's slug for Workday (`workday`). Workday Recruiting speaks SOAP only (the
 * Recruiting web service); facts, sources and open questions: ./README.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

/**
 * The Recruiting WSDL/XSD this connector and its test fake follow (test/specs/workday/PROVENANCE.md).
 * Sent as `wd:version` on every request and in the endpoint path unless the customer picks another.
 */
export const SCHEMA_VERSION = 'v26.1';
/** Response_Filter/Count: the XSD allows 3 digits; Workday's documented page size maximum is 999, default 100. */
export const PAGE_SIZE = 100;

export const credentialSchema = Type.Object({
  /** The web-services host: `wd2-impl-services1.workday.com`, `wd5-services1.myworkday.com`… */
  host: Type.String({ minLength: 1 }),
  tenant: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_\\-]+$' }),
  /** The Integration System User; `@tenant` is added when missing (WS-Security user names are user@tenant). */
  username: Type.String({ minLength: 1 }),
  password: Type.String({ minLength: 1 }),
  /** `v26.1`, `v44.0`…; default SCHEMA_VERSION. */
  api_version: Type.Optional(Type.String({ pattern: '^\\s*(v?[0-9]{1,2}\\.[0-9])?\\s*$' })),
  /** Document_Category_ID for candidate-level files (Put_Candidate_Attachment requires a category). */
  document_category: Type.String({ minLength: 1 }),
  /**
   * For result links as Workday candidate assessments (Assess_Candidate): the Employee_ID of the worker
   * recorded as assessor and the Assessment_Status_ID to record; both required by the operation.
   */
  assessor_employee_id: Type.Optional(Type.String()),
  assessment_status_id: Type.Optional(Type.String()),
});

export type WorkdayCredentials = Static<typeof credentialSchema>;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'workday',
  label: 'Workday',
  credentialSchema,
  credentialFields: [
    {
      key: 'host',
      label: 'Web services host',
      help:
        'The host (without https://) of your Workday web services endpoint, as in https://{host}/ccx/service/{tenant}/Recruiting/v26.1 — ' +
        'in Workday, search for the task "Public Web Services", open Recruiting and "View WSDL": the address there starts with it ' +
        '(for example wd2-impl-services1.workday.com).',
      secret: false,
    },
    {
      key: 'tenant',
      label: 'Tenant',
      help: 'Your tenant name, the part after /ccx/service/ in the same address (for example acme_preview or acme).',
      secret: false,
    },
    {
      key: 'username',
      label: 'Integration System User',
      help:
        'The user name of an Integration System User (task "Create Integration System User"; exempt it from password expiry with ' +
        '"Maintain Password Rules") in an Integration System Security Group with Get access to the domains "Job Requisition Data" and ' +
        '"Candidate Data: Job Application", Get and Put access to "Candidate Data: Attachments", and Get_Candidates and ' +
        'Get_Candidate_Attachments (Web Service) in the Job Application business process policy. atsgate signs in as user@tenant.',
      secret: false,
    },
    { key: 'password', label: 'Password', help: "The Integration System User's password.", secret: true },
    {
      key: 'api_version',
      label: 'API version (optional)',
      help: `The Workday web-services version to call, such as v26.1 or v44.0; empty for ${SCHEMA_VERSION}, the version atsgate's Workday connector is built and tested against.`,
      secret: false,
      optional: true,
    },
    {
      key: 'document_category',
      label: 'Document category ID',
      help:
        'The Reference ID (Document_Category_ID) of the document category that files atsgate adds to candidates are filed under; ' +
        'Workday requires one for every candidate attachment. Find it with the task "Maintain Document Categories" or the report ' +
        '"Integration IDs" for the category you use for assessment reports.',
      secret: false,
    },
    {
      key: 'assessor_employee_id',
      label: 'Assessor Employee ID (optional)',
      help:
        'For result links as candidate assessments (Assess_Candidate, shown on the job application): the Employee ID of the worker ' +
        'Workday records as assessor. Without it, or when a job application is not at its Assess Candidate step, a result link is ' +
        'attached to the job application as a text file.',
      secret: false,
      optional: true,
    },
    {
      key: 'assessment_status_id',
      label: 'Assessment status ID (optional)',
      help: 'With the assessor: the Reference ID (Assessment_Status_ID) of the assessment status to record, such as Completed (task "Maintain Assessment Statuses").',
      secret: false,
      optional: true,
    },
  ],
  // https://{host}/ccx/service/{tenant}; the connector adds /Recruiting/{version} (./client.ts).
  // An integration's base-URL override replaces the https://{host} part.
  defaultBaseUrl: 'https://{host}',
  // Workday publishes no request-rate number for SOAP web services (README); it throttles by
  // concurrency. atsgate keeps to 5 calls at once plus 5 per second and waits out a 429.
  rateLimit: { requests: 5, perMs: 1000 },
  transport: {
    // WS-Security UsernameToken inside each SOAP envelope (./client.ts builds it).
    auth: { scheme: 'in-body' },
    // SOAP 1.1: text/xml and a SOAPAction header (Workday's binding declares no action, so it is empty).
    headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml', soapaction: '""' },
    baseUrl: {
      path: '/ccx/service/{tenant}',
      placeholders: {
        host: {
          lowercase: true,
          pattern: /^[a-z0-9-]+(\.[a-z0-9-]+)+$/,
          invalid: 'no valid web services host (such as wd2-impl-services1.workday.com)',
        },
        tenant: { pattern: /^[A-Za-z0-9_-]+$/, invalid: 'no valid tenant name (the part after /ccx/service/ in the web services address)' },
      },
    },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'note',
      application: 'note',
      attributes: 'note',
      summary:
        "A candidate assessment on the job application (Assess_Candidate: the connect page's assessor and status, the overall " +
        'comment holding label, URL and attributes) where configured and the application is at its Assess Candidate step; otherwise a ' +
        'text file attached to the job application (Put_Candidate_Attachment) with label and URL in its comment. A candidate-level link ' +
        'goes to the current job applications.',
    },
    attachments: {
      candidate: true,
      types: { CV: 'candidate attachment', COVER_LETTER: 'candidate attachment', OTHER: 'candidate attachment' },
      // Workday documents no per-file limit for web-service attachments; 25 MB is within what its UI accepts.
      maxBytes: 25 * 1024 * 1024,
      upload: 'base64 in the SOAP body (Attachment_Data/File_Content)',
    },
    applicationWrites: { notes: 'application', attachments: 'application' },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    deltaSync: true,
    users: {
      read: false,
      summary:
        'Not read: the Recruiting web service has no list of recruiters or users (workers live in Human_Resources); GET /v1/ats/users is empty.',
    },
    tags: {
      candidate: 'unsupported',
      list: 'none',
      unavailable:
        "The Recruiting web service version atsgate's Workday connector follows (v26.1) has no operation that adds or removes candidate tags, so no call is made.",
      summary: 'Not available (INTEGRATION.ACTION_NOT_AVAILABLE): the Recruiting web service has no tag operation.',
    },
    applicationStatus: {
      stageMove: false,
      reject: false,
      rejectionReasons: false,
      unavailable:
        "atsgate's Workday connector does not move or disposition job applications yet: the Recruiting web service's Move_Candidate " +
        '(v26.1) takes a business-process workflow step (Next_Step_Reference or Disposition_Step_Reference), not a recruiting stage, and ' +
        'the web service lists neither the steps nor the dispositions a job offers, so no call is made.',
      summary:
        'Not yet (INTEGRATION.ACTION_NOT_AVAILABLE): Move_Candidate takes business-process workflow steps, which the Recruiting web service does not list.',
    },
  },
  docs: [
    'https://community.workday.com/sites/default/files/file-hosting/productionapi/Recruiting/v26.1/Recruiting.html',
    'https://community.workday.com/sites/default/files/file-hosting/productionapi/Recruiting/v26.1/Get_Job_Requisitions.html',
    'https://community.workday.com/sites/default/files/file-hosting/productionapi/Recruiting/v26.1/Get_Candidates.html',
    'https://community.workday.com/sites/default/files/file-hosting/productionapi/Recruiting/v26.1/Get_Candidate_Attachments.html',
    'https://community.workday.com/sites/default/files/file-hosting/productionapi/Recruiting/v26.1/Put_Candidate_Attachment.html',
    'https://community.workday.com/sites/default/files/file-hosting/productionapi/Recruiting/v26.1/Assess_Candidate.html',
    'https://community.workday.com/sites/default/files/file-hosting/productionapi/Recruiting/v26.1/Move_Candidate.html',
  ],
};
