/**
 * Greenhouse (Harvest v3) connector: the definition plus the operations, assembled.
 */
import type { Connector } from '../types.ts';
import { Harvest, type GreenhouseContext } from './client.ts';
import { credentialSchema, definition, SCOPES } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs } from './read.ts';
import { addApplicationResultLink, addCandidateAttachment, addCandidateResultLink, listCandidateAttachments, listCustomFields } from './write.ts';

/**
 * Mints a token (a refusal is INTEGRATION.AUTHENTICATION_INVALID) and reads one record from each
 * list the sync needs, so a scope missing there is reported now, by name, not at the first sync.
 */
async function checkCredentials(ctx: GreenhouseContext): Promise<void> {
  const gh = new Harvest(ctx);
  await gh.token();
  for (const [scope, path] of [
    [SCOPES.candidates, 'candidates'],
    [SCOPES.applications, 'applications'],
    [SCOPES.jobs, 'jobs'],
  ] as const) {
    await gh.request(scope, { method: 'GET', path, query: { per_page: 1 } });
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  checkCredentials,
  addCandidateResultLink,
  addApplicationResultLink,
  addCandidateAttachment,
  listCandidateAttachments,
  readJobs,
  readCandidates,
  readApplications,
  readCandidate,
  // Bearer tokens are minted by the connector (OAuth client credentials), so a passthrough uses
  // the same Harvest session as the connector's own calls, token refresh on a 401 included.
  passthroughClient: (ctx) => new Harvest(ctx).http,
  listCustomFields,
};

export { definition };
