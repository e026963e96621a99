/**
 * The sandbox's candidate tags: a tag list of its own (objects of kind "tag") and, on each
 * candidate, the names of its tags. A tag's id is made from its name without regard to case,
 * so "Excellent fit" and "Excellent Fit" are one tag, spelled as it was first created.
 */
import type { CandidateRef, ConnectorContext, RemoteTag, TagInput, WriteResult } from '../types.ts';
import { AtsgateError } from '../../errors.ts';
import { notOnCandidate } from '../helpers/tags.ts';
import { SandboxClient } from './client.ts';

type Ctx = ConnectorContext<{ api_key: string }>;

export const sandboxTagId = (name: string): string => `tag-${name.trim().toLowerCase().replace(/\W+/g, '-')}`;

async function candidateTags(client: SandboxClient, c: CandidateRef): Promise<string[]> {
  const o = await client.get('candidate', c.remote_id);
  if (!o) throw new AtsgateError('PLATFORM.INPUT_INVALID', `candidate ${c.remote_id} was not found in the Sandbox ATS.`, { status: 404 });
  return o.data.tags ?? [];
}

export async function addCandidateTag(ctx: Ctx, c: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const client = SandboxClient.from(ctx);
  const tags = await candidateTags(client, c);
  const id = sandboxTagId(tag.name);
  const existing = await client.get('tag', id);
  const name: string = existing?.data.name ?? tags.find((t) => sandboxTagId(t) === id) ?? tag.name;
  if (!existing) await client.insert('tag', id, null, { name });
  if (!tags.some((t) => sandboxTagId(t) === id)) await client.patch('candidate', c.remote_id, { tags: [...tags, name] });
  return { warnings: [], tag: { remote_id: id, name } };
}

export async function removeCandidateTag(ctx: Ctx, c: CandidateRef, tag: TagInput): Promise<WriteResult> {
  const client = SandboxClient.from(ctx);
  const tags = await candidateTags(client, c);
  const id = sandboxTagId(tag.name);
  const kept = tags.filter((t) => sandboxTagId(t) !== id);
  if (kept.length === tags.length) return { warnings: [notOnCandidate(tag.name, c.remote_id)] };
  await client.patch('candidate', c.remote_id, { tags: kept });
  return { warnings: [] };
}

/** The tag list, and the tags of candidates seeded before the sandbox kept one. */
export async function* readTags(ctx: Ctx): AsyncGenerator<RemoteTag[]> {
  const client = SandboxClient.from(ctx);
  await client.ensureSeeded();
  const byId = new Map<string, RemoteTag>();
  for (const t of await client.list('tag', { limit: 10_000 })) byId.set(t.remote_id, { remote_id: t.remote_id, name: t.data.name });
  for (let after: string | undefined; ; ) {
    const page = await client.list('candidate', { after, limit: 500 });
    for (const c of page)
      for (const name of (c.data.tags ?? []) as string[]) {
        const id = sandboxTagId(name);
        if (!byId.has(id)) byId.set(id, { remote_id: id, name });
      }
    if (page.length < 500) break;
    after = page[page.length - 1].remote_id;
  }
  yield [...byId.values()];
}
