/** The SmartRecruiters connector: definition plus operations (see README.md). */
import type { Connector } from '../types.ts';
import { smartRecruitersClient } from './client.ts';
import { credentialSchema, definition } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs, readUsers } from './read.ts';
import { webhooks } from './webhooks.ts';
import {
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  downloadAttachment,
  listCandidateAttachments,
  listCustomFields,
  moveApplicationToStage,
  readRejectionReasons,
  rejectApplication,
} from './write.ts';
import { addApplicationAttachment, addApplicationNote, listApplicationAttachments } from './write.ts';
import { AtsgateError } from '../../errors.ts';
import { addCandidateTag, removeCandidateTag } from './tags.ts';

export { definition };

export const connector: Connector<typeof credentialSchema> = {
  definition,

  /**
   * `GET /jobs?limit=1`: cheap, and every read and write needs at least this access. A 401
   * means a wrong or revoked key; a 403 a credential without access to jobs.
   */
  async checkCredentials(ctx) {
    try {
      await smartRecruitersClient(ctx).request({ method: 'GET', path: '/jobs', query: { limit: 1 } });
    } catch (err) {
      if (err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING') {
        throw new AtsgateError(
          err.code,
          `${err.message} The credential needs read access to jobs (GET /jobs), candidates and configuration.`,
        );
      }
      throw err;
    }
  },

  addCandidateResultLink,
  addApplicationResultLink,
  addCandidateAttachment,
  listCandidateAttachments,
  addApplicationNote,
  addApplicationAttachment,
  listApplicationAttachments,
  downloadAttachment,
  listCustomFields,
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
};
