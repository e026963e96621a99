/** GET /v1/tools/:category (Kombo's tools endpoint) and the generated tool logos. */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../types.ts';
import { baseUrlOf } from '../request-context.ts';
import { ok } from '../envelope.ts';
import { connectors } from '../../connectors/registry.ts';
import { coverage, logoSvg } from '../../connectors/coverage.ts';
import { toolAssets } from './general.ts';
import { inputInvalid } from '../../errors.ts';

export const toolRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;

    app.get('/tools/:category', { schema: { params: Type.Object({ category: Type.String({ maxLength: 20 }) }) } }, async (req) => {
      const { category } = req.params as { category: string };
      if (!['ats', 'hris', 'assessment', 'lms'].includes(category))
        throw inputInvalid('Invalid path parameter: "category" must be one of ats, hris, assessment, lms.');
      if (category !== 'ats') return ok({ tools: [] });
      const base = baseUrlOf(rt, req);
      const tools = [...connectors.values()].map(({ definition: d, webhooks, webhooksUnavailable }) => {
        const cov = coverage(d);
        return {
          id: d.id,
          label: d.label,
          internal_label: null,
          assets: toolAssets(base, d.id),
          paid_api_details_markdown: null,
          fast_track_details_markdown: null,
          partner_only_details_markdown: null,
          connection_guide_url: d.docs[0] ?? null,
          coverage: {
            read_models: cov.read_models.map((m) => ({ ...m, fields: [] })),
            write_actions: cov.write_actions.map((a) => ({ ...a, fields: [] })),
            features: [],
          },
          // atsgate extension: how result links and attachments land in this ATS.
          atsgate: {
            result_links: d.capabilities.resultLinks,
            attachments: d.capabilities.attachments,
            application_writes: d.capabilities.applicationWrites,
            tags: d.capabilities.tags,
            application_status: {
              stage_move: d.capabilities.applicationStatus.stageMove,
              reject: d.capabilities.applicationStatus.reject,
              rejection_reasons: d.capabilities.applicationStatus.rejectionReasons,
              ...(d.capabilities.applicationStatus.unavailable ? { unavailable: d.capabilities.applicationStatus.unavailable } : {}),
              summary: d.capabilities.applicationStatus.summary,
            },
            delta_sync: d.capabilities.deltaSync,
            users: d.capabilities.users,
            credentials: d.credentialFields,
            // The ATS's own webhooks (changes within seconds) or why there are none (the periodic sync is the path).
            vendor_webhooks: webhooks
              ? {
                  setup: webhooks.poll ? 'polled' : webhooks.setup,
                  vendor_secret: webhooks.vendorSecret?.label ?? null,
                  docs: webhooks.docs,
                }
              : webhooksUnavailable
                ? { setup: 'unsupported', reason: webhooksUnavailable.reason, docs: webhooksUnavailable.docs }
                : null,
          },
        };
      });
      return ok({ tools });
    });

    // Logos are public (the connect page and the SDK's UI show them).
    app.get('/assets/tools/:file', { config: { auth: 'none' } }, async (req, reply) => {
      const { file } = req.params as { file: string };
      const m = /^([a-z0-9_-]+?)(-black)?\.svg$/.exec(file);
      const c = m ? connectors.get(m[1]) : undefined;
      // In the error envelope like every other error (it used to be a bare text/plain 404).
      if (!c) throw inputInvalid(`No tool logo "${file.slice(0, 100)}".`, 404);
      return reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(logoSvg(c.definition, !!m![2]));
    });
  };
