/**
 * Pinpoint connector: JSON:API over https://{subdomain}.pinpointhq.com/api/v1 with an X-API-KEY.
 * Facts, sources and open questions: ./README.md.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { pinpointClient, pinpointErrorMessage, type PinpointContext } from './client.ts';
import { credentialSchema, definition, PERMISSION_AREAS } from './definition.ts';
import { unavailableTagAndStatusWrites } from '../helpers/unavailable-writes.ts';
import { readApplications, readCandidates, readJobs, readRejectionReasons, readUsers } from './read.ts';
import {
  addApplicationAttachment,
  addApplicationNote,
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  downloadAttachment,
  listApplicationAttachments,
  listCandidateAttachments,
  listCustomFields,
  moveApplicationToStage,
  rejectApplication,
} from './write.ts';
import { webhooks } from './webhooks.ts';

export { definition };

/** The areas a sync reads, each probed with one row, in this order. */
const PROBES: { path: string; area: string }[] = [
  { path: 'jobs', area: PERMISSION_AREAS.jobs },
  { path: 'candidates', area: PERMISSION_AREAS.candidates },
  { path: 'applications', area: PERMISSION_AREAS.applications },
];

/**
 * Reads one row of each area the connector needs. Pinpoint's keys carry permissions per area
 * and its errors page lists 401 "No API key provided or API key invalid" and 403 "Integration
 * not enabled"; what a key without one area's permission gets is not documented, so the first
 * probe's 401 means a wrong key (or subdomain), and any later 401/403 names the area refused.
 * Comments and custom attributes are write-only areas a read cannot probe; the help text asks
 * for them, and a write that lacks them fails with Pinpoint's own message.
 */
async function checkCredentials(ctx: PinpointContext): Promise<void> {
  const client = pinpointClient(ctx);
  for (const [i, probe] of PROBES.entries()) {
    const res = await client.request({ method: 'GET', path: probe.path, query: { 'page[size]': '1' }, accept: [401, 403, 404] });
    const vendor = pinpointErrorMessage(res.status, res.data, res.headers);
    const detail = vendor ? ` (Pinpoint: ${vendor})` : '';
    if (res.status === 404 && i === 0) {
      throw new AtsgateError('INTEGRATION.AUTHENTICATION_INVALID', `Pinpoint has no API at this address${detail}. Check the subdomain.`);
    }
    if (res.status === 401 && i === 0) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `Pinpoint rejected the API key${detail}. Check the key, the subdomain it belongs to, and that the Pinpoint API is switched on (Settings → API & Webhooks).`,
      );
    }
    if (res.status === 403 && i === 0) {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `Pinpoint refused the API key${detail}: the Pinpoint API integration is not enabled, or the key lacks the "${probe.area}" permission. ` +
          'Switch the Pinpoint API on (Settings → API & Webhooks) and give the key that permission.',
      );
    }
    if (res.status === 401 || res.status === 403 || res.status === 404) {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `The Pinpoint API key may not read ${probe.path}${detail}. Give it the "${probe.area}" permission (Settings → API & Webhooks → API Keys).`,
      );
    }
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  webhooks,
  ...unavailableTagAndStatusWrites(definition.capabilities),
  moveApplicationToStage,
  rejectApplication,
  readRejectionReasons,
  readUsers,
  checkCredentials,
  addCandidateResultLink,
  addApplicationResultLink,
  addCandidateAttachment,
  listCandidateAttachments,
  addApplicationNote,
  addApplicationAttachment,
  listApplicationAttachments,
  downloadAttachment,
  readJobs,
  readCandidates,
  readApplications,
  listCustomFields,
};
