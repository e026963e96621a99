/**
 * Writes a connector does not make (yet): each refuses with INTEGRATION.ACTION_NOT_AVAILABLE and
 * the reason its capabilities give (capabilities.tags.unavailable, applicationStatus.unavailable),
 * the same words GET /v1/tools/ats shows. The write service refuses before these are reached;
 * they are the connector's own answer should anything call them directly.
 */
import { AtsgateError } from '../../errors.ts';
import type { ConnectorCapabilities, TagCapability, WriteResult } from '../types.ts';

export function unavailableTagAndStatusWrites(capabilities: Pick<ConnectorCapabilities, 'tags' | 'applicationStatus'>) {
  const refuse = (why: string | undefined) => async (): Promise<WriteResult> => {
    throw new AtsgateError('INTEGRATION.ACTION_NOT_AVAILABLE', why ?? 'Not available for this ATS.');
  };
  return {
    addCandidateTag: refuse(capabilities.tags.unavailable),
    removeCandidateTag: refuse(capabilities.tags.unavailable),
    moveApplicationToStage: refuse(capabilities.applicationStatus.unavailable),
    rejectApplication: refuse(capabilities.applicationStatus.unavailable),
  };
}

/**
 * The capability block of candidate tags a connector does not write: writes refuse with
 * `reason` (what the ATS lacks, or what is not built), GET /ats/tags lists the tags seen on the
 * synced candidates. One wording for every such connector.
 */
export function tagsNotWritten(reason: string): TagCapability {
  return {
    candidate: 'unsupported',
    list: 'candidates',
    unavailable: reason,
    summary: 'Not written yet (INTEGRATION.ACTION_NOT_AVAILABLE); GET /ats/tags lists the tags on synced candidates.',
  };
}

/** The capability block of a connector that neither moves nor rejects applications, nor lists rejection reasons: `reason` says why. */
export function statusNotWritten(reason: string): ConnectorCapabilities['applicationStatus'] {
  return {
    stageMove: false,
    reject: false,
    rejectionReasons: false,
    unavailable: reason,
    summary: 'Not yet (INTEGRATION.ACTION_NOT_AVAILABLE): no stage move, rejection or rejection reasons.',
  };
}

/** The users block of a connector that reads no user list: `why` completes "Not read yet: …". */
export function usersNotRead(why: string): ConnectorCapabilities['users'] {
  return { read: false, summary: `Not read yet: ${why}; GET /v1/ats/users is empty.` };
}
