/**
 * The SmartRecruiters HttpClient. How it authenticates (`X-SmartToken`), reads error bodies and
 * rate-limit headers is data: `transport` in ./definition.ts.
 */
import type { Static } from '@sinclair/typebox';
import type { HttpClient } from '../../http/client.ts';
import type { ConnectorContext } from '../types.ts';
import { REQUEST_TIMEOUT_MS, type credentialSchema } from './definition.ts';

export type SmartRecruitersContext = ConnectorContext<Static<typeof credentialSchema>>;

/** Auth, error bodies and rate-limit headers are the definition's transport. */
export function smartRecruitersClient(ctx: SmartRecruitersContext): HttpClient {
  return ctx.http({ timeoutMs: REQUEST_TIMEOUT_MS });
}
