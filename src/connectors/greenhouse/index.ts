/**
 * Greenhouse (Harvest v3) connector: the definition plus the operations, assembled.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { Harvest, type GreenhouseContext } from './client.ts';
import { credentialSchema, definition, SCOPES } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs, readUsers } from './read.ts';
import { webhooks } from './webhooks.ts';
import {
  addApplicationAttachment,
  addApplicationNote,
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  listApplicationAttachments,
  listCandidateAttachments,
  listCustomFields,
  moveApplicationToStage,
  readRejectionReasons,
  rejectApplication,
} from './write.ts';
import { addCandidateTag, removeCandidateTag } from './tags.ts';

/**
 * Mints a token for the reading user (a refusal is INTEGRATION.AUTHENTICATION_INVALID), checks
 * that this user is a Site Admin, reads one record from each list the sync needs (so a missing
 * scope is named now, not at the first sync), and mints a token for the note author too.
 */
async function checkCredentials(ctx: GreenhouseContext): Promise<void> {
  const reader = Harvest.reader(ctx);
  await reader.token();
  await assertSiteAdmin(reader);
  for (const [scope, path] of [
    [SCOPES.candidates, 'candidates'],
    [SCOPES.applications, 'applications'],
    [SCOPES.jobs, 'jobs'],
  ] as const) {
    await reader.request(scope, { method: 'GET', path, query: { per_page: 1 } });
  }
  const author = Harvest.actor(ctx);
  if (author.userId !== reader.userId) await author.token();
}

/**
 * Harvest v3 GET/list endpoints "are only accessible by site admin users. All other user types
 * will not return results" [GH-V3T contract-foundation §A, 0001:55, 0002:48]: a non-admin
 * reading user would sync nothing, silently. GET /v3/users is itself such a list, and it
 * carries each user's `site_admin` flag [GH-V3T inventory 0169:798], so one call settles it:
 * - our user listed with site_admin true: fine;
 * - listed with site_admin false, or deactivated: refused;
 * - an empty answer: the user is not a Site Admin (or, for the service account, not at that
 *   level), since a Site Admin always sees at least itself.
 * `show_service_accounts` makes the credential's own service user visible (it is hidden by default).
 */
async function assertSiteAdmin(reader: Harvest): Promise<void> {
  const query = reader.userId ? { ids: reader.userId, show_service_accounts: 'true' } : { per_page: 1, show_service_accounts: 'true' };
  const res = await reader.request<{ id: number | string; site_admin?: boolean | null; deactivated?: boolean | null }[]>(SCOPES.users, {
    method: 'GET',
    path: 'users',
    query,
  });
  const rows = Array.isArray(res.data) ? res.data : [];
  const who = reader.userId ? `user ${reader.userId}` : "the credential's service account";
  const fix =
    'Harvest v3 returns list results only to Site Admins, so syncs and custom-field lookups would come back empty. ' +
    'Set "Reading user ID" to a Site Admin\'s id (Configure > Users; the note author can stay a different user), or give this user the Site Admin level.';
  // Without a `sub` we do not know the service account's id: that it sees any user is the test.
  const self = reader.userId ? rows.find((u) => String(u.id) === reader.userId) : rows.length ? { id: '', site_admin: true } : undefined;
  if (!self) {
    throw new AtsgateError('INTEGRATION.PERMISSION_MISSING', `Greenhouse lists nothing to ${who}: it is not a Site Admin. ${fix}`);
  }
  if (self.deactivated === true) {
    throw new AtsgateError('INTEGRATION.PERMISSION_MISSING', `Greenhouse ${who} is deactivated. ${fix}`);
  }
  if (self.site_admin !== true) {
    throw new AtsgateError('INTEGRATION.PERMISSION_MISSING', `Greenhouse ${who} is not a Site Admin. ${fix}`);
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  checkCredentials,
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
  readUsers,
  webhooks,
  // Bearer tokens are minted by the connector (OAuth client credentials), so a passthrough uses
  // the same Harvest session as the connector's own calls, token refresh on a 401 included.
  // (as the Site Admin reading user: v3 lists answer only to Site Admins).
  passthroughClient: (ctx) => Harvest.reader(ctx).http,
  listCustomFields,
};

export { definition };
