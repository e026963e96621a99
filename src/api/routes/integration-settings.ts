/**
 * Per-integration settings and field listings of Kombo's general API:
 * - PUT /integrations/:id/enabled (src/integrations/enabled.ts says what "disabled" stops);
 * - GET /integrations/:id/custom-fields: the ATS's custom field definitions, read live where the
 *   connector can list them (so a vendor can see whether its "<prefix> <key>" fields exist);
 *   connectors that cannot (yet: Recruitee; Lever documents no list) answer an empty page;
 * - GET /integrations/:id/integration-fields: atsgate maps no raw integration fields (no field
 *   mapping, no `integration_fields` passthrough), so this is always Kombo's empty page.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../types.ts';
import { ok } from '../envelope.ts';
import { IdParam } from '../schemas.ts';
import { getIntegration, type IntegrationWithSecrets } from '../../store/integrations.ts';
import { setEnabled } from '../../integrations/service.ts';
import { cancelRunningSyncs } from '../../store/syncs.ts';
import { AtsgateError, inputInvalid } from '../../errors.ts';
import { contextFor } from '../../runtime.ts';
import type { RemoteCustomField } from '../../connectors/types.ts';

/** Kombo's PutIntegrationsIntegrationIdEnabledRequestBody. */
export const EnabledBody = Type.Object(
  {
    value: Type.Boolean({
      description: 'true: enabled; false: disabled (no writes, passthrough calls or syncs; data and credentials are kept).',
    }),
  },
  { additionalProperties: false },
);

/** Kombo's paging query: `cursor` (ours: an offset) and `page_size` (1..max). */
const pageQuery = (max: number) =>
  Type.Object({
    cursor: Type.Optional(Type.String({ maxLength: 20, description: 'The `next` of the previous page.' })),
    // A string, as every query value arrives (the server's Ajv does not coerce); range checked below.
    page_size: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$', description: `Results per page, 1 to ${max} (default 100).` })),
  });

function pageSizeOf(raw: string | undefined, max: number): number {
  const n = raw === undefined ? 100 : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw inputInvalid(`page_size must be between 1 and ${max}.`);
  return n;
}

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,9}$/.test(cursor)) throw inputInvalid('cursor is not a cursor this endpoint returned.');
  return Number(cursor);
}

function customFieldResult(f: RemoteCustomField) {
  const id = `${f.model}:${f.remote_id}`;
  return {
    id,
    key: f.name,
    integration_field: { id, key: f.remote_id, type: 'CUSTOM' as const, label: f.name },
    model: f.model,
    label: f.name,
    description: null,
  };
}

export const integrationSettingsRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const integrationParam = IdParam('integration_id');
    const scoped = async (req: FastifyRequest): Promise<IntegrationWithSecrets> => {
      const { integration_id } = req.params as { integration_id: string };
      const i = await getIntegration(rt.db, req.auth!.accountId, integration_id);
      if (!i)
        throw new AtsgateError(
          'PLATFORM.INTEGRATION_NOT_FOUND',
          `No integration with the id "${integration_id.slice(0, 100)}" exists for this API key.`,
        );
      return i;
    };

    app.put('/integrations/:integration_id/enabled', { schema: { params: integrationParam, body: EnabledBody } }, async (req) => {
      const i = await scoped(req);
      const { value } = req.body as { value: boolean };
      await setEnabled(rt, i, value);
      // Kombo: "When disabling, all currently running syncs will be cancelled."
      if (!value) await cancelRunningSyncs(rt.db, i.id, 'cancelled: the integration was disabled');
      return ok({});
    });

    app.get(
      '/integrations/:integration_id/custom-fields',
      { schema: { params: integrationParam, querystring: pageQuery(250) } },
      async (req) => {
        const i = await scoped(req);
        const q = req.query as { cursor?: string; page_size?: string };
        const offset = offsetOf(q.cursor);
        const size = pageSizeOf(q.page_size, 250);
        const { connector, ctx } = contextFor(rt, i);
        const all = connector.listCustomFields ? await connector.listCustomFields(ctx) : [];
        const page = all.slice(offset, offset + size).map(customFieldResult);
        const next = offset + size < all.length ? String(offset + size) : null;
        return ok({ results: page, next_cursor: next, next });
      },
    );

    app.get(
      '/integrations/:integration_id/integration-fields',
      { schema: { params: integrationParam, querystring: pageQuery(2000) } },
      async (req) => {
        await scoped(req);
        const q = req.query as { cursor?: string; page_size?: string };
        offsetOf(q.cursor);
        pageSizeOf(q.page_size, 2000);
        return ok({ results: [], next_cursor: null, next: null });
      },
    );
  };
