/**
 * Zoho Recruit users: `GET /users?type=AllUsers` ([ZR-USERS]: active and inactive users, answer
 * `{ users: [...] }` with `id`, `first_name`, `last_name`, `full_name`, `email`, `status`,
 * `role`, `profile`). The page documents no paging parameters; Zoho's record lists page with
 * `page`/`per_page` and `info.more_records` ([ZR-GET]), so those are sent and followed, and the
 * walk also ends on a page that brings no new user (a server that ignores `page`).
 * The users API needs its own scope (ZohoRecruit.users.READ): a token without it (or a profile
 * that may not list users) reads no users instead of failing the whole sync.
 */
import { AtsgateError } from '../../errors.ts';
import type { PageStream, RemoteUser, RemoteSystemRole } from '../types.ts';
import { PAGE_SIZE, zohoClient, zohoTime, type ZohoContext } from './client.ts';
import { lookupId, lookupName, type ZohoRecord } from './read.ts';

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

export function toUser(u: ZohoRecord): RemoteUser | null {
  const id = lookupId(u.id);
  if (!id) return null;
  const status = text(u.status)?.toLowerCase();
  const roles: RemoteSystemRole[] = [u.profile, u.role]
    .filter((r) => r && typeof r === 'object' && lookupName(r))
    .map((r) => ({ remote_id: lookupId(r), remote_label: lookupName(r), scope: 'SYSTEM' as const, unified_type: null }));
  const created = zohoTime(u.created_time);
  const modified = zohoTime(u.Modified_Time ?? u.modified_time);
  return {
    remote_id: id,
    first_name: text(u.first_name),
    last_name: text(u.last_name) ?? (text(u.first_name) ? null : text(u.full_name)),
    email: text(u.email),
    status: status === 'active' ? 'ACTIVE' : status ? 'INACTIVE' : null,
    system_roles: roles,
    remote_created_at: created === null ? null : new Date(created),
    remote_updated_at: modified === null ? null : new Date(modified),
    remote_data: { '/users': u },
  };
}

export async function* readUsers(ctx: ZohoContext): PageStream<RemoteUser> {
  const client = zohoClient(ctx);
  const seen = new Set<string>();
  for (let page = 1; ; page++) {
    const res = await client.request<any>({
      method: 'GET',
      path: 'users',
      query: { type: 'AllUsers', page: String(page), per_page: String(PAGE_SIZE) },
      accept: [401, 403],
    });
    if (res.status === 401 || res.status === 403) {
      const code = String(res.data?.code ?? '');
      if (code === 'OAUTH_SCOPE_MISMATCH' || code === 'NO_PERMISSION' || res.status === 403) return;
      throw new AtsgateError('INTEGRATION.AUTHENTICATION_INVALID', 'Zoho Recruit refused the access token while listing users (HTTP 401).');
    }
    const rows: ZohoRecord[] = res.status === 204 || !Array.isArray(res.data?.users) ? [] : res.data.users;
    const users = rows.map(toUser).filter((u): u is RemoteUser => !!u && !seen.has(u.remote_id));
    if (!users.length) return;
    for (const u of users) seen.add(u.remote_id);
    yield users;
    if (res.data?.info?.more_records !== true) return;
  }
}
