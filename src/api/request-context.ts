/**
 * What routes derive from a request: where this server is reachable, the link to a log entry,
 * and the integration named by X-Integration-Id (scoped to the caller's account).
 */
import type { FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.ts';
import { AtsgateError } from '../errors.ts';
import { getIntegration, type IntegrationWithSecrets } from '../store/integrations.ts';
import './types.ts';

export function baseUrlOf(rt: Runtime, req: FastifyRequest): string {
  return rt.config.publicUrl ?? `${req.protocol}://${req.host}`;
}

export function logUrl(rt: Runtime, req: FastifyRequest, id: string | null): string | null {
  return id ? `${baseUrlOf(rt, req)}/v1/logs/${id}` : null;
}

/** The integration named by X-Integration-Id, scoped to the caller's account. */
export async function integrationFromHeader(
  rt: Runtime,
  req: FastifyRequest,
  opts: { requireSynced: boolean },
): Promise<IntegrationWithSecrets> {
  const raw = req.headers['x-integration-id'];
  const id = Array.isArray(raw) ? raw[0] : raw;
  if (!id)
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      'The X-Integration-Id header is required: the id of the integration to act on, like "greenhouse:8Xi6iZrwusZqJmDGXs49GBmJ".',
    );
  // Usually fetched already, with the API key, in the same round trip (src/api/auth.ts).
  const integration = req.prefetched?.id === id ? req.prefetched.integration : await getIntegration(rt.db, req.auth!.accountId, id);
  if (!integration)
    throw new AtsgateError('PLATFORM.INTEGRATION_NOT_FOUND', `No integration with the id "${id.slice(0, 100)}" exists for this API key.`);
  if (opts.requireSynced && integration.setup_status !== 'COMPLETED') {
    throw new AtsgateError(
      'INTEGRATION.SETUP_SYNC_PENDING',
      `The first sync of integration ${integration.id} has not finished yet; retry shortly.`,
    );
  }
  return integration;
}
