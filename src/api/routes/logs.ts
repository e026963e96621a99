/** Interaction logs (atsgate extension): where every error's log_url points. */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../types.ts';
import { ok } from '../envelope.ts';
import { getLog, listLogs } from '../../store/logs.ts';
import { presentLog } from '../present-log.ts';
import { AtsgateError, inputInvalid } from '../../errors.ts';

export const logRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;

    app.get('/logs/:log_id', { schema: { params: Type.Object({ log_id: Type.String({ maxLength: 100 }) }) } }, async (req) => {
      const { log_id } = req.params as { log_id: string };
      const l = await getLog(rt.db, req.auth!.accountId, log_id);
      if (!l) throw new AtsgateError('PLATFORM.INPUT_INVALID', `No log entry with the id "${log_id}".`, { status: 404 });
      return ok(presentLog(l));
    });

    app.get(
      '/logs',
      {
        schema: {
          querystring: Type.Object({
            integration_id: Type.Optional(Type.String({ maxLength: 200 })),
            outcome: Type.Optional(Type.Union([Type.Literal('PENDING'), Type.Literal('SUCCESS'), Type.Literal('ERROR')])),
            limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
            // An ISO date-time: anything else used to reach PostgreSQL's ::timestamptz cast and fail as a 500.
            before: Type.Optional(
              Type.String({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$' }),
            ),
          }),
        },
      },
      async (req) => {
        const q = req.query as { integration_id?: string; outcome?: string; limit?: string; before?: string };
        const before = q.before === undefined ? undefined : Date.parse(q.before);
        if (before !== undefined && !(before >= Date.parse('0001-01-01T00:00:00Z')))
          throw inputInvalid('Invalid query parameter: "before" is not a valid date-time on or after 0001-01-01.');
        const rows = await listLogs(rt.db, req.auth!.accountId, {
          integrationId: q.integration_id,
          outcome: q.outcome,
          limit: Number(q.limit ?? 50),
          before: before === undefined ? undefined : new Date(before).toISOString(),
        });
        return ok({ results: rows.map(presentLog) });
      },
    );
  };
