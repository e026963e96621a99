import type { Connector } from '../types.ts';
import { definition, credentialSchema } from './definition.ts';
import { SandboxClient } from './client.ts';
import { readApplications, readCandidate, readCandidates, readJobs, readRejectionReasons, readUsers } from './read.ts';
import {
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  downloadAttachment,
  listCandidateAttachments,
} from './write.ts';
import {
  addApplicationAttachment,
  addApplicationNote,
  listApplicationAttachments,
  moveApplicationToStage,
  rejectApplication,
} from './write.ts';
import { addCandidateTag, readTags, removeCandidateTag } from './tags.ts';

export { definition };

export const connector: Connector<typeof credentialSchema> = {
  definition,
  async checkCredentials(ctx) {
    // Validates the key; the simulated data is seeded on first read, under the integration.
    SandboxClient.from(ctx);
  },
  addCandidateResultLink,
  addApplicationResultLink,
  addCandidateAttachment,
  listCandidateAttachments,
  addApplicationNote,
  addApplicationAttachment,
  listApplicationAttachments,
  downloadAttachment,
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
};
