/**
 * Teamtailor candidate tags: the candidate's `tags` attribute, an array of text, writable with
 * "Update Candidate" (`PATCH /v1/candidates/:id`, JSON:API) [TT-DOCS candidates/_index (attribute
 * `tags`, not read-only), candidates/_update]. An attribute is set whole, so a tag is added or
 * removed by reading the candidate's tags and sending the list back with that one change.
 * Teamtailor's API has no tag list of its own, so GET /ats/tags lists the tags on synced candidates.
 */
import type { HttpClient } from '../../http/client.ts';
import { findTag, notOnCandidate, sameTag } from '../helpers/tags.ts';
import type { CandidateRef, TagInput, WriteResult } from '../types.ts';
import { sendDocument, teamtailorClient, type JsonApiDocument, type Resource, type TeamtailorContext } from './client.ts';

async function currentTags(client: HttpClient, id: string): Promise<string[]> {
  const res = await client.request<JsonApiDocument<Resource>>({
    method: 'GET',
    path: `candidates/${encodeURIComponent(id)}`,
    notFound: `candidate ${id}`,
  });
  const tags: unknown = res.data.data?.attributes?.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

async function setTags(client: HttpClient, id: string, tags: string[]): Promise<void> {
  await sendDocument(
    client,
    'PATCH',
    `candidates/${encodeURIComponent(id)}`,
    { data: { id, type: 'candidates', attributes: { tags } } },
    { notFound: `candidate ${id}` },
  );
}

export async function addCandidateTag(ctx: TeamtailorContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const client = teamtailorClient(ctx);
  const tags = await currentTags(client, candidate.remote_id);
  const existing = findTag(tags, tag.name, (t) => t);
  if (!existing) await setTags(client, candidate.remote_id, [...tags, tag.name]);
  return { warnings: [], tag: { remote_id: null, name: existing ?? tag.name } };
}

export async function removeCandidateTag(ctx: TeamtailorContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const client = teamtailorClient(ctx);
  const tags = await currentTags(client, candidate.remote_id);
  const kept = tags.filter((t) => !sameTag(t, tag.name));
  if (kept.length === tags.length) return { warnings: [notOnCandidate(tag.name, candidate.remote_id)] };
  await setTags(client, candidate.remote_id, kept);
  return { warnings: [] };
}
