/**
 * Set-up that the connector unit tests (test/connectors/<ats>.test.ts) share: contexts cached per
 * credentials, marks in a vendor fake's request journal, and builders for write inputs. The fake is
 * started in `before`, after these are made, so it is passed as a getter.
 */
import type { FakeRequest } from '../fakes/server.ts';
import type { AnyConnector, ApplicationRef, AttachmentInput, ResultLinkInput } from '../../src/connectors/types.ts';
import { connectorContext } from './connector-context.ts';

type Ctx = ReturnType<typeof connectorContext>['ctx'];

/**
 * One context per credentials object (the fake's own when none are given), as in production: the
 * client-side rate limiter and the token cache live per integration, so tests must not start afresh.
 * `overrides` (e.g. a faster rate limit) apply to every context of this cache.
 */
export function contextCache(
  connector: AnyConnector,
  fake: () => { credentials: Record<string, unknown>; url: string },
  overrides?: Parameters<typeof connectorContext>[3],
) {
  const contexts = new Map<unknown, Ctx>();
  return (creds?: Record<string, unknown>): Ctx => {
    const key = creds ?? fake().credentials;
    if (!contexts.has(key)) contexts.set(key, connectorContext(connector, key, fake().url, overrides).ctx);
    return contexts.get(key)!;
  };
}

/** `since()` marks the fake's journal; `requestsSince(mark)` is what the fake received after the mark. */
export function journalMarks(fake: () => { server: { journal: FakeRequest[] } }) {
  return {
    since: () => fake().server.journal.length,
    requestsSince: (mark: number) => fake().server.journal.slice(mark),
  };
}

/**
 * A ResultLinkInput builder: the file's defaults (a fresh copy each call; `remote_fields` empty
 * unless given), overridden per test.
 */
export function resultLinkInput(defaults: Omit<ResultLinkInput, 'remote_fields'> & Partial<Pick<ResultLinkInput, 'remote_fields'>>) {
  return (over: Partial<ResultLinkInput> = {}): ResultLinkInput => {
    const d = structuredClone(defaults);
    return { ...d, remote_fields: d.remote_fields ?? {}, ...over };
  };
}

/** An application reference as a sync would hand it back: outcome PENDING, no job unless given. */
export const applicationRef = (id: string, candidate = '', job: string | null = null): ApplicationRef => ({
  remote_id: id,
  candidate_remote_id: candidate,
  job_remote_id: job,
  outcome: 'PENDING',
});

/** An AttachmentInput builder: `file(name, data, type?)` with the file's content type and default type. */
export function attachmentInput(defaults: { content_type: string; type: AttachmentInput['type'] }) {
  return (name: string, data: Buffer | string, type: AttachmentInput['type'] = defaults.type): AttachmentInput => ({
    name,
    type,
    content_type: defaults.content_type,
    file: new Blob([new Uint8Array(typeof data === 'string' ? Buffer.from(data) : data)]),
    remote_fields: {},
  });
}
