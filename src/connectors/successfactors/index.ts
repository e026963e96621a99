/**
 * SAP SuccessFactors Recruiting connector: OData v2 on https://{api_server}/odata/v2, OAuth 2.0
 * SAML bearer assertion signed with the customer's key. Facts, sources and open questions: ./README.md.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { unavailableTagAndStatusWrites } from '../helpers/unavailable-writes.ts';
import { accessToken, odataQuery, sfClient, sfErrorMessage, type SfContext } from './client.ts';
import { credentialSchema, definition } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs, readUsers } from './read.ts';
import { webhooks } from './webhooks.ts';
import {
  addApplicationAttachment,
  addApplicationNote,
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  downloadAttachment,
  listApplicationAttachments,
  listCandidateAttachments,
  moveApplicationToStage,
  readRejectionReasons,
  rejectApplication,
} from './write.ts';

export { definition };

/** One probe per entity the sync reads; the permission named is the OData API permission SAP's role editor shows. */
const PROBES: { entity: string; key: string; permission: string }[] = [
  { entity: 'JobRequisition', key: 'jobReqId', permission: 'Recruiting Permissions → Job Requisition Data Model (read)' },
  { entity: 'Candidate', key: 'candidateId', permission: 'Recruiting Permissions → Candidate profile / OData API Candidate Export' },
  { entity: 'JobApplication', key: 'applicationId', permission: 'Recruiting Permissions → OData API Job Application Export' },
];

/**
 * Mints a token (a wrong key, certificate, company or user fails there), then reads one entity
 * of each kind (`$top=1`): SuccessFactors answers 403 for an entity the API user's role does
 * not permit, and 401 when the token is not accepted.
 */
async function checkCredentials(ctx: SfContext): Promise<void> {
  await accessToken(ctx);
  const client = sfClient(ctx);
  for (const probe of PROBES) {
    const res = await odataQuery(client, probe.entity, { $top: '1', $select: probe.key }, [401, 403]);
    const vendor = sfErrorMessage(res.status, res.data, res.headers);
    const detail = vendor ? ` (SuccessFactors: ${vendor})` : '';
    if (res.status === 401) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `SuccessFactors refused the access token minted for this client${detail}.`,
      );
    }
    if (res.status === 403) {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `The SuccessFactors API user may not read ${probe.entity}${detail}. Grant its role the permission "${probe.permission}".`,
      );
    }
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  ...unavailableTagAndStatusWrites(definition.capabilities),
  checkCredentials,
  addCandidateResultLink,
  addApplicationResultLink,
  addCandidateAttachment,
  listCandidateAttachments,
  addApplicationNote,
  addApplicationAttachment,
  listApplicationAttachments,
  downloadAttachment,
  moveApplicationToStage,
  rejectApplication,
  readRejectionReasons,
  readJobs,
  readCandidates,
  readApplications,
  readUsers,
  // A webhook's targeted re-read (src/webhooks/vendor/refresh.ts).
  readCandidate,
  // Intelligent Services events through an Integration Center REST integration, Basic auth with atsgate's secret (README, Webhooks).
  webhooks,
  passthroughClient: (ctx) => sfClient(ctx),
};
