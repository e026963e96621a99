/** Liveness (the process answers) and readiness (the database answers). */
import type { FastifyPluginAsync } from 'fastify';
import type { Runtime } from '../../runtime.ts';

export const healthRoutes = (rt: Runtime): FastifyPluginAsync => async (app) => {
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_req, reply) => {
    try {
      await rt.db.query('SELECT 1');
      return { status: 'ok', database: rt.db.kind };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: rt.db.kind });
    }
  });
};
