/**
 * The Ashby connector: definition plus operations. See ./README.md for what each call becomes.
 */
import type { Connector } from '../types.ts';
import { checkCredentials } from './client.ts';
import { credentialSchema, definition } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs } from './read.ts';
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
} from './write.ts';

export { definition };

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
  readJobs,
  readCandidates,
  readApplications,
  readCandidate,
  listCustomFields,
  webhooks,
};
