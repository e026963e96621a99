/** GET /v1/ats/jobs | candidates | applications | users | tags | rejection-reasons, and a candidate's or an application's attachments. */
import type { FastifyPluginAsync } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../types.ts';
import { integrationFromHeader } from '../request-context.ts';
import { ok, action } from '../envelope.ts';
import { IdParam, LIMITS, ListQuery, type ListQueryString } from '../schemas.ts';
import {
  listApplications,
  listCandidates,
  listJobs,
  listRejectionReasons,
  listTags,
  listUsers,
  type ListQuery as StoreQuery,
} from '../../store/read-models.ts';
import { listApplicationAttachments, listCandidateAttachments } from '../../writes/service.ts';
import { inputInvalid } from '../../errors.ts';
import { completeToSchema } from '../complete.ts';
import {
  ApplicationsResponse,
  CandidatesResponse,
  JobsResponse,
  RejectionReasonsResponse,
  TagsResponse,
  UsersResponse,
} from '../responses.ts';

const csv = (s: string | undefined) =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

const EARLIEST = Date.parse('0001-01-01T00:00:00Z');

function toStoreQuery(q: ListQueryString): StoreQuery {
  const pageSize = q.page_size === undefined ? 100 : Number(q.page_size);
  if (pageSize < 1 || pageSize > LIMITS.pageSize)
    throw inputInvalid(`Invalid query parameter: "page_size" must be from 1 to ${LIMITS.pageSize}.`);
  const outcomes = csv(q.outcomes) ?? (q.outcome ? [q.outcome] : undefined);
  for (const o of outcomes ?? [])
    if (!['PENDING', 'HIRED', 'DECLINED'].includes(o))
      throw inputInvalid(
        `Invalid query parameter: "outcomes" must be a comma-separated list of PENDING, HIRED, DECLINED (got "${o.slice(0, 40)}").`,
      );
  for (const [name, v] of [
    ['updated_after', q.updated_after],
    ['remote_created_after', q.remote_created_after],
  ] as const) {
    if (v !== undefined && Number.isNaN(Date.parse(v))) throw inputInvalid(`Invalid query parameter: "${name}" is not a valid date-time.`);
    // PostgreSQL has no year 0; "0000-01-01" passed the pattern and failed in the database.
    if (v !== undefined && Date.parse(v) < EARLIEST)
      throw inputInvalid(`Invalid query parameter: "${name}" must be on or after 0001-01-01.`);
  }
  return {
    cursor: q.cursor || undefined,
    page_size: pageSize,
    updated_after: q.updated_after ? new Date(q.updated_after).toISOString() : undefined,
    include_deleted: q.include_deleted === 'true',
    ids: csv(q.ids),
    remote_ids: csv(q.remote_ids),
    email: q.email,
    job_ids: csv(q.job_ids),
    first_name: q.first_name,
    last_name: q.last_name,
    outcomes,
    job_remote_ids: csv(q.job_remote_ids),
    current_stage_ids: csv(q.current_stage_ids),
    remote_created_after: q.remote_created_after ? new Date(q.remote_created_after).toISOString() : undefined,
    statuses: csv(q.statuses) ?? (q.status ? [q.status] : undefined),
    job_codes: csv(q.job_codes),
    name_contains: q.name_contains,
    employment_types: csv(q.employment_types),
    visibilities: csv(q.visibilities),
    post_url: q.post_url,
    emails: csv(q.emails),
  };
}

export const atsReadRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const lists = {
      jobs: { list: listJobs, response: JobsResponse },
      candidates: { list: listCandidates, response: CandidatesResponse },
      applications: { list: listApplications, response: ApplicationsResponse },
      users: { list: listUsers, response: UsersResponse },
      tags: { list: listTags, response: TagsResponse },
      'rejection-reasons': { list: listRejectionReasons, response: RejectionReasonsResponse },
    } as const;
    for (const [model, { list, response }] of Object.entries(lists)) {
      app.get(`/${model}`, { schema: { querystring: ListQuery } }, async (req) => {
        const integration = await integrationFromHeader(rt, req, { requireSynced: true });
        return completeToSchema(ok(await list(rt.db, integration.id, toStoreQuery(req.query as ListQueryString))), response);
      });
    }

    app.get('/candidates/:candidate_id/attachments', { schema: { params: IdParam('candidate_id') } }, async (req) => {
      const integration = await integrationFromHeader(rt, req, { requireSynced: true });
      const { candidate_id } = req.params as { candidate_id: string };
      const out = await listCandidateAttachments(
        rt,
        { accountId: req.auth!.accountId, integration, method: req.method, path: req.url },
        candidate_id,
      );
      return action({ results: out.results }, out.warnings);
    });

    app.get('/applications/:application_id/attachments', { schema: { params: IdParam('application_id') } }, async (req) => {
      const integration = await integrationFromHeader(rt, req, { requireSynced: true });
      const { application_id } = req.params as { application_id: string };
      const out = await listApplicationAttachments(
        rt,
        { accountId: req.auth!.accountId, integration, method: req.method, path: req.url },
        application_id,
      );
      return action({ results: out.results }, out.warnings);
    });
  };
