/**
 * Zoho Recruit connector: REST API v2 on https://recruit.zoho.{dc}/recruit/v2 with OAuth tokens
 * minted from a refresh token at accounts.zoho.{dc}. Facts, sources and open questions: ./README.md.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { accessToken, zohoClient, zohoErrorMessage, type ZohoContext } from './client.ts';
import { credentialSchema, definition, SCOPES } from './definition.ts';
import { readApplications, readCandidates } from './read.ts';
import { moveApplicationToStage, readJobsWithStages, readRejectionReasons, rejectApplication } from './status.ts';
import { addCandidateTag, readTags, removeCandidateTag } from './tags.ts';
import { readUsers } from './users.ts';
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
} from './write.ts';
import { webhooks } from './webhooks.ts';

export { definition };

/** The modules a sync reads, each probed with one record, and the scope each needs. */
const PROBES = [
  { module: 'JobOpenings', scope: SCOPES.jobs },
  { module: 'Candidates', scope: SCOPES.candidates },
  { module: 'Applications', scope: SCOPES.applications },
] as const;

/**
 * Mints a token (a wrong client, secret, refresh token or data centre fails there), then reads
 * one record of each module. Zoho's error tables ([ZR-NOTES], [ZR-GET]) give 401
 * OAUTH_SCOPE_MISMATCH for a token without the module's scope, 403 NO_PERMISSION for a user
 * whose profile may not read it, and 401 INVALID_TOKEN for a token Zoho no longer knows.
 */
async function checkCredentials(ctx: ZohoContext): Promise<void> {
  await accessToken(ctx);
  const client = zohoClient(ctx);
  for (const probe of PROBES) {
    const res = await client.request<any>({ method: 'GET', path: probe.module, query: { per_page: '1' }, accept: [400, 401, 403] });
    if (res.status < 400) continue;
    const code = String(res.data?.code ?? '');
    const vendor = zohoErrorMessage(res.status, res.data, res.headers);
    const detail = vendor ? ` (Zoho: ${vendor})` : '';
    if (code === 'OAUTH_SCOPE_MISMATCH') {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `The Zoho Recruit token may not read ${probe.module}${detail}: the refresh token lacks the scope ${probe.scope}. ` +
          'Generate a new refresh token in the Zoho API Console with the scopes listed on the connect page.',
      );
    }
    if (res.status === 403 || code === 'NO_PERMISSION') {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `The Zoho Recruit user who created the refresh token may not read ${probe.module}${detail}. ` +
          'Give that user a profile with access to the module (Setup → Users and Control → Profiles), or use another user.',
      );
    }
    if (res.status === 401) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `Zoho Recruit refused the access token minted from these credentials${detail}. Check that the data centre matches the account.`,
      );
    }
    throw new AtsgateError('INTEGRATION.PERMISSION_MISSING', `Zoho Recruit refused to list ${probe.module}${detail}.`);
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  webhooks,
  checkCredentials,
  addCandidateResultLink,
  addApplicationResultLink,
  addCandidateAttachment,
  listCandidateAttachments,
  addApplicationNote,
  addApplicationAttachment,
  listApplicationAttachments,
  downloadAttachment,
  // Jobs carry the account's statuses as their stages (./status.ts).
  readJobs: readJobsWithStages,
  readCandidates,
  readApplications,
  readUsers,
  addCandidateTag,
  removeCandidateTag,
  readTags,
  moveApplicationToStage,
  rejectApplication,
  readRejectionReasons,
  passthroughClient: zohoClient,
  listCustomFields,
};
