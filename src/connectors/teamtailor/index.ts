/**
 * Teamtailor connector: JSON:API over https://api.teamtailor.com/v1 (EU) or
 * https://api.na.teamtailor.com/v1 (NA). Facts, sources and open questions: ./README.md.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { teamtailorClient, teamtailorErrorMessage, type TeamtailorContext } from './client.ts';
import { credentialSchema, DEFAULT_API_VERSION, definition } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs, readUsers } from './read.ts';
import {
  addApplicationAttachment,
  addApplicationNote,
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  downloadAttachment,
  listApplicationAttachments,
  listCandidateAttachments,
  listCustomFields,
  moveApplicationToStage,
  readRejectionReasons,
  rejectApplication,
} from './write.ts';
import { addCandidateTag, removeCandidateTag } from './tags.ts';

import { webhooks } from './webhooks.ts';

export { definition };

/**
 * Lists one candidate: candidates, notes, uploads and custom field values all need an Admin
 * key, so a Public/Internal key fails here rather than on the first write.
 */
async function checkCredentials(ctx: TeamtailorContext): Promise<void> {
  const res = await teamtailorClient(ctx).request({
    method: 'GET',
    path: 'candidates',
    query: { 'page[size]': 1 },
    accept: [401, 403, 406],
  });
  const vendor = teamtailorErrorMessage(res.status, res.data);
  const detail = vendor ? ` (Teamtailor: ${vendor})` : '';
  if (res.status === 401) {
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `Teamtailor rejected the API key${detail}. Check the key, and the region: an EU key is rejected by the NA host and vice versa.`,
    );
  }
  if (res.status === 403) {
    throw new AtsgateError(
      'INTEGRATION.PERMISSION_MISSING',
      `The Teamtailor API key may not read candidates${detail}. Create a key with the "Admin" scope and Read + Write permissions (Settings → Integrations → API keys).`,
    );
  }
  if (res.status === 406) {
    const sent = ctx.credentials.api_version ?? DEFAULT_API_VERSION;
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `Teamtailor does not accept X-Api-Version ${sent}${detail || '.'}`);
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
  downloadAttachment,
  addCandidateTag,
  removeCandidateTag,
  moveApplicationToStage,
  rejectApplication,
  readRejectionReasons,
  readJobs,
  readCandidates,
  readApplications,
  readCandidate,
  readUsers,
  listCustomFields,
};
