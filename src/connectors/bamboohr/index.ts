/**
 * BambooHR connector (Applicant Tracking): https://{company}.bamboohr.com/api/v1/applicant_tracking.
 * Facts, sources and open questions: ./README.md.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { ATS, bambooClient, bambooErrorMessage, type BambooHrContext } from './client.ts';
import { credentialSchema, definition } from './definition.ts';
import { readApplications, readCandidates, readJobs } from './read.ts';
import {
  addApplicationAttachment,
  addApplicationNote,
  addCandidateTag,
  removeCandidateTag,
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  downloadAttachment,
  listApplicationAttachments,
  listCandidateAttachments,
  moveApplicationToStage,
  rejectApplication,
} from './write.ts';

export { definition };

/**
 * Reads the applicant statuses: every applicant-tracking call needs a key whose owner has access
 * to ATS settings, so a key without it fails here rather than on the first sync.
 */
async function checkCredentials(ctx: BambooHrContext): Promise<void> {
  const res = await bambooClient(ctx).request({ method: 'GET', path: `${ATS}/statuses`, accept: [401, 403, 404] });
  const vendor = bambooErrorMessage(res.status, res.data, res.headers);
  const detail = vendor ? ` (BambooHR: ${vendor})` : '';
  if (res.status === 401) {
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `BambooHR rejected the API key${detail}. Check the key, and that it belongs to this company's BambooHR account.`,
    );
  }
  if (res.status === 403) {
    throw new AtsgateError(
      'INTEGRATION.PERMISSION_MISSING',
      `BambooHR refused the applicant tracking API to this key${detail}. The key acts as the user who created it: that user needs ` +
        'access to Hiring (ATS settings), and API access must be turned on for the account.',
    );
  }
  if (res.status === 404) {
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `BambooHR has no applicant tracking API at this address${detail}. Check the company subdomain.`,
    );
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  checkCredentials,
  // BambooHR's webhooks watch employee records only (vendor OpenAPI, WebhookEventType; README).
  webhooksUnavailable: {
    reason:
      "BambooHR's webhooks report changes to employees only (events employee.*, employee_with_fields.*, company.updated and " +
      'company-integrations.updated; monitored fields are employee fields): nothing fires for applicants, applications or their statuses.',
    docs: [
      'https://documentation.bamboohr.com/docs/webhooks',
      'https://documentation.bamboohr.com/docs/permissioned-webhooks',
      'https://github.com/BambooHR/bhr-api-php/blob/main/specs/public.yaml',
    ],
  },
  addCandidateResultLink,
  addApplicationResultLink,
  addCandidateAttachment,
  listCandidateAttachments,
  addCandidateTag,
  removeCandidateTag,
  addApplicationNote,
  addApplicationAttachment,
  listApplicationAttachments,
  downloadAttachment,
  moveApplicationToStage,
  rejectApplication,
  readJobs,
  readCandidates,
  readApplications,
};
