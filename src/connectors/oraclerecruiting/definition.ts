/**
 * Oracle Recruiting Cloud (Oracle Fusion Cloud HCM's recruiting module): what the connector is,
 * how a customer connects it and what it can do. The tool id is Kombo's (`oraclerecruiting`,
 * its passthrough `oraclerecruiting/rest`). The API is the HCM REST API on the customer's own
 * Fusion host, `https://{host}/hcmRestApi/resources/11.13.18.05` ("REST API for Oracle Fusion
 * Cloud HCM", docs.oracle.com/en/cloud/saas/human-resources/farws). Facts, sources and open
 * questions: ./README.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

/** The HCM REST API's version segment, the same for every recruiting resource (farws endpoint pages). */
export const API_PATH = '/hcmRestApi/resources/11.13.18.05';

/**
 * REST framework version 4. Version 1 is the default and only takes query-by-example `q`
 * filters; version 2 and later take the expression syntax the delta filter needs
 * (`LastUpdateDate >= '…'`), and the later versions keep it ("Set the REST Framework Version").
 */
export const REST_FRAMEWORK_VERSION = '4';

/**
 * Oracle's document categories for recruiting attachments, as Kombo names them in
 * `remote_fields.oracle.override_document_category` (Kombo's OpenAPI): CV, cover letter, other
 * and internal (recruiter-only) documents.
 */
export const CATEGORIES = ['IRC_CANDIDATE_RESUME', 'IRC_CANDIDATE_COVERLETTER', 'MISC', 'IRC_INTERNAL'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * The duty roles ("Use REST Service - …") Oracle's security reference names for each resource
 * (farws "Recruiting Candidates", "Recruiting Job Requisitions", "Recruiting Job Applications");
 * checkCredentials names the one a probe was refused.
 */
export const ROLES = {
  requisitions: 'Use REST Service - Job Requisitions Read Only (ORA_IRC_REST_SERVICE_ACCESS_JOB_REQUISITIONS_RO)',
  candidates: 'Use REST Service - Candidates (ORA_IRC_REST_SERVICE_ACCESS_CANDIDATES)',
  applications: 'Use REST Service - Job Applications Read Only (ORA_IRC_REST_SERVICE_ACCESS_JOB_APPLICATIONS_RO)',
} as const;

export const credentialSchema = Type.Object({
  /** The Fusion host, such as "acme.fa.us2.oraclecloud.com" (no scheme, no path). */
  host: Type.String({ minLength: 1 }),
  username: Type.String({ minLength: 1 }),
  password: Type.String({ minLength: 1 }),
});

export type OracleCredentials = Static<typeof credentialSchema>;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'oraclerecruiting',
  label: 'Oracle Recruiting Cloud',
  credentialSchema,
  credentialFields: [
    {
      key: 'host',
      label: 'Oracle Cloud host',
      help:
        'The host name of your Oracle Fusion Cloud (HCM) service, as in the address you sign in at: ' +
        '"acme.fa.us2.oraclecloud.com" for https://acme.fa.us2.oraclecloud.com/fscmUI/faces/FuseWelcome. Host name only, without https://.',
      secret: false,
    },
    {
      key: 'username',
      label: 'Integration user name',
      help:
        'A Fusion user for atsgate (your security administrator creates it in Security Console). Give it the roles ' +
        `"${ROLES.requisitions}", "${ROLES.candidates}" and "${ROLES.applications}" (all three are part of the ` +
        'Human Capital Management Integration Specialist job role), and data access to the requisitions and candidates atsgate may see.',
      secret: false,
    },
    {
      key: 'password',
      label: 'Password',
      help: "The integration user's password. atsgate signs in with HTTP Basic authentication over HTTPS, as Oracle's HCM REST API accepts.",
      secret: true,
    },
  ],
  defaultBaseUrl: `https://{host}${API_PATH}`,
  // Oracle publishes no request rate for the HCM REST API; Fusion services answer 429 when a
  // client overloads them. 5 requests per second per integration stays polite; a 429 is waited
  // out (Retry-After when sent) and retried.
  rateLimit: { requests: 5, perMs: 1000 },
  transport: {
    // farws "Authentication": HTTP Basic over SSL with a Fusion user's name and password.
    auth: { scheme: 'basic', username: 'username', password: 'password' },
    headers: { accept: 'application/json', 'REST-Framework-Version': REST_FRAMEWORK_VERSION },
    baseUrl: {
      placeholders: {
        host: {
          lowercase: true,
          pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
          invalid: 'no valid Oracle Cloud host (a host name such as acme.fa.us2.oraclecloud.com, without https://)',
        },
      },
    },
    // Oracle's REST error body, `{ title, status, detail, "o:errorCode", "o:errorDetails": [{ detail, "o:errorCode" }] }`,
    // where the framework answers JSON; plain-text answers (older framework versions, the sign-in
    // layer) are kept as they are by the shared reader (README "Rate limits and errors").
    errors: { message: ['detail', 'title'], code: ['o:errorCode'], list: { path: 'o:errorDetails', text: ['detail'] } },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'native',
      application: 'native',
      attributes: 'note',
      summary:
        'A URL attachment (DatatypeCode WEB_PAGE) on the candidate, in document category MISC unless ' +
        'remote_fields.oracle.override_document_category names another, as Kombo does; the attributes go into its description. ' +
        "Application links land on the application's candidate (Oracle attaches documents to candidates).",
    },
    attachments: {
      candidate: true,
      types: { CV: 'IRC_CANDIDATE_RESUME', COVER_LETTER: 'IRC_CANDIDATE_COVERLETTER', OTHER: 'MISC' },
      // Oracle documents no size for recruiting attachments; bodies carry the file base64-encoded.
      maxBytes: 10 * 1024 * 1024,
      upload: 'json_base64',
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    applicationWrites: { notes: 'candidate', attachments: 'candidate' },
    // `q=LastUpdateDate >= '…'` (framework version 2+ expressions); a refused filter falls back to a full read.
    deltaSync: true,
    users: {
      read: false,
      summary: 'Not read: atsgate reads no Fusion user list for recruiters; GET /v1/ats/users is empty.',
    },
    tags: {
      candidate: 'unsupported',
      list: 'none',
      unavailable: 'Oracle Recruiting Cloud documents no candidate tags in its HCM REST API, so no call is made.',
      summary: 'Not available (INTEGRATION.ACTION_NOT_AVAILABLE): no candidate tags in the HCM REST API.',
    },
    applicationStatus: {
      stageMove: false,
      reject: false,
      rejectionReasons: false,
      unavailable:
        "atsgate's Oracle Recruiting connector does not move or reject applications yet: Oracle documents " +
        'POST recruitingJobApplications/{id}/action/move (a phase, state and reason id), but the list of phases, states and ' +
        'reasons (recruitingUIJobApplicationPhasesStates) is marked "for Oracle internal use", so a target cannot be resolved ' +
        'from a documented source; no call is made.',
      summary: 'Not yet (INTEGRATION.ACTION_NOT_AVAILABLE): no stage move, rejection or rejection reasons.',
    },
  },
  docs: [
    'https://docs.oracle.com/en/cloud/saas/human-resources/farws/Setting_the_REST_Framework_Version.html',
    'https://docs.oracle.com/en/cloud/saas/human-resources/farws/Navigate_a_Collection.html',
    'https://docs.oracle.com/en/cloud/saas/human-resources/farws/Work_with_Attachments.html',
    'https://docs.oracle.com/en/cloud/saas/human-resources/farws/op-recruitingjobrequisitions-get.html',
    'https://docs.oracle.com/en/cloud/saas/human-resources/farws/op-recruitingcandidates-get.html',
    'https://docs.oracle.com/en/cloud/saas/human-resources/farws/op-recruitingjobapplications-get.html',
    'https://docs.oracle.com/en/cloud/saas/human-resources/farws/api-recruiting-candidates-attachments-candidates.html',
    'https://docs.oracle.com/en/cloud/saas/human-resources/farws/op-recruitingcandidates-candidatenumber-child-attachments-post.html',
    'https://docs.oracle.com/en/cloud/saas/human-resources/farws/op-recruitingjobapplications-jobapplicationid-action-move-post.html',
    'https://docs.oracle.com/en/cloud/saas/human-resources/farws/Recruiting__Recruiting_Job_Applications.html',
  ],
  passthrough: {
    rest: {
      description:
        "Oracle's HCM REST API on https://{host} (paths start /hcmRestApi/resources/11.13.18.05/), with the integration user's Basic credentials.",
      docs: ['https://docs.oracle.com/en/cloud/saas/human-resources/farws/rest-endpoints.html'],
      paths: ['recruitingJobRequisitions', 'recruitingCandidates', 'recruitingJobApplications', 'recruitingCandidateExtraInformation'].map(
        (r) => `${API_PATH}/${r}`,
      ),
    },
  },
};
