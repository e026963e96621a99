/**
 * The Workable connector: definition + operations (see README.md for the vendor facts).
 */
import type { Connector } from '../types.ts';
import { withScope, workableClient, type WorkableContext } from './client.ts';
import { credentialSchema, definition, SCOPES } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs } from './read.ts';
import { readUsers } from './members.ts';
import { webhooks } from './webhooks.ts';
import {
  addApplicationAttachment,
  addApplicationNote,
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  listApplicationAttachments,
  listCandidateAttachments,
  listCustomFields,
  moveApplicationToStage,
  readRejectionReasons,
  rejectApplication,
} from './write.ts';
import { addCandidateTag, removeCandidateTag } from './tags.ts';

/**
 * One cheap read per scope the connector reads with, so that a token missing one is named at
 * connect time (401 → AUTHENTICATION_INVALID, 403 → PERMISSION_MISSING naming the scope).
 * w_candidates cannot be checked without writing; a refusal later names it the same way.
 */
async function checkCredentials(ctx: WorkableContext): Promise<void> {
  const http = workableClient(ctx);
  await withScope(SCOPES.readJobs, 'read jobs', () => http.request({ method: 'GET', path: 'jobs', query: { limit: 1 } }));
  await withScope(SCOPES.readCandidates, 'read candidates', () => http.request({ method: 'GET', path: 'candidates', query: { limit: 1 } }));
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  checkCredentials,
  addCandidateResultLink,
  addApplicationResultLink,
  addCandidateAttachment,
  listCandidateAttachments,
  addApplicationNote,
  addApplicationAttachment,
  listApplicationAttachments,
  addCandidateTag,
  removeCandidateTag,
  moveApplicationToStage,
  rejectApplication,
  readRejectionReasons,
  readJobs,
  readCandidates,
  readApplications,
  readCandidate,
  readUsers,
  webhooks,
  listCustomFields,
};

export { definition };
