/**
 * The Recruitee connector: Bearer personal API token scoped to `/c/{company_id}`.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { recruiteeClient, recruiteeErrorMessage, type RecruiteeContext } from './client.ts';
import { credentialSchema, definition } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs } from './read.ts';
import {
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  listCandidateAttachments,
  moveApplicationToStage,
  readRejectionReasons,
  rejectApplication,
} from './write.ts';
import { addApplicationAttachment, addApplicationNote, listApplicationAttachments, listCustomFields } from './write.ts';
import { addCandidateTag, removeCandidateTag } from './tags.ts';

import { webhooks } from './webhooks.ts';

export { definition };

/**
 * Reads one candidate and the offers: what every sync and write needs. Recruitee answers a
 * bad token with 401 and a user whose hiring role cannot see a resource with 403. For a
 * company the token does not belong to, a public client reports 422 "Company id is invalid";
 * 404 is also plausible for an unknown company, so both name the company.
 */
async function checkCredentials(ctx: RecruiteeContext): Promise<void> {
  const http = recruiteeClient(ctx);
  const company = ctx.credentials.company_id;
  const probes = [
    { path: 'candidates', query: { limit: 1 }, what: 'view candidates' },
    { path: 'offers', query: {}, what: 'view jobs (offers)' },
  ];
  for (const probe of probes) {
    const res = await http.request({ method: 'GET', path: probe.path, query: probe.query, accept: [401, 403, 404, 422] });
    const vendor = recruiteeErrorMessage(res.status, res.data);
    const detail = vendor ? `: ${vendor}` : '.';
    if (res.status === 401) {
      throw new AtsgateError('INTEGRATION.AUTHENTICATION_INVALID', `Recruitee rejected the personal API token (HTTP 401)${detail}`);
    }
    if (res.status === 404 || res.status === 422) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `Recruitee has no company "${company}" that this token can access (HTTP ${res.status}${vendor ? `: ${vendor}` : ''}); check the company ID on the Personal API tokens page.`,
      );
    }
    if (res.status === 403) {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `The token's Recruitee user may not ${probe.what} (HTTP 403)${vendor ? `: ${vendor}` : ''}. Create the token as a user whose hiring role can view and edit candidates.`,
      );
    }
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  checkCredentials,
  webhooks,
  addCandidateResultLink,
  addApplicationResultLink,
  addCandidateAttachment,
  listCandidateAttachments,
  addApplicationNote,
  addApplicationAttachment,
  listApplicationAttachments,
  addCandidateTag,
  removeCandidateTag,
  moveApplicationToStage,
  rejectApplication,
  readRejectionReasons,
  readJobs,
  readCandidates,
  readApplications,
  readCandidate,
  // The company's profile fields, read from its newest candidates (see write.ts).
  listCustomFields,
};
