/** General endpoints: API key check, integration details and deletion, force-sync. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Runtime } from '../../runtime.ts';
import { connectorFor } from '../../runtime.ts';
import type { App } from '../types.ts';
import { baseUrlOf, integrationFromHeader } from '../request-context.ts';
import { ok } from '../envelope.ts';
import { ForceSyncBody, IdParam } from '../schemas.ts';
import { getIntegration, type Integration } from '../../store/integrations.ts';
import { removeIntegration } from '../../integrations/service.ts';
import { tearDownVendorWebhooks } from '../../webhooks/vendor/endpoint.ts';
import { requestSync } from '../../jobs/sync-tasks.ts';
import { coverage } from '../../connectors/coverage.ts';
import { AtsgateError } from '../../errors.ts';
import { assertEnabled } from '../../integrations/enabled.ts';

export function toolAssets(base: string, tool: string) {
  return {
    logo_url: `${base}/v1/assets/tools/${tool}.svg`,
    icon_url: `${base}/v1/assets/tools/${tool}.svg`,
    icon_black_url: `${base}/v1/assets/tools/${tool}-black.svg`,
  };
}

export function integrationDetails(base: string, i: Integration) {
  const def = connectorFor(i.tool).definition;
  const cov = coverage(def);
  const assets = toolAssets(base, i.tool);
  const scope = { scope_config_setting: 'ENABLED' as const, opted_out_by_customer: false, fields: [] };
  return {
    id: i.id,
    tool: { id: def.id, label: def.label, internal_label: null, logo_url: assets.logo_url, icon_url: assets.icon_url },
    category: 'ATS',
    // Kombo: INACTIVE = "manually set to inactive"; a disabled integration shows it, whatever its credentials say.
    status: i.enabled === false ? ('INACTIVE' as const) : i.status,
    setup_status: i.setup_status,
    end_user: { organization_name: i.organization_name, creator_email: i.creator_email, origin_id: i.origin_id },
    scope_config: { id: 'default', name: 'Default' },
    data_expired_at: null,
    created_at: new Date(i.created_at).toISOString(),
    beta: false,
    read_models: cov.read_models.map((m) => ({ ...m, is_available: m.coverage_status === 'SUPPORTED', ...scope })),
    write_actions: cov.write_actions.map((a) => ({ ...a, is_available: a.coverage_status === 'SUPPORTED', ...scope })),
  };
}

export const generalRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const integrationParam = IdParam('integration_id');
    const scoped = async (req: FastifyRequest) => {
      const { integration_id } = req.params as { integration_id: string };
      const i = await getIntegration(rt.db, req.auth!.accountId, integration_id);
      if (!i)
        throw new AtsgateError(
          'PLATFORM.INTEGRATION_NOT_FOUND',
          `No integration with the id "${integration_id.slice(0, 100)}" exists for this API key.`,
        );
      return i;
    };

    app.get('/check-api-key', async (req) => ok({ environment_id: req.auth!.accountId, customer_id: req.auth!.accountId }));

    app.get('/integrations/:integration_id', { schema: { params: integrationParam } }, async (req) =>
      ok(integrationDetails(baseUrlOf(rt, req), await scoped(req))),
    );

    app.delete('/integrations/:integration_id', { schema: { params: integrationParam, body: Type.Optional(Type.Any()) } }, async (req) => {
      const i = await scoped(req);
      // What atsgate registered with the ATS goes first; a vendor that refuses does not keep the integration.
      const problem = await tearDownVendorWebhooks(rt, i).catch((err: unknown) => (err as Error)?.message ?? String(err));
      if (problem) req.log.warn({ integration_id: i.id, problem }, 'vendor webhook removal failed');
      await removeIntegration(rt, i);
      return ok({});
    });

    app.post('/force-sync', { schema: { body: Type.Optional(ForceSyncBody) } }, async (req) => {
      const integration = await integrationFromHeader(rt, req, { requireSynced: false });
      assertEnabled(integration, 'general');
      const requested = (req.body as { type?: 'FULL' | 'DELTA' } | null | undefined)?.type ?? 'FULL';
      // Queued on the job engine (one queued sync per integration for the whole deployment).
      const s = await requestSync(rt, integration.id, requested);
      return ok({ already_queued: s.alreadyQueued, sync_id: s.syncId, type: s.type });
    });
  };
