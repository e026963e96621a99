/**
 * Bullhorn connector: REST API on the corporation's restUrl, reached through loginInfo, OAuth 2.0
 * and the REST login (BhRestToken). Facts, sources and open questions: ./README.md.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { bullhornClient, type BullhornContext } from './client.ts';
import { credentialSchema, definition } from './definition.ts';
import { unavailableTagAndStatusWrites } from '../helpers/unavailable-writes.ts';
import { readApplications, readCandidates, readJobs, readUsers } from './read.ts';
import { moveApplicationToStage, readRejectionReasons, rejectApplication } from './status.ts';
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

/** The entities a sync reads, each probed with one row. */
const PROBES = [
  { path: 'search/JobOrder', query: { query: 'isDeleted:0', fields: 'id' }, what: 'jobs (JobOrder)' },
  { path: 'search/Candidate', query: { query: 'isDeleted:0', fields: 'id' }, what: 'candidates (Candidate)' },
  { path: 'query/JobSubmission', query: { where: 'isDeleted=false', fields: 'id' }, what: 'submissions (JobSubmission)' },
];

/**
 * Logs in (loginInfo, OAuth, REST login: each refusal says which credential to check), then
 * reads one row of each entity. Bullhorn answers 403 for what the API user's entitlements hide
 * (errors page: "The entity requested is hidden").
 */
async function checkCredentials(ctx: BullhornContext): Promise<void> {
  if (!ctx.credentials.password && !ctx.credentials.refresh_token) {
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      "The Bullhorn integration needs the API user's password (or a refresh token) besides the client ID and secret.",
    );
  }
  const client = await bullhornClient(ctx);
  for (const probe of PROBES) {
    const res = await client.request({ method: 'GET', path: probe.path, query: { ...probe.query, count: '1' }, accept: [401, 403] });
    if (res.status === 401 || res.status === 403) {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `The Bullhorn API user may not read ${probe.what}. Ask your Bullhorn administrator to give the API user's user type access to them.`,
      );
    }
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  webhooks,
  // Tags refuse (Bullhorn has none); stage moves and rejections are the JobSubmission status.
  ...unavailableTagAndStatusWrites(definition.capabilities),
  moveApplicationToStage,
  rejectApplication,
  readRejectionReasons,
  readUsers,
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
  listCustomFields,
  passthroughClient: bullhornClient,
};
