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
};
