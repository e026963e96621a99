/**
 * Writes a connector does not make (yet): each refuses with INTEGRATION.ACTION_NOT_AVAILABLE and
 * the reason its capabilities give (capabilities.tags.unavailable, applicationStatus.unavailable),
 * the same words GET /v1/tools/ats shows. The write service refuses before these are reached;
 * they are the connector's own answer should anything call them directly.
 */
import { AtsgateError } from '../../errors.ts';
import type { ConnectorCapabilities, WriteResult } from '../types.ts';

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
