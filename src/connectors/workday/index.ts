/**
 * Workday Recruiting connector: SOAP Recruiting web service at
 * https://{host}/ccx/service/{tenant}/Recruiting/{version}, WS-Security UsernameToken for an
 * Integration System User. Facts, sources and open questions: ./README.md.
 */
import { unavailableTagAndStatusWrites } from '../helpers/unavailable-writes.ts';
import type { Connector } from '../types.ts';
import { call, workdayClient, type WorkdayContext } from './client.ts';
import { credentialSchema, definition } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs } from './read.ts';
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

/**
 * One page of one record for each operation the sync reads: a wrong user or password is
 * Workday's authenticationError fault (AUTHENTICATION_INVALID); an operation whose domain the
 * user's security group lacks is "The task submitted is not authorized" (PERMISSION_MISSING,
 * naming the domain). Put access is not probed: Workday has no dry-run for a Put.
 */
async function checkCredentials(ctx: WorkdayContext): Promise<void> {
  const client = workdayClient(ctx);
  const probe = { Response_Filter: { Page: 1, Count: 1 }, Response_Group: { Include_Reference: true } };
  for (const operation of ['Get_Job_Requisitions', 'Get_Candidates']) await call(ctx, operation, probe, client);
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
  readCandidate,
  // Workday's outbound notifications are tenant-built integrations documented only behind Workday's login (README, Webhooks).
  webhooksUnavailable: {
    reason:
      "Workday sends no webhooks atsgate can take: its outbound notifications are subscriptions of an Integration System the customer's " +
      'Workday team builds and maintains in the tenant (Edit Subscriptions, a notification URL and credentials), and Workday documents ' +
      'their message format and how the credentials are sent only behind its customer login, so atsgate has no public source to verify ' +
      'a delivery or to find the candidate or job application it names.',
    docs: [
      'https://docs.tibco.com/pub/bwpluginworkday/6.0.1/doc/html/GUID-F32A0969-D440-45A3-99DC-31DD0F01DA02.html',
      'https://docs.tibco.com/pub/bwmi/6.3.0/doc/html/GUID-E8025CB0-321B-4AB2-BAAD-FDCF9A453FDA.html',
    ],
  },
};
