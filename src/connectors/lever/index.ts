/**
 * The Lever connector: definition + operations. See ./README.md for the vendor facts.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { leverClient, type LeverContext } from './client.ts';
import { credentialSchema, definition } from './definition.ts';
import { readApplications, readCandidate, readCandidates, readJobs, readUsers } from './read.ts';
import { webhooks } from './webhooks.ts';
import {
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  downloadAttachment,
  listCandidateAttachments,
  moveApplicationToStage,
  readRejectionReasons,
  rejectApplication,
} from './write.ts';
import { addApplicationAttachment, addApplicationNote, listApplicationAttachments, listCustomFields } from './write.ts';
import { addCandidateTag, removeCandidateTag, readTags } from './tags.ts';

/**
 * Lever API keys carry per-endpoint permissions chosen when the key is generated, so one
 * cheap read per resource the connector needs tells us which permission is missing.
 */
const REQUIRED_READS: { path: string; permission: string }[] = [
  { path: 'opportunities', permission: 'Opportunities (read)' },
  { path: 'postings', permission: 'Postings (read)' },
  { path: 'stages', permission: 'Stages (read)' },
  { path: 'archive_reasons', permission: 'Archive reasons (read)' },
];

async function checkCredentials(ctx: LeverContext): Promise<void> {
  const client = leverClient(ctx);
  for (const { path, permission } of REQUIRED_READS) {
    try {
      await client.request({ method: 'GET', path, query: { limit: 1 } });
    } catch (err) {
      if (err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING') {
        throw new AtsgateError(
          'INTEGRATION.PERMISSION_MISSING',
          `The Lever API key lacks the "${permission}" permission (GET /${path} was refused). ${err.message}`,
        );
      }
      throw err;
    }
  }
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
  listCustomFields,
  webhooks,
};

export { definition };
