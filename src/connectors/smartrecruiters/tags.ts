/**
 * SmartRecruiters candidate tags: text labels on the candidate, with calls of their own [SR-RB
 * `candidates_api.rb` candidates_tags_get/add/replace/delete; SR-PY `docs/CandidatesApi.md`]:
 * POST adds ("it doesn't replace existing tags"), PUT replaces the whole list, DELETE removes
 * every tag. A tag is added with POST (after reading the candidate's tags, for the case-insensitive
 * match); one tag is removed by PUTting the list without it, or with DELETE when it was the only
 * one (PUT of an empty list is not documented either way). SmartRecruiters' API has no account
 * tag list, so GET /ats/tags lists the tags on synced candidates.
 */
import type { HttpClient } from '../../http/client.ts';
import { findTag, notOnCandidate, sameTag } from '../helpers/tags.ts';
import type { CandidateRef, TagInput, WriteResult } from '../types.ts';
import { smartRecruitersClient, type SmartRecruitersContext } from './client.ts';

const path = (id: string) => `candidates/${encodeURIComponent(id)}/tags`;

async function currentTags(client: HttpClient, id: string): Promise<string[]> {
  const res = await client.request<{ tags?: string[] | null }>({ method: 'GET', path: path(id), notFound: `candidate ${id}` });
  return res.data?.tags ?? [];
}

export async function addCandidateTag(ctx: SmartRecruitersContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const client = smartRecruitersClient(ctx);
  const id = candidate.remote_id;
  const existing = findTag(await currentTags(client, id), tag.name, (t) => t);
  if (!existing) await client.request({ method: 'POST', path: path(id), json: { tags: [tag.name] }, notFound: `candidate ${id}` });
  return { warnings: [], tag: { remote_id: null, name: existing ?? tag.name } };
}

export async function removeCandidateTag(ctx: SmartRecruitersContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const client = smartRecruitersClient(ctx);
  const id = candidate.remote_id;
  const tags = await currentTags(client, id);
  const kept = tags.filter((t) => !sameTag(t, tag.name));
  if (kept.length === tags.length) return { warnings: [notOnCandidate(tag.name, id)] };
  if (kept.length) await client.request({ method: 'PUT', path: path(id), json: { tags: kept }, notFound: `candidate ${id}` });
  else await client.request({ method: 'DELETE', path: path(id), notFound: `candidate ${id}` });
  return { warnings: [] };
}
