/**
 * Personio connector: Recruiting API v2 on https://api.personio.de, read-only (Personio has no
 * write API for existing candidates). Facts, sources and open questions: ./README.md.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { accessToken, personioClient, personioErrorMessage, type PersonioContext } from './client.ts';
import { credentialSchema, definition, RECRUITING_SCOPE } from './definition.ts';
import { readApplications, readCandidates, readJobs } from './read.ts';
import {
  addApplicationAttachment,
  addApplicationNote,
  addCandidateTag,
  removeCandidateTag,
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  listApplicationAttachments,
  listCandidateAttachments,
  moveApplicationToStage,
  rejectApplication,
} from './write.ts';

export { definition };

/**
 * Mints a token (wrong Client ID/secret fail there), then reads one candidate, one application
 * and one job: each needs the recruiting read scope, and a custom integration created without
 * it gets its token but a 403 on these.
 */
async function checkCredentials(ctx: PersonioContext): Promise<void> {
  await accessToken(ctx);
  const client = personioClient(ctx);
  for (const what of ['candidates', 'applications', 'jobs'] as const) {
    const res = await client.request({ method: 'GET', path: `v2/recruiting/${what}`, query: { limit: 1 }, accept: [401, 403] });
    const vendor = personioErrorMessage(res.status, res.data);
    const detail = vendor ? ` (Personio: ${vendor})` : '';
    if (res.status === 401) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `Personio refused the access token minted from these credentials${detail}. Check the Client ID and Client secret.`,
      );
    }
    if (res.status === 403) {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `The Personio credentials may not read recruiting ${what}${detail}. Edit the custom integration in Personio ` +
          `(Settings → Integrations → API credentials) and grant recruiting read access (scope ${RECRUITING_SCOPE}).`,
      );
    }
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  checkCredentials,
  // Personio's webhooks cover employees, absences, attendances and documents, not recruiting (README).
  webhooksUnavailable: {
    reason:
      "Personio's webhooks (API v2) report changes to persons, employments, absences, attendances and employee documents only: " +
      'no event fires for recruiting candidates, applications or jobs.',
    docs: ['https://developer.personio.de/docs/event-driven-data-from-personio', 'https://developer.personio.de/v2.0/reference/webhooks'],
  },
  addCandidateResultLink,
  addApplicationResultLink,
  addCandidateAttachment,
  listCandidateAttachments,
  addCandidateTag,
  removeCandidateTag,
  addApplicationNote,
  addApplicationAttachment,
  listApplicationAttachments,
  moveApplicationToStage,
  rejectApplication,
  readJobs,
  readCandidates,
  readApplications,
};
