/**
 * Workable candidate tags: text labels on the candidate. `PUT /candidates/:id/tags {tags}`
 * replaces the whole list ("the tags list is assigned to the candidate as-is; if the provided
 * array is empty, all tags for the candidate are deleted"), so a tag is added or removed by
 * reading the candidate's tags (GET /candidates/:id) and sending the list back with that one
 * change: the candidate's other tags survive. Workable has no tag list endpoint, so GET /ats/tags
 * lists the tags seen on the synced candidates.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { findTag, notOnCandidate, sameTag } from '../helpers/tags.ts';
import type { CandidateRef, TagInput, WriteResult } from '../types.ts';
import { withScope, workableClient, type WorkableContext } from './client.ts';
import { SCOPES } from './definition.ts';

async function currentTags(http: HttpClient, id: string): Promise<string[]> {
  const res = await withScope(SCOPES.readCandidates, 'read candidates', () =>
    http.request<{ candidate?: { tags?: string[] | null } }>({
      method: 'GET',
      path: `candidates/${encodeURIComponent(id)}`,
      accept: [404],
    }),
  );
  if (res.status === 404 || !res.data?.candidate)
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `candidate ${id} was not found in Workable.`, { status: 404 });
  return res.data.candidate.tags ?? [];
}

async function putTags(http: HttpClient, id: string, tags: string[]): Promise<void> {
  await withScope(SCOPES.writeCandidates, 'change candidate tags', () =>
    http.request({ method: 'PUT', path: `candidates/${encodeURIComponent(id)}/tags`, json: { tags }, notFound: `candidate ${id}` }),
  );
}

export async function addCandidateTag(ctx: WorkableContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const http = workableClient(ctx);
  const tags = await currentTags(http, candidate.remote_id);
  const existing = findTag(tags, tag.name, (t) => t);
  if (!existing) await putTags(http, candidate.remote_id, [...tags, tag.name]);
  return { warnings: [], tag: { remote_id: null, name: existing ?? tag.name } };
}

export async function removeCandidateTag(ctx: WorkableContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const http = workableClient(ctx);
  const tags = await currentTags(http, candidate.remote_id);
  const kept = tags.filter((t) => !sameTag(t, tag.name));
  if (kept.length === tags.length) return { warnings: [notOnCandidate(tag.name, candidate.remote_id)] };
  await putTags(http, candidate.remote_id, kept);
  return { warnings: [] };
}
