/**
 * UKG Pro Recruiting connector: https://{hostname}/talent/recruiting/v2/{tenant_alias}/api, OAuth
 * 2.0 client credentials from the tenant's identity server. Facts, sources and open questions:
 * ./README.md.
 */
import { AtsgateError } from '../../errors.ts';
import type { Connector } from '../types.ts';
import { accessToken, grants, ukgClient, ukgErrorMessage, type UkgContext } from './client.ts';
import { credentialSchema, definition, SCOPES } from './definition.ts';
import { unavailableTagAndStatusWrites } from '../helpers/unavailable-writes.ts';
import { readApplications, readCandidates, readJobs } from './read.ts';
import {
  addApplicationAttachment,
  addApplicationNote,
  addApplicationResultLink,
  addCandidateAttachment,
  addCandidateResultLink,
  downloadAttachment,
  listApplicationAttachments,
  listCandidateAttachments,
} from './write.ts';

export { definition };

/** What each scope is needed for, in the order a customer would read them. */
const NEEDED: { scope: string; for: string }[] = [
  { scope: SCOPES.opportunitiesRead, for: 'read opportunities (jobs)' },
  { scope: SCOPES.candidatesRead, for: 'read candidates' },
  { scope: SCOPES.applicationsRead, for: 'read applications and their documents' },
  { scope: SCOPES.candidatesWrite, for: 'add comments and documents to candidates' },
  { scope: SCOPES.applicationsWrite, for: 'add comments and documents to applications' },
];

const missingScope = (scopes: string[], detail = '') =>
  new AtsgateError(
    'INTEGRATION.PERMISSION_MISSING',
    `The UKG Pro Recruiting API client lacks the scope${scopes.length > 1 ? 's' : ''} ${scopes.join(', ')}${detail} ` +
      `(needed to ${NEEDED.filter((n) => scopes.includes(n.scope))
        .map((n) => n.for)
        .join('; ')}). Ask UKG support to add ${scopes.length > 1 ? 'them' : 'it'} to the client.`,
  );

/**
 * Mints a token (a wrong client, secret or tenant fails there), checks the scopes the token
 * lists when the identity server says, then reads one opportunity, candidate and application:
 * each read needs its own scope, and UKG answers 403 when the token lacks it.
 */
async function checkCredentials(ctx: UkgContext): Promise<void> {
  const token = await accessToken(ctx);
  const lacking = NEEDED.filter((n) => grants(token.scopes, n.scope) === false).map((n) => n.scope);
  if (lacking.length) throw missingScope(lacking);
  const client = ukgClient(ctx);
  const probes = [
    { path: 'opportunities', scope: SCOPES.opportunitiesRead },
    { path: 'candidates', scope: SCOPES.candidatesRead },
    { path: 'applications', scope: SCOPES.applicationsRead },
  ];
  for (const probe of probes) {
    const res = await client.request({ method: 'GET', path: probe.path, query: { page: 1, per_page: 1 }, accept: [401, 403, 404] });
    const vendor = ukgErrorMessage(res.status, res.data, res.headers);
    const detail = vendor ? ` (UKG: ${vendor})` : '';
    if (res.status === 401) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `UKG Pro Recruiting refused the access token minted for this client${detail}. Check that the client belongs to this tenant.`,
      );
    }
    if (res.status === 403) throw missingScope([probe.scope], detail);
    if (res.status === 404) {
      throw new AtsgateError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `UKG Pro Recruiting has no API for tenant "${ctx.credentials.tenant_alias}" at ${ctx.credentials.hostname}${detail}. ` +
          'Check the Recruiting API host and the tenant alias.',
      );
    }
  }
}

export const connector: Connector<typeof credentialSchema> = {
  definition,
  // UKG Webhooks (webhooks.ukg.net) publishes Pro HCM and WFM events (employee changes) only; its
  // events catalog has no Recruiting candidate or application event, and the Recruiting API
  // documents no subscription call (README, Webhooks).
  webhooksUnavailable: {
    reason:
      "UKG Pro Recruiting publishes no webhooks for candidates or applications: UKG Webhooks' events catalog covers UKG Pro HCM and WFM events (employee changes) only.",
    docs: [
      'https://developer.ukg.com/general/docs/ukg-webhooks-events-catalog',
      'https://developer.ukg.com/general/docs/ukg-webhooks-user-guide',
    ],
  },
  ...unavailableTagAndStatusWrites(definition.capabilities),
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
  passthroughClient: (ctx) => ukgClient(ctx),
};
