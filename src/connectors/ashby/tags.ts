/**
 * Ashby candidate tags [AS-OAS]: a tag list of their own (`candidateTag.list`, `.create`) and
 * `candidate.addTag` / `candidate.removeTag` by tag id (removeTag: changelog 2026-02-27; "if the
 * tag was not on the candidate, the request succeeds"). The name is matched to the list without
 * regard to case before a tag is created; `candidateTag.create` returns an existing tag of the
 * same title anyway, so a race between two writers cannot make a duplicate either.
 */
import type { CandidateRef, PageStream, RemoteTag, TagInput, WriteResult } from '../types.ts';
import { findTag, notOnCandidate } from '../helpers/tags.ts';
import { ashbyClient, type AshbyClient, type AshbyContext } from './client.ts';
import { fetchCandidate, walkList } from './read.ts';

interface AshbyTag {
  id: string;
  title: string;
  isArchived?: boolean;
  updatedAt?: string | null;
}

async function allTags(ctx: AshbyContext, api: AshbyClient): Promise<AshbyTag[]> {
  const out: AshbyTag[] = [];
  for await (const page of walkList<AshbyTag>(ctx, api, 'candidateTag.list', { includeArchived: false }, {})) out.push(...page);
  return out;
}

export async function addCandidateTag(ctx: AshbyContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const api = ashbyClient(ctx);
  const what = `candidate ${candidate.remote_id}`;
  const found =
    findTag(await allTags(ctx, api), tag.name, (t) => t.title) ??
    (await api.call<AshbyTag>('candidateTag.create', { title: tag.name })).results;
  await api.call('candidate.addTag', { candidateId: candidate.remote_id, tagId: found.id }, { notFound: what });
  return { warnings: [], tag: { remote_id: found.id, name: found.title } };
}

export async function removeCandidateTag(ctx: AshbyContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const api = ashbyClient(ctx);
  const on = findTag((await fetchCandidate(api, candidate.remote_id)).tags ?? [], tag.name, (t) => t.title);
  if (!on) return { warnings: [notOnCandidate(tag.name, candidate.remote_id)] };
  await api.call(
    'candidate.removeTag',
    { candidateId: candidate.remote_id, tagId: on.id },
    { notFound: `candidate ${candidate.remote_id}` },
  );
  return { warnings: [] };
}

/** GET /ats/tags: the live tags (archived ones are not offered in Ashby's UI either). */
export async function* readTags(ctx: AshbyContext): PageStream<RemoteTag> {
  const api = ashbyClient(ctx);
  for await (const page of walkList<AshbyTag>(ctx, api, 'candidateTag.list', { includeArchived: false }, {}))
    yield page.map((t) => ({ remote_id: t.id, name: t.title, remote_data: { '/candidateTag.list': t } }));
}
