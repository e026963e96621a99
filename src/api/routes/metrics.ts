/**
 * GET /metrics (Prometheus text format) and the request hooks that feed it and label the
 * request logs. Registered with `skip-override` so that the hooks sit on the root instance
 * and see every route, not only this plugin's.
 *
 * Who may scrape: metrics are the operator's view of the whole deployment, so the bearer token
 * ATSGATE_METRICS_TOKEN sees every series. An account's API key sees only the series labelled
 * with its own integrations (sync lag, …): deployment-wide series (request counts, queue depth,
 * vendor calls) would tell one tenant about the others' traffic. The route declares `auth: 'none'`
 * so that the check is done here, where both are known; a refusal is the usual 401 envelope.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import { AtsgateError } from '../../errors.ts';
import { authenticate } from '../../store/keys.ts';
import { getConnector } from '../../connectors/registry.ts';
import { Metrics } from '../../metrics/registry.ts';
import { scopeToIntegrations } from '../../metrics/scope.ts';
import { listIntegrations } from '../../store/integrations.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Compared as hashes: equal length for timingSafeEqual, and no early exit on the first wrong byte. */
function isMetricsToken(rt: Runtime, presented: string): boolean {
  return rt.config.metricsToken !== null && timingSafeEqual(sha256(presented), sha256(rt.config.metricsToken));
}

/** Who is scraping: the operator (everything) or an account (its own integrations' series only). */
async function scraper(rt: Runtime, req: FastifyRequest): Promise<{ operator: true } | { operator: false; accountId: string }> {
  const m = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m)
    throw new AtsgateError(
      'PLATFORM.AUTHENTICATION_INVALID',
      'Missing credentials: send "Authorization: Bearer <metrics token or API key>".',
    );
  const presented = m[1].trim();
  if (isMetricsToken(rt, presented)) return { operator: true };
  const key = await authenticate(rt.db, presented);
  if (key) return { operator: false, accountId: key.accountId };
  throw new AtsgateError('PLATFORM.AUTHENTICATION_INVALID', 'The metrics token or API key is invalid or has been revoked.');
}

/**
 * Log bindings for the integration a request is about: its id and tool (ids are not secret;
 * credentials never are read here). Unknown-looking values are left out rather than logged.
 */
function integrationBindings(req: FastifyRequest): Record<string, string> | null {
  const raw = req.headers['x-integration-id'];
  const id = Array.isArray(raw) ? raw[0] : raw;
  if (!id || id.length > 200 || !/^[\w:.-]+$/.test(id)) return null;
  const prefix = id.split(':')[0];
  return getConnector(prefix) ? { integration_id: id, tool: prefix } : { integration_id: id };
}

export const metricsRoutes = (rt: Runtime): FastifyPluginAsync => {
  const plugin: FastifyPluginAsync = async (app) => {
    const metrics = new Metrics(rt);

    app.addHook('onRequest', async (req, reply) => {
      const bindings = integrationBindings(req);
      if (bindings) req.log = reply.log = req.log.child(bindings);
    });
    // The interaction log id is known once the write opened it; fastify's "request completed"
    // line is written after onSend, so it carries the id.
    app.addHook('onSend', async (req, reply) => {
      if (req.logId) reply.log = reply.log.child({ log_id: req.logId });
    });
    app.addHook('onResponse', async (req, reply) => {
      const route = req.is404 ? 'unmatched' : (req.routeOptions.url ?? 'unmatched');
      metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    });
    app.addHook('onClose', async () => metrics.dispose());

    app.get('/metrics', { schema: { hide: true } as {}, config: { auth: 'none' } }, async (req, reply) => {
      const who = await scraper(rt, req);
      const { contentType, body } = await metrics.scrape();
      const visible = who.operator
        ? body
        : scopeToIntegrations(body, new Set((await listIntegrations(rt.db, who.accountId)).map((i) => i.id)));
      return reply.header('content-type', contentType).header('cache-control', 'no-store').send(visible);
    });
  };
  // Hooks on the root instance (what fastify-plugin does, without the dependency).
  (plugin as any)[Symbol.for('skip-override')] = true;
  return plugin;
};
