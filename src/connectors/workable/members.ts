/**
 * Who a comment is posted as. Workable requires a `member_id` on every comment
 * (https://workable.readme.io/reference/comment-on-candidate), and its members page exists in
 * two shapes (https://workable.readme.io/reference/members):
 *   - older revisions: `role: "admin" | "simple" | "reviewer" | "no_access"`;
 *   - the current one: `roles: ["ats.admin", "ats.simple", "ats.reviewer", "hris.*",
 *     "workable.superadmin", <permission sets>]`.
 * Both are read. The documented `role=admin` query filter (simple/admin/reviewer) is tried
 * first; if Workable refuses it or it yields no member recognisable as an admin, every active
 * member is listed and an admin picked from their roles.
 */
import { AtsgateError } from '../../errors.ts';
import { splitName } from '../helpers/names.ts';
import type { HttpClient } from '../../http/client.ts';
import type { RemoteFields, RemoteSystemRole, RemoteUser } from '../types.ts';
import { withScope, workableClient, type WorkableContext } from './client.ts';
import { SCOPES } from './definition.ts';
import { listPages } from './paging.ts';

export interface WkMember {
  id: string;
  name?: string | null;
  email?: string | null;
  /** Older revisions of the members page. */
  role?: string | null;
  /** The current revision. */
  roles?: string[] | null;
  active?: boolean | null;
}

/** Lower is preferred. A super admin sees everything; an ATS admin every job's candidates. */
const ADMIN_RANK: Record<string, number> = { 'workable.superadmin': 0, super_admin: 0, 'ats.admin': 1, admin: 1 };
const NOT_ADMIN = Number.POSITIVE_INFINITY;

/**
 * How strongly a member qualifies as the default comment author. `vouched`: the list was
 * filtered with `role=admin`, so a member whose role fields are absent still counts (last).
 */
export function adminRank(m: WkMember, vouched: boolean): number {
  const roles = [...(m.roles ?? []), ...(m.role ? [m.role] : [])];
  const ranks = roles.map((r) => ADMIN_RANK[r] ?? NOT_ADMIN);
  if (ranks.length) return Math.min(...ranks);
  return vouched ? 2 : NOT_ADMIN;
}

function bestAdmin(members: WkMember[], vouched: boolean): WkMember | undefined {
  let best: WkMember | undefined;
  let bestRank = NOT_ADMIN;
  for (const m of members) {
    if (m.active === false) continue;
    const rank = adminRank(m, vouched);
    if (rank < bestRank) [best, bestRank] = [m, rank];
  }
  return best;
}

async function allMembers(http: HttpClient, query: Record<string, string | number>): Promise<WkMember[]> {
  const out: WkMember[] = [];
  for await (const page of listPages<WkMember>(http, 'members', 'members', query)) out.push(...page);
  return out;
}

/** The first active admin: filtered by the documented `role=admin`, else picked from all active members. */
async function findDefaultAdmin(http: HttpClient): Promise<WkMember | undefined> {
  const list = (query: Record<string, string>) =>
    withScope(SCOPES.readJobs, 'list members (to pick who comments are posted as)', () => allMembers(http, query));
  try {
    const admin = bestAdmin(await list({ role: 'admin', status: 'active' }), true);
    if (admin) return admin;
  } catch (err) {
    // A filter value the current API no longer accepts is a 400/422; anything else is real.
    if (!(err instanceof AtsgateError && err.code === 'REMOTE.INPUT_INVALID')) throw err;
  }
  return bestAdmin(await list({ status: 'active' }), false);
}

const DEFAULT_MEMBER_KEY = 'workable:default_member_id';

/**
 * Comments are posted as a member: the one the caller names, else the credential's member_id,
 * else the first active admin of the account (looked up once per process).
 */
export async function actingMember(ctx: WorkableContext, http: HttpClient, remoteFields: RemoteFields): Promise<string> {
  const named = remoteFields.workable?.on_behalf_of_user_remote_id?.trim();
  if (named) return named;
  const configured = ctx.credentials.member_id?.trim();
  if (configured) return configured;
  const cached = ctx.cache.get(DEFAULT_MEMBER_KEY);
  if (typeof cached === 'string') return cached;
  const admin = await findDefaultAdmin(http);
  if (!admin) {
    throw new AtsgateError(
      'INTEGRATION.SETUP_INCOMPLETE',
      "Workable needs a member to post comments as, and the account has no active admin visible to the API token: set the integration's member_id or pass remote_fields.workable.on_behalf_of_user_remote_id.",
    );
  }
  ctx.cache.set(DEFAULT_MEMBER_KEY, admin.id);
  return admin.id;
}

// ---------------------------------------------------------------------------------------------
// GET /v1/ats/users
// ---------------------------------------------------------------------------------------------

/** Kombo's unified type for Workable's roles, current (`ats.*`, `workable.superadmin`) and legacy. */
const UNIFIED_ROLE: Record<string, RemoteSystemRole['unified_type']> = {
  'workable.superadmin': 'ADMIN',
  'ats.admin': 'ADMIN',
  admin: 'ADMIN',
  super_admin: 'ADMIN',
};

/**
 * Every member, active or not (`status=all`; the default is active only [WK-MEM]), as users.
 * The members page has one `name` (split at its first space) and `active`; roles come from
 * `roles[]` (current) or `role` (older revisions). Only the admin roles have a clear Kombo
 * type; `ats.simple`, `ats.reviewer`, HR roles and custom permission sets keep their label only.
 */
export async function* readUsers(ctx: WorkableContext): AsyncGenerator<RemoteUser[]> {
  const http = workableClient(ctx);
  const pages = listPages<WkMember>(http, 'members', 'members', { status: 'all' });
  while (true) {
    const next = await withScope(SCOPES.readJobs, 'list members (users)', () => pages.next());
    if (next.done) return;
    yield next.value.map(toRemoteUser);
  }
}

export function toRemoteUser(m: WkMember): RemoteUser {
  const roles = [...(m.roles ?? []), ...(m.role ? [m.role] : [])];
  return {
    remote_id: m.id,
    ...splitName(m.name),
    email: m.email ?? null,
    status: m.active === true ? 'ACTIVE' : m.active === false ? 'INACTIVE' : null,
    system_roles: roles.map((r) => ({ remote_id: r, remote_label: r, scope: 'SYSTEM', unified_type: UNIFIED_ROLE[r] ?? null })),
    remote_data: { '/members': m },
  };
}
