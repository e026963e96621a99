/**
 * Zoho Recruit tags: named labels on records, kept per module in the account's tag list
 * ([ZR-TAGS-LIST] `GET /settings/tags?module=Candidates`) and set on a record with
 * `POST /{module}/{id}/actions/add_tags?tag_names=…` ([ZR-TAGS]) or taken off with
 * `…/actions/remove_tags?tag_names=…` ([ZCRM-TAGS]: the same platform's call; Recruit's own
 * remove page is not in our sources). A candidate's tags are its `Associated_Tags` ([ZR-GET]).
 * Names are matched to the account's spelling without regard to case, so Zoho gets no
 * near-duplicate, and to the candidate's own spelling when removing.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { findTag, notOnCandidate } from '../helpers/tags.ts';
import type { CandidateRef, PageStream, RemoteTag, TagInput, WriteResult } from '../types.ts';
import { zohoClient, type ZohoContext } from './client.ts';
import { lookupId, lookupName, type ZohoRecord } from './read.ts';
import { checkRecordResult } from './write.ts';

interface ZohoTag {
  id?: string | number;
  name?: string;
}

/**
 * The account's candidate tags. [ZR-TAGS-LIST]'s sample nests them as `data.tags`; Zoho CRM's
 * same API answers a top-level `tags`: both are read. An empty list may come as 204.
 */
async function accountTags(client: HttpClient): Promise<ZohoTag[]> {
  const res = await client.request<any>({ method: 'GET', path: 'settings/tags', query: { module: 'Candidates' } });
  const body = res.status === 204 ? null : res.data;
  const tags = body?.data?.tags ?? body?.tags;
  return Array.isArray(tags) ? tags.filter((t: ZohoTag) => typeof t?.name === 'string' && t.name) : [];
}

/**
 * The candidate record (`GET /Candidates/{id}`, [ZR-GET]). Zoho's answer for an id it does not
 * hold is not in our sources: 204 (no content, as its lists answer), 400 INVALID_DATA or 404 all
 * count as "no such candidate".
 */
async function candidateRecord(client: HttpClient, candidate: CandidateRef): Promise<ZohoRecord> {
  const res = await client.request<any>({
    method: 'GET',
    path: `Candidates/${encodeURIComponent(candidate.remote_id)}`,
    accept: [400, 404],
  });
  const record = res.status < 300 && Array.isArray(res.data?.data) ? res.data.data[0] : null;
  if (!record)
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `candidate ${candidate.remote_id} was not found in Zoho Recruit.`, { status: 404 });
  return record;
}

const heldNames = (record: ZohoRecord): string[] =>
  Array.isArray(record.Associated_Tags) ? record.Associated_Tags.map(lookupName).filter((n: string | null): n is string => !!n) : [];

/** `tag_names` is a comma-separated list ([ZR-TAGS]): a comma inside one name would make two tags. */
function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.includes(','))
    throw new AtsgateError('PLATFORM.INPUT_INVALID', `Zoho Recruit cannot take the tag "${name}": tag names are sent comma-separated.`);
  return trimmed;
}

async function tagAction(client: HttpClient, action: 'add_tags' | 'remove_tags', candidateId: string, name: string, what: string) {
  const res = await client.request<any>({
    method: 'POST',
    path: `Candidates/${encodeURIComponent(candidateId)}/actions/${action}`,
    query: { tag_names: name },
    notFound: `candidate ${candidateId}`,
  });
  checkRecordResult(res.data, what);
}

export async function addCandidateTag(ctx: ZohoContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const client = zohoClient(ctx);
  const wanted = checkName(tag.name);
  const record = await candidateRecord(client, candidate);
  const existing = findTag(await accountTags(client), wanted, (t) => t.name);
  const name = existing?.name ?? wanted;
  if (!findTag(heldNames(record), name, (n) => n)) await tagAction(client, 'add_tags', candidate.remote_id, name, `the tag "${name}"`);
  // A tag Zoho just created gets its id in the account list; read it so GET /ats/tags and the
  // candidate agree on the id before the next sync.
  const id = existing?.id ?? findTag(await accountTags(client), name, (t) => t.name)?.id;
  return { warnings: [], tag: { remote_id: id === undefined ? null : String(id), name } };
}

export async function removeCandidateTag(ctx: ZohoContext, candidate: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const client = zohoClient(ctx);
  const record = await candidateRecord(client, candidate);
  const spelling = findTag(heldNames(record), tag.name, (n) => n);
  if (!spelling) return { warnings: [notOnCandidate(tag.name, candidate.remote_id)] };
  await tagAction(client, 'remove_tags', candidate.remote_id, spelling, `removing the tag "${spelling}"`);
  return { warnings: [] };
}

/** GET /settings/tags?module=Candidates: the account's candidate tags with their ids. */
export async function* readTags(ctx: ZohoContext): PageStream<RemoteTag> {
  const tags = await accountTags(zohoClient(ctx));
  yield tags.map((t) => ({ remote_id: lookupId(t), name: String(t.name), remote_data: { '/settings/tags': t } }));
}
