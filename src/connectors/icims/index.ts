/**
 * iCIMS connector: https://api.icims.com/customers/{customerId} (api-eu.icims.com in the EU),
 * OAuth 2.0 client credentials. Facts, sources and open questions: ./README.md.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { FILTER_PREFIX, accessToken, icimsClient, icimsErrorMessage, searchOnce, type IcimsContext, type ProfileType } from './client.ts';
import { credentialSchema, definition } from './definition.ts';
import { unavailableTagAndStatusWrites } from '../helpers/unavailable-writes.ts';
import { readApplications, readCandidates, readJobs } from './read.ts';
import {
  addApplicationAttachment,
  addApplicationNote,
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  downloadAttachment,
  listApplicationAttachments,
  listCandidateAttachments,
} from './write.ts';
import { webhooks } from './webhooks.ts';

export { definition };

const PROBES: { type: ProfileType; what: string }[] = [
  { type: 'jobs', what: 'Jobs' },
  { type: 'people', what: 'People' },
  { type: 'applicantworkflows', what: 'Recruiting Workflows' },
];

/**
 * Mints a token (a wrong client or secret fails there), then runs one search per profile type:
 * the Search API needs the API user in the Integration User group (Search API page), and iCIMS
 * answers 403 for what the user may not see; a 404 means the customer id is not this client's.
 */
async function checkCredentials(ctx: IcimsContext): Promise<void> {
  await accessToken(ctx);
  const client = icimsClient(ctx);
  for (const probe of PROBES) {
    const res = await searchOnce(
      client,
      probe.type,
      [{ name: `${FILTER_PREFIX[probe.type]}.id`, value: ['0'], operator: '>' }],
      [401, 403, 404],
    );
    const vendor = icimsErrorMessage(res.status, res.data, res.headers);
    const detail = vendor ? ` (iCIMS: ${vendor})` : '';
    if (res.status === 401) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `iCIMS refused the access token minted for this client${detail}. Check that the client belongs to customer ${ctx.credentials.customer_id}.`,
      );
    }
    if (res.status === 403) {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `The iCIMS API user may not search ${probe.what}${detail}. Ask your iCIMS Integration Specialist to put the API user in the ` +
          `Integration User group (the Search API requires it) with access to ${probe.what}.`,
      );
    }
    if (res.status === 404) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `iCIMS has no customer ${ctx.credentials.customer_id} for this client${detail}. Check the customer ID and the data region (US or EU).`,
      );
    }
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  webhooks,
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
  readJobs,
  readCandidates,
  readApplications,
  passthroughClient: (ctx) => icimsClient(ctx),
};
