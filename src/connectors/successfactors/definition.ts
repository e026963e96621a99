/**
 * SAP SuccessFactors Recruiting: what the connector is, how a customer connects it and what it
 * can do. The tool id is Kombo's slug (`successfactors`, docs.kombo.dev/assessment/connectors/successfactors).
 * Facts, sources and open questions: ./README.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Transport } from '../../http/transport.ts';
import type { ConnectorDefinition, CredentialKey } from '../types.ts';

/** The OData v2 service root on the customer's API server (OData API Developer Guide). */
export const ODATA_PATH = '/odata/v2';
/** The OAuth token endpoint on the same API server (Developer Guide, "Requesting an OAuth access token"). */
export const TOKEN_PATH = '/oauth/token';
/** The SAML 2.0 bearer grant (RFC 7522), the one SuccessFactors' token endpoint takes. */
export const SAML_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:saml2-bearer';
/** Issuer and audience SAP's sample assertions use (Developer Guide, "Generating a SAML Assertion"). */
export const SAML_AUDIENCE = 'www.successfactors.com';

/** A host name: what the connect page takes for the API server (api4.successfactors.com). */
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

export const credentialSchema = Type.Object({
  /** The API server of the customer's data center, a host name such as `api4.successfactors.com`. */
  api_server: Type.String({ minLength: 1 }),
  /** The company ID (Show version information in SuccessFactors). */
  company_id: Type.String({ minLength: 1 }),
  /** The API key of the OAuth2 client application registered in SuccessFactors. */
  client_id: Type.String({ minLength: 1 }),
  /** The PEM private key whose certificate is registered with the OAuth2 client. */
  private_key: Type.String({ minLength: 1 }),
  /** The PEM X.509 certificate registered with the OAuth2 client. */
  certificate: Type.String({ minLength: 1 }),
  /** The SuccessFactors user id the API acts as (the SAML assertion's subject). */
  user_id: Type.String({ minLength: 1 }),
});

export type SuccessFactorsCredentials = Static<typeof credentialSchema>;

export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'successfactors',
  label: 'SAP SuccessFactors',
  credentialSchema,
  credentialFields: [
    {
      key: 'api_server',
      label: 'API server',
      help:
        "The host name of your data center's API server, such as api4.successfactors.com or api55.sapsf.eu (SAP lists them in " +
        '"List of SAP SuccessFactors API Servers"); the host only, without https:// or a path.',
      secret: false,
    },
    {
      key: 'company_id',
      label: 'Company ID',
      help: 'In SuccessFactors: your profile menu (top right) → Show version information → Company ID.',
      secret: false,
    },
    {
      key: 'client_id',
      label: 'OAuth client API key',
      help:
        'Admin Center → Manage OAuth2 Client Applications → Register Client Application: register atsgate with the X.509 ' +
        'certificate below; SuccessFactors then shows the API key.',
      secret: false,
    },
    {
      key: 'private_key',
      label: 'Private key (PEM)',
      help:
        'The private key of the key pair whose certificate you registered with the OAuth2 client (-----BEGIN PRIVATE KEY-----). ' +
        'atsgate signs the SAML assertion for every token with it; it never leaves atsgate.',
      secret: true,
    },
    {
      key: 'certificate',
      label: 'X.509 certificate (PEM)',
      help:
        "The certificate registered with the OAuth2 client (-----BEGIN CERTIFICATE-----). SuccessFactors' registration form " +
        'takes the certificate body without the BEGIN/END lines; paste the whole PEM here.',
      secret: false,
    },
    {
      key: 'user_id',
      label: 'API user ID',
      help:
        'The user ID (not the user name) of the SuccessFactors user atsgate acts as. Its role needs the OData API permissions for ' +
        'Recruiting: read Job Requisitions, Candidates and Job Applications, write comments and attachments, and (for assessment ' +
        'results) Job Application Assessment reports.',
      secret: false,
    },
  ],
  defaultBaseUrl: 'https://{api_server}',
  // SAP announced rate limits for its APIs with 2H 2022 and postponed them indefinitely (KBA
  // 3159263): no number to honour, but a 429 carries Retry-After (SAP recommends 300 s) and is
  // waited out. Kept polite: 5 at once plus 2 per second (KBA 2735876: do not hammer the API).
  rateLimit: { requests: 5, perMs: 500 },
  transport: {
    // OAuth 2.0 SAML bearer assertion: ./client.ts signs the assertion and mints the token.
    auth: { scheme: 'bearer-provider' },
    headers: { accept: 'application/json' },
    baseUrl: {
      path: ODATA_PATH,
      placeholders: {
        api_server: { lowercase: true, pattern: HOST, invalid: 'no valid API server (a host name such as api4.successfactors.com)' },
      },
    },
    // OData v2 error envelope: { error: { code, message: { lang, value } } }; the token endpoint's
    // own: { errorHttpCode, errorMessage } (SAP KBAs 2668018, 3336571), OAuth's error_description too.
    errors: { message: ['error.message.value', 'errorMessage', 'error_description', 'error'], code: ['error.code'] },
  } satisfies Transport<CredentialKey<typeof credentialSchema>>,
  capabilities: {
    resultLinks: {
      candidate: 'native',
      application: 'native',
      attributes: 'native',
      summary:
        "An assessment report (JobApplicationAssessmentReport, score lines as report details) on the application's assessment " +
        'order where Assessment Integration is enabled; otherwise a comment on the application, with a warning. A candidate-level ' +
        "link goes to the candidate's current applications.",
    },
    attachments: {
      candidate: true,
      types: { CV: 'resume', COVER_LETTER: 'coverLetter', OTHER: 'attachment1' },
      // SuccessFactors' attachment size limit is a provisioning setting; 10 MB is below its default.
      maxBytes: 10 * 1024 * 1024,
      upload: 'json_base64',
    },
    applicationWrites: { notes: 'application', attachments: 'candidate' },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    deltaSync: true,
    users: {
      read: true,
      summary: 'SuccessFactors users (User: user id, names, email, status), with delta on lastModifiedDateTime.',
    },
    tags: {
      candidate: 'unsupported',
      list: 'candidates',
      unavailable: "atsgate's SuccessFactors connector does not write candidate tags yet, so no call is made.",
      summary: 'Not written yet (INTEGRATION.ACTION_NOT_AVAILABLE).',
    },
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary:
        "A stage is a status of the requisition's status set; a move or a rejection sets the application's appStatusSetItemId " +
        '(checked against that set first). Rejection reasons are the disqualifying statuses; the note becomes a comment.',
    },
  },
  docs: [
    'https://help.sap.com/docs/SAP_SUCCESSFACTORS_PLATFORM/d599f15995d348a1b45ba5603e2aba9b/d9a9545305004187986c866de2b66987.html',
    'https://help.sap.com/docs/SAP_SUCCESSFACTORS_PLATFORM/28bc3c8e3f214ab487ec51b1b8709adc/03e1fc3791684367a6a76a614a2916de.html',
    'https://userapps.support.sap.com/sap/support/knowledge/en/3462403',
    'https://userapps.support.sap.com/sap/support/knowledge/en/2735876',
    'https://userapps.support.sap.com/sap/support/knowledge/en/3159263',
    'https://userapps.support.sap.com/sap/support/knowledge/en/2883239',
  ],
  passthrough: {
    odata: {
      description: "SuccessFactors' OData v2 API on https://{api_server}/odata/v2, with an OAuth token minted from the SAML assertion.",
      docs: [
        'https://help.sap.com/docs/SAP_SUCCESSFACTORS_PLATFORM/28bc3c8e3f214ab487ec51b1b8709adc/03e1fc3791684367a6a76a614a2916de.html',
      ],
      paths: [
        '/Candidate',
        '/JobApplication',
        '/JobRequisition',
        '/JobApplicationComments',
        '/JobApplicationAssessmentOrder',
        '/JobApplicationAssessmentReport',
        '/JobApplicationStatus',
        '/Attachment',
        '/User',
        '/upsert',
        '/$metadata',
      ],
    },
  },
};
