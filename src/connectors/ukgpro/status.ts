/**
 * Tags, stage moves and rejections: not written by this connector yet (capabilities.tags and
 * capabilities.applicationStatus say so, and the write service refuses before these are reached).
 */
import { AtsgateError } from '../../errors.ts';
import type { WriteResult } from '../types.ts';
import { definition } from './definition.ts';

const refuse = (why: string | undefined): never => {
  throw new AtsgateError('INTEGRATION.ACTION_NOT_AVAILABLE', why ?? 'Not available for this ATS.');
};

export async function addCandidateTag(): Promise<WriteResult> {
  return refuse(definition.capabilities.tags.unavailable);
}

export async function removeCandidateTag(): Promise<WriteResult> {
  return refuse(definition.capabilities.tags.unavailable);
}

export async function moveApplicationToStage(): Promise<WriteResult> {
  return refuse(definition.capabilities.applicationStatus.unavailable);
}

export async function rejectApplication(): Promise<WriteResult> {
  return refuse(definition.capabilities.applicationStatus.unavailable);
}
