/**
 * The Ashby connector: definition plus operations. See ./README.md for what each call becomes.
 */
import type { Connector } from '../types.ts';
import { checkCredentials } from './client.ts';
import { credentialSchema, definition } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs, readUsers } from './read.ts';
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
import { addCandidateTag, removeCandidateTag, readTags } from './tags.ts';

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
  addCandidateTag,
  removeCandidateTag,
  readTags,
  moveApplicationToStage,
  rejectApplication,
  readRejectionReasons,
  readJobs,
  readCandidates,
  readApplications,
  readCandidate,
  readUsers,
  listCustomFields,
  webhooks,
};
