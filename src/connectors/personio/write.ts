/**
 * Writes to Personio: none is possible. Personio's API has no call that adds a note, link,
 * custom attribute or file to an existing candidate or application (./definition.ts MISSING,
 * README "Writes"), so each write answers Kombo's INTEGRATION.ACTION_NOT_AVAILABLE, saying
 * what Personio lacks, without calling Personio.
 */
import { AtsgateError } from '../../errors.ts';
import type { RemoteAttachment, WriteResult } from '../types.ts';
import { MISSING } from './definition.ts';

const unavailable = (why: string) => new AtsgateError('INTEGRATION.ACTION_NOT_AVAILABLE', why);

export async function addCandidateResultLink(): Promise<WriteResult> {
  throw unavailable(MISSING.resultLinks);
}

export async function addApplicationResultLink(): Promise<WriteResult> {
  throw unavailable(MISSING.resultLinks);
}

export async function addCandidateAttachment(): Promise<WriteResult> {
  throw unavailable(MISSING.attachments);
}

export async function listCandidateAttachments(): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  throw unavailable(MISSING.listAttachments);
}

export async function addApplicationNote(): Promise<WriteResult> {
  throw unavailable(MISSING.resultLinks);
}

export async function addApplicationAttachment(): Promise<WriteResult> {
  throw unavailable(MISSING.attachments);
}

export async function listApplicationAttachments(): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  throw unavailable(MISSING.listAttachments);
}

export async function addCandidateTag(): Promise<WriteResult> {
  throw unavailable(MISSING.tags);
}

export async function removeCandidateTag(): Promise<WriteResult> {
  throw unavailable(MISSING.tags);
}

export async function moveApplicationToStage(): Promise<WriteResult> {
  throw unavailable(MISSING.applicationStatus);
}

export async function rejectApplication(): Promise<WriteResult> {
  throw unavailable(MISSING.applicationStatus);
}
