/** Liveness (the process answers) and readiness (the database answers). */
import type { FastifyPluginAsync } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import { pingDatabase } from '../../store/health.ts';

export const healthRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (app) => {
    // Probes (load balancers, orchestrators) carry no API key.
    const probe = { config: { auth: 'none' as const } };
    app.get('/health/live', probe, async () => ({ status: 'ok' }));
    app.get('/health/ready', probe, async (_req, reply) => {
      try {
        await pingDatabase(rt.db);
        return { status: 'ok', database: rt.db.kind };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: rt.db.kind });
      }
    });
  };
