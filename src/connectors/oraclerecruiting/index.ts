/**
 * Oracle Recruiting Cloud connector: Oracle's HCM REST API on the customer's Fusion host with a
 * Fusion user's Basic credentials. Facts, sources and open questions: ./README.md.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { unavailableTagAndStatusWrites } from '../helpers/unavailable-writes.ts';
import { oracleClient, oracleErrorMessage, oracleRootClient, type OracleContext } from './client.ts';
import { credentialSchema, definition, ROLES } from './definition.ts';
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

export { definition };

/** The resources a sync reads, each probed with one row, in this order. */
const PROBES: { path: string; what: string; role: string }[] = [
  { path: 'recruitingJobRequisitions', what: 'job requisitions', role: ROLES.requisitions },
  { path: 'recruitingCandidates', what: 'candidates', role: ROLES.candidates },
  { path: 'recruitingJobApplications', what: 'job applications', role: ROLES.applications },
];

/**
 * Reads one row of each resource. A wrong user name or password is a 401 on the first call; a
 * user without a resource's REST role gets 403 there. A 404 on the first call means the host
 * serves no HCM REST API. Data security (which requisitions and candidates the user may see)
 * shows as fewer rows, never as an error, so it cannot be probed; the help text asks for it.
 */
async function checkCredentials(ctx: OracleContext): Promise<void> {
  const client = oracleClient(ctx);
  for (const [i, probe] of PROBES.entries()) {
    const res = await client.request({
      method: 'GET',
      path: probe.path,
      query: { onlyData: 'true', limit: '1' },
      accept: [401, 403, 404],
    });
    const vendor = oracleErrorMessage(res.status, res.data, res.headers);
    const detail = vendor ? ` (Oracle: ${vendor})` : '';
    if (res.status === 401) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `Oracle refused the user name or password${detail}. Check both, and that the user can sign in to ${ctx.credentials.host}.`,
      );
    }
    if (res.status === 404 && i === 0) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `${ctx.credentials.host} answered that it has no HCM REST API${detail}. Check the Oracle Cloud host (your Fusion sign-in host).`,
      );
    }
    if (res.status === 403 || res.status === 404) {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `The Oracle user may not read ${probe.what} through the REST API${detail}. Give it the role "${probe.role}" in Security Console.`,
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
  readJobs,
  readCandidates,
  readApplications,
  // Oracle HCM's change feeds are Atom feeds (polled) for worker and work-structure data only (README, Webhooks).
  webhooksUnavailable: {
    reason:
      'Oracle Recruiting Cloud sends no webhooks atsgate could take: the change notifications Oracle HCM documents are Atom feeds, which are ' +
      'polled, not pushed, and are published for worker and work-structure data (new hires, terminations, employee updates, jobs, locations, ' +
      'positions…), not for candidates or job applications.',
    docs: [
      'https://docs.oracle.com/en/cloud/saas/human-resources/farws/Working_with_Atom.html',
      'https://docs.oracle.com/en/cloud/saas/human-resources/24c/farws/Notifying_Downstream_Applications_of_Employee_and_Work_Structures_Changes.html',
      'https://docs.oracle.com/en/cloud/saas/human-resources/farws/Workstructures_Atom_Feeds.html',
    ],
  },
  // Kombo's `oraclerecruiting/rest` passthrough is rooted at the host ("https://{company_url}").
  passthroughClient: (ctx) => oracleRootClient(ctx),
};
