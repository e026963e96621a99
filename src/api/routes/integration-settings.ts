/**
 * Per-integration settings and field listings of Kombo's general API:
 * PUT /integrations/:id/enabled (src/integrations/enabled.ts says what "disabled" stops).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../app.ts';
import { ok } from '../envelope.ts';
import { IdParam } from '../schemas.ts';
import { getIntegration, setIntegrationEnabled, type IntegrationWithSecrets } from '../../store/integrations.ts';
import { cancelRunningSyncs } from '../../store/syncs.ts';
import { AtsgateError } from '../../errors.ts';

/** Kombo's PutIntegrationsIntegrationIdEnabledRequestBody. */
export const EnabledBody = Type.Object(
  { value: Type.Boolean({ description: 'true: enabled; false: disabled (no writes, passthrough calls or syncs; data and credentials are kept).' }) },
  { additionalProperties: false },
);

export const integrationSettingsRoutes = (rt: Runtime): FastifyPluginAsync => async (fastify) => {
  const app = fastify as unknown as App;
  const integrationParam = IdParam('integration_id');
  const scoped = async (req: FastifyRequest): Promise<IntegrationWithSecrets> => {
    const { integration_id } = req.params as { integration_id: string };
    const i = await getIntegration(rt.db, req.auth!.accountId, integration_id);
    if (!i) throw new AtsgateError('PLATFORM.INTEGRATION_NOT_FOUND', `No integration with the id "${integration_id.slice(0, 100)}" exists for this API key.`);
    return i;
  };

  app.put('/integrations/:integration_id/enabled', { schema: { params: integrationParam, body: EnabledBody } }, async (req) => {
    const i = await scoped(req);
    const { value } = req.body as { value: boolean };
    await setIntegrationEnabled(rt.db, req.auth!.accountId, i.id, value);
    // Kombo: "When disabling, all currently running syncs will be cancelled."
    if (!value) await cancelRunningSyncs(rt.db, i.id, 'cancelled: the integration was disabled');
    return ok({});
  });
};
