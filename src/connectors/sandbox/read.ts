import type {
  ConnectorContext,
  ReadOptions,
  RemoteApplication,
  RemoteCandidate,
  RemoteJob,
  RemoteRejectionReason,
  RemoteSystemRole,
  RemoteUser,
} from '../types.ts';
import { paginate } from '../helpers/pagination.ts';
import { SandboxClient, type SandboxObject } from './client.ts';
import { sandboxTagId } from './tags.ts';

type Ctx = ConnectorContext<{ api_key: string }>;
const PAGE = 100;
const remoteUrl = (path: string) => `https://sandbox.atsgate.dev/${path}`;

function pages(ctx: Ctx, kind: string, opts: ReadOptions) {
  return paginate<SandboxObject, string>(async (after) => {
    const client = SandboxClient.from(ctx);
    await client.ensureSeeded();
    const items = await client.list(kind, { after: after ?? undefined, limit: PAGE, updatedAfter: opts.updatedAfter });
    return { items, next: items.length === PAGE ? items[items.length - 1].remote_id : null };
  });
}

async function* mapped<T>(src: AsyncIterable<SandboxObject[]>, fn: (o: SandboxObject) => T): AsyncGenerator<T[]> {
  for await (const page of src) yield page.map(fn);
}

export const toJob = (o: SandboxObject): RemoteJob => ({
  remote_id: o.remote_id,
  name: o.data.name,
  job_code: o.data.job_code,
  department: o.data.department,
  status: o.data.status,
  employment_type: o.data.employment_type,
  visibility: 'PUBLIC',
  confidential: false,
  remote_url: remoteUrl(`jobs/${o.remote_id}`),
  opened_at: o.created_at,
  remote_created_at: o.created_at,
  remote_updated_at: o.updated_at,
  stages: o.data.stages,
  custom_fields: {},
});

export const toCandidate = (o: SandboxObject, resultLinks: SandboxObject[] = []): RemoteCandidate => ({
  remote_id: o.remote_id,
  first_name: o.data.first_name,
  last_name: o.data.last_name,
  company: o.data.company,
  title: o.data.title,
  source: o.data.source,
  confidential: false,
  email_addresses: [{ email_address: o.data.email, type: 'PERSONAL' }],
  phone_numbers: [{ phone_number: o.data.phone, type: 'MOBILE' }],
  custom_fields: o.data.custom_fields ?? {},
  tags: (o.data.tags ?? []).map((name: string) => ({ remote_id: sandboxTagId(name), name })),
  remote_url: remoteUrl(`candidates/${o.remote_id}`),
  remote_created_at: o.created_at,
  remote_updated_at: o.updated_at,
  remote_data: { [`/candidates/${o.remote_id}`]: { ...o.data, result_links: resultLinks.map((l) => l.data) } },
});

export const toApplication = (o: SandboxObject, resultLinks: SandboxObject[] = []): RemoteApplication => ({
  remote_id: o.remote_id,
  candidate_remote_id: o.parent_id!,
  job_remote_id: o.data.job_remote_id,
  current_stage: { remote_id: o.data.stage_remote_id, name: stageName(o.data.stage_remote_id), index: stageIndex(o.data.stage_remote_id) },
  outcome: o.data.outcome,
  rejection_reason_name: REJECTION_REASONS.find((r) => r.remote_id === o.data.rejection_reason_remote_id)?.name ?? null,
  rejected_at: o.data.rejected_at ?? null,
  custom_fields: o.data.custom_fields ?? {},
  remote_url: remoteUrl(`applications/${o.remote_id}`),
  remote_created_at: o.created_at,
  remote_updated_at: o.updated_at,
  remote_data: { [`/applications/${o.remote_id}`]: { ...o.data, result_links: resultLinks.map((l) => l.data) } },
});

/** The sandbox's rejection reasons: fixed configuration of the simulated ATS, as in a real account. */
export const REJECTION_REASONS: readonly RemoteRejectionReason[] = [
  { remote_id: 'reason-not-a-fit', name: 'Not a fit' },
  { remote_id: 'reason-skills', name: 'Lacks required skills' },
  { remote_id: 'reason-withdrew', name: 'Candidate withdrew' },
  { remote_id: 'reason-position-filled', name: 'Position filled' },
].map((r) => ({ ...r, remote_data: { [`/rejection_reasons/${r.remote_id}`]: r } }));

export async function* readRejectionReasons(ctx: Ctx): AsyncGenerator<RemoteRejectionReason[]> {
  SandboxClient.from(ctx); // the key is checked as for every read
  yield [...REJECTION_REASONS];
}

const STAGE_NAMES = ['Applied', 'Screening', 'Technical assessment', 'Interview', 'Offer'];
const stageIndex = (id: string) => Number(/-stage-(\d+)$/.exec(id)?.[1] ?? 1) - 1;
const stageName = (id: string) => STAGE_NAMES[stageIndex(id)] ?? null;

/** Result links grouped by the object they hang on, for one page. */
async function linksFor(client: SandboxClient, ids: string[]): Promise<Map<string, SandboxObject[]>> {
  const out = new Map<string, SandboxObject[]>();
  if (!ids.length) return out;
  for (const l of await client.list('result_link', { limit: 10_000, parentIds: ids })) {
    out.set(l.parent_id!, [...(out.get(l.parent_id!) ?? []), l]);
  }
  return out;
}

export const readJobs = (ctx: Ctx, opts: ReadOptions) => mapped(pages(ctx, 'job', opts), toJob);

export async function* readCandidates(ctx: Ctx, opts: ReadOptions): AsyncGenerator<RemoteCandidate[]> {
  const client = SandboxClient.from(ctx);
  for await (const page of pages(ctx, 'candidate', opts)) {
    const links = await linksFor(
      client,
      page.map((o) => o.remote_id),
    );
    yield page.map((o) => toCandidate(o, links.get(o.remote_id)));
  }
}

export async function* readApplications(ctx: Ctx, opts: ReadOptions): AsyncGenerator<RemoteApplication[]> {
  const client = SandboxClient.from(ctx);
  for await (const page of pages(ctx, 'application', opts)) {
    const links = await linksFor(
      client,
      page.map((o) => o.remote_id),
    );
    yield page.map((o) => toApplication(o, links.get(o.remote_id)));
  }
}

export async function readCandidate(ctx: Ctx, remoteId: string) {
  const client = SandboxClient.from(ctx);
  const c = await client.get('candidate', remoteId);
  if (!c) return null;
  const apps = await client.list('application', { limit: 1000, parentIds: [remoteId] });
  const links = await linksFor(client, [remoteId, ...apps.map((a) => a.remote_id)]);
  return { candidate: toCandidate(c, links.get(remoteId)), applications: apps.map((a) => toApplication(a, links.get(a.remote_id))) };
}

const UNIFIED: Record<string, RemoteSystemRole['unified_type']> = {
  Recruiter: 'RECRUITER',
  'Hiring Manager': 'HIRING_MANAGER',
  Admin: 'ADMIN',
  Coordinator: 'COORDINATOR',
  Interviewer: 'INTERVIEWER',
};

export const toUser = (o: SandboxObject): RemoteUser => ({
  remote_id: o.remote_id,
  first_name: o.data.first_name,
  last_name: o.data.last_name,
  email: o.data.email,
  status: o.data.active ? 'ACTIVE' : 'INACTIVE',
  system_roles: [
    {
      remote_id: o.data.role.toLowerCase().replace(/\W+/g, '_'),
      remote_label: o.data.role,
      scope: 'SYSTEM',
      unified_type: UNIFIED[o.data.role] ?? null,
    },
  ],
  remote_created_at: o.created_at,
  remote_updated_at: o.updated_at,
  remote_data: { [`/users/${o.remote_id}`]: o.data },
});

export async function* readUsers(ctx: Ctx): AsyncGenerator<RemoteUser[]> {
  const client = SandboxClient.from(ctx);
  await client.ensureSeeded();
  await client.ensureUsersSeeded();
  yield* mapped(pages(ctx, 'user', {}), toUser);
}
