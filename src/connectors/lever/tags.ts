/**
 * Lever tags: text labels on opportunities [LV, Opportunities: add/remove tags; Tags]. A
 * candidate is a Lever contact, whose tags atsgate reads from its newest opportunity, so a tag
 * is added to (or removed from) every opportunity of the person: the tag then shows whichever
 * candidacy a recruiter opens. The name is matched to the account's existing tag (GET /tags)
 * without regard to case, so Lever does not get a near-duplicate.
 */
import type { HttpClient } from '../../http/client.ts';
import { AtsgateError } from '../../errors.ts';
import { findTag, notOnCandidate, sameTag } from '../helpers/tags.ts';
import type { CandidateRef, PageStream, RemoteTag, TagInput, WriteResult } from '../types.ts';
import { leverAll, leverClient, leverPages, performAs, type LeverContext } from './client.ts';
import { contactOpportunities } from './read.ts';

interface LeverTag {
  text: string;
  count?: number;
}

async function opportunitiesOf(client: HttpClient, candidate: CandidateRef) {
  const opps = await contactOpportunities(client, candidate.remote_id);
  if (!opps.length)
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `candidate ${candidate.remote_id} was not found in Lever (no opportunities for this contact).`,
      { status: 404 },
    );
  return opps;
}

async function send(client: HttpClient, verb: 'addTags' | 'removeTags', opportunityId: string, tags: string[], user: string | undefined) {
  await client.request({
    method: 'POST',
    path: `opportunities/${encodeURIComponent(opportunityId)}/${verb}`,
    query: { perform_as: user },
    json: { tags },
    notFound: `application ${opportunityId}`,
  });
}

export async function addCandidateTag(ctx: LeverContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const client = leverClient(ctx);
  const user = performAs(ctx, tag.remote_fields);
  const opps = await opportunitiesOf(client, candidate);
  const existing = findTag(await leverAll<LeverTag>(client, 'tags'), tag.name, (t) => t.text);
  const name = existing?.text ?? tag.name;
  const missing = opps.filter((o) => !(o.tags ?? []).some((t) => sameTag(t, name)));
  for (const o of missing) await send(client, 'addTags', o.id, [name], user);
  const warnings =
    opps.length > 1 ? [`Lever keeps tags on opportunities: "${name}" is on each of the candidate's ${opps.length} opportunities.`] : [];
  return { warnings, tag: { remote_id: null, name } };
}

export async function removeCandidateTag(ctx: LeverContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const client = leverClient(ctx);
  const user = performAs(ctx, tag.remote_fields);
  let removed = 0;
  for (const o of await opportunitiesOf(client, candidate)) {
    // Lever removes by exact text: send each spelling the opportunity carries.
    const spellings = (o.tags ?? []).filter((t) => sameTag(t, tag.name));
    if (!spellings.length) continue;
    await send(client, 'removeTags', o.id, spellings, user);
    removed++;
  }
  return { warnings: removed ? [] : [notOnCandidate(tag.name, candidate.remote_id)] };
}

/** GET /tags: every tag of the account, `{text, count}`; Lever tags have no id. */
export async function* readTags(ctx: LeverContext): PageStream<RemoteTag> {
  for await (const page of leverPages<LeverTag>(leverClient(ctx), 'tags'))
    yield page.filter((t) => t.text).map((t) => ({ remote_id: null, name: t.text, remote_data: { '/tags': t } }));
}
