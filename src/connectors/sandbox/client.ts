/**
 * The sandbox's "vendor API": its objects in the sandbox_objects table (read and written
 * through src/store/sandbox-objects.ts). Seeded on first use.
 */
import type { Queryable } from '../../store/db.ts';
import type { ConnectorContext } from '../types.ts';
import { AtsgateError } from '../../errors.ts';
import { seedObjects, seedUsers } from './seed.ts';
import * as objects from '../../store/sandbox-objects.ts';

export type { SandboxObject } from '../../store/sandbox-objects.ts';
type SandboxObject = objects.SandboxObject;

export class SandboxClient {
  constructor(
    readonly db: Queryable,
    readonly integrationId: string,
  ) {}

  static from(ctx: ConnectorContext<{ api_key: string }>): SandboxClient {
    if (!ctx.localStore) throw new AtsgateError('PLATFORM.UNKNOWN_ERROR', "The sandbox needs atsgate's database.");
    if (!String(ctx.credentials.api_key ?? '').startsWith('sandbox')) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        'The Sandbox ATS rejected the API key: sandbox keys start with "sandbox" (try "sandbox-demo").',
      );
    }
    return new SandboxClient(ctx.localStore, ctx.integrationId);
  }

  /** Seeds the integration's sandbox the first time it is used (idempotent). */
  async ensureSeeded(): Promise<void> {
    if (await objects.hasSandboxObjects(this.db, this.integrationId)) return;
    await objects.seedSandboxObjects(this.db, this.integrationId, seedObjects());
  }

  /** Seeds the team (users) the first time they are read; kept apart from ensureSeeded (see seedUsers). */
  async ensureUsersSeeded(): Promise<void> {
    if ((await this.list('user', { limit: 1 })).length) return;
    await objects.seedSandboxObjects(this.db, this.integrationId, seedUsers());
  }

  list(kind: string, opts: { after?: string; limit: number; updatedAfter?: Date; parentIds?: string[] }): Promise<SandboxObject[]> {
    return objects.listSandboxObjects(this.db, this.integrationId, kind, opts);
  }

  get(kind: string, remoteId: string): Promise<SandboxObject | null> {
    return objects.getSandboxObject(this.db, this.integrationId, kind, remoteId);
  }

  insert(kind: string, remoteId: string, parentId: string | null, data: unknown, content?: Buffer): Promise<void> {
    return objects.insertSandboxObject(this.db, this.integrationId, { kind, remoteId, parentId, data, content });
  }

  /** Merges `patch` into an object's custom fields and bumps its updated_at. */
  setCustomFields(kind: string, remoteId: string, fields: Record<string, string>): Promise<void> {
    return objects.mergeSandboxCustomFields(this.db, this.integrationId, kind, remoteId, fields);
  }

  /** Merges `patch` into an object's data (top-level keys) and bumps its updated_at. */
  patch(kind: string, remoteId: string, patch: Record<string, unknown>): Promise<void> {
    return objects.patchSandboxObject(this.db, this.integrationId, kind, remoteId, patch);
  }

  touch(kind: string, remoteId: string): Promise<void> {
    return objects.touchSandboxObject(this.db, this.integrationId, kind, remoteId);
  }

  content(kind: string, remoteId: string): Promise<{ data: any; content: Buffer } | null> {
    return objects.sandboxObjectContent(this.db, this.integrationId, kind, remoteId);
  }

  /** Removes a candidate and its applications "upstream" (for trying deletion detection). */
  deleteCandidate(remoteId: string): Promise<void> {
    return objects.deleteSandboxCandidate(this.db, this.integrationId, remoteId);
  }
}
