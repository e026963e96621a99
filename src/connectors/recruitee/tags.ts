/**
 * Recruitee candidate tags are not written by atsgate (capabilities.tags says why, and the write
 * service answers INTEGRATION.ACTION_NOT_AVAILABLE before this is reached). GET /ats/tags lists
 * the tags seen on the synced candidates.
 */
import { tagsUnavailable } from '../helpers/tags.ts';
import type { WriteResult } from '../types.ts';
import { definition } from './definition.ts';

export async function addCandidateTag(): Promise<WriteResult> {
  throw tagsUnavailable(definition);
}

export async function removeCandidateTag(): Promise<WriteResult> {
  throw tagsUnavailable(definition);
}
