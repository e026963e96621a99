/**
 * API-key authentication, declared per route: a route's options say `config: { auth }`
 * (src/api/types.ts), and the `onRoute` hook installed here gives every `api-key` route (the
 * default) the bearer-key check as its first onRequest hook, so an unauthenticated request is
 * refused before its body is read. Routes that declare `none` or `session` get nothing here.
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Runtime } from '../runtime.ts';
import type { App, RouteAuth } from './types.ts';
import { AtsgateError } from '../errors.ts';
import { authenticate, authenticateWithIntegration } from '../store/keys.ts';

const MODES: readonly RouteAuth[] = ['api-key', 'session', 'none'];

export function routeAuth(opts: Pick<RouteOptions, 'config'>): RouteAuth {
  return (opts.config as { auth?: RouteAuth } | undefined)?.auth ?? 'api-key';
}

/** Sets `req.auth` from the bearer key (and prefetches the X-Integration-Id integration), or throws 401. */
export async function requireApiKey(rt: Runtime, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const m = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  // A person opening an error's log_url in a browser gets the dashboard's page for that log.
  const logPage = /^\/v1\/logs\/([^/?#]+)$/.exec(req.url);
  if (!m && logPage && req.method === 'GET' && /text\/html/.test(req.headers.accept ?? '')) {
    return reply.redirect(`/dashboard/logs/${logPage[1]}`, 303);
  }
  if (!m) throw new AtsgateError('PLATFORM.AUTHENTICATION_INVALID', 'Missing API key: send "Authorization: Bearer <api key>".');
  const integrationId = req.headers['x-integration-id'];
  if (typeof integrationId === 'string' && integrationId !== '') {
    const got = await authenticateWithIntegration(rt.db, m[1].trim(), integrationId);
    if (!got) throw new AtsgateError('PLATFORM.AUTHENTICATION_INVALID', 'The API key is invalid or has been revoked.');
    req.auth = { keyId: got.keyId, accountId: got.accountId };
    req.prefetched = { id: integrationId, integration: got.integration };
    // Another account's integration id counts as no integration: it must not reveal its limit.
    return limitInbound(rt, reply, got.accountId, got.integration ? integrationId : null);
  }
  const auth = await authenticate(rt.db, m[1].trim());
  if (!auth) throw new AtsgateError('PLATFORM.AUTHENTICATION_INVALID', 'The API key is invalid or has been revoked.');
  req.auth = auth;
  return limitInbound(rt, reply, auth.accountId, null);
}

/** Counts the request against its account's (and integration's) limits (src/limits/inbound.ts); sets the RateLimit-* headers. */
async function limitInbound(rt: Runtime, reply: FastifyReply, accountId: string, integrationId: string | null): Promise<void> {
  if (!rt.inboundLimiter.enabled) return;
  const { headers } = await rt.inboundLimiter.admit(accountId, integrationId);
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
}

/** Call on the root instance before any route is registered. */
export function installRouteAuth(app: App, rt: Runtime): void {
  const check = (req: FastifyRequest, reply: FastifyReply) => requireApiKey(rt, req, reply);
  app.addHook('onRoute', (opts) => {
    const mode = routeAuth(opts);
    if (!MODES.includes(mode))
      throw new Error(`${opts.method} ${opts.url}: unknown auth mode "${String(mode)}" (one of ${MODES.join(', ')})`);
    if (mode !== 'api-key') return;
    const own = opts.onRequest ? [opts.onRequest].flat() : [];
    opts.onRequest = [check, ...own] as RouteOptions['onRequest'];
  });
}
