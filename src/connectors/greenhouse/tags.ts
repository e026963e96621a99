/**
 * Greenhouse candidate tags (Harvest v3): a tag dictionary (`/v3/candidate_tags`) and one join row
 * per tagged candidate (`/v3/applied_candidate_tags`) [GH-V3T registry 0024, 0054]. Adding: the
 * name is matched to the dictionary without regard to case, created there when missing
 * (`POST /v3/candidate_tags`), then applied (`POST /v3/applied_candidate_tags`) unless the
 * candidate already has it. Removing deletes the candidate's join row(s) for that tag
 * (`DELETE /v3/applied_candidate_tags/{id}`); no row is a success with a warning. Reads run as
 * the reading user (Site Admin, as every v3 list needs), writes as the acting user.
 */
import { findTag, notOnCandidate } from '../helpers/tags.ts';
import type { CandidateRef, TagInput, WriteResult } from '../types.ts';
import { Harvest, numericId, type GreenhouseContext } from './client.ts';
import { SCOPES } from './definition.ts';

interface GhTag {
  id: number | string;
  name: string;
}
interface GhAppliedTag {
  id: number | string;
  candidate_id: number | string;
  candidate_tag_id: number | string;
}

const dictionary = (reader: Harvest) => reader.all<GhTag>(SCOPES.candidateTagsList, 'candidate_tags');
const appliedTo = (reader: Harvest, candidateId: string) =>
  reader.all<GhAppliedTag>(SCOPES.appliedTagsList, 'applied_candidate_tags', { candidate_ids: candidateId });

export async function addCandidateTag(ctx: GreenhouseContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const reader = Harvest.reader(ctx);
  const actor = Harvest.actor(ctx, tag.remote_fields);
  let found = findTag(await dictionary(reader), tag.name, (t) => t.name);
  if (!found) {
    const res = await actor.request<GhTag>(SCOPES.candidateTagsCreate, {
      method: 'POST',
      path: 'candidate_tags',
      json: { name: tag.name },
    });
    found = res.data;
  }
  const applied = await appliedTo(reader, candidate.remote_id);
  if (!applied.some((r) => String(r.candidate_tag_id) === String(found.id))) {
    await actor.request(SCOPES.appliedTagsCreate, {
      method: 'POST',
      path: 'applied_candidate_tags',
      json: { candidate_id: numericId(candidate.remote_id), candidate_tag_id: numericId(String(found.id)) },
      notFound: `candidate ${candidate.remote_id}`,
    });
  }
  // Candidates name their tags by text, so the list keys a tag by its name too (one id for both).
  return { warnings: [], tag: { remote_id: null, name: found.name } };
}

export async function removeCandidateTag(ctx: GreenhouseContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const reader = Harvest.reader(ctx);
  const found = findTag(await dictionary(reader), tag.name, (t) => t.name);
  const rows = found ? (await appliedTo(reader, candidate.remote_id)).filter((r) => String(r.candidate_tag_id) === String(found.id)) : [];
  if (!rows.length) return { warnings: [notOnCandidate(tag.name, candidate.remote_id)] };
  const actor = Harvest.actor(ctx, tag.remote_fields);
  for (const r of rows)
    await actor.request(SCOPES.appliedTagsDestroy, {
      method: 'DELETE',
      path: `applied_candidate_tags/${encodeURIComponent(String(r.id))}`,
      notFound: `the tag "${tag.name}" of candidate ${candidate.remote_id}`,
    });
  return { warnings: [] };
}
