/**
 * GET /v1/files/:token — files atsgate serves itself (sandbox attachments, and vendors whose
 * file URLs need our credentials). The signed, expiring token is the only credential.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import { contextFor, PUBLISHED_REF } from '../../runtime.ts';
import { getPublishedFile } from '../../store/published-files.ts';
import type { App } from '../types.ts';
import { getIntegrationById } from '../../store/integrations.ts';
import { AtsgateError } from '../../errors.ts';

export const fileRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;

    /** A file atsgate published for a vendor to fetch (ctx.publishFile). */
    async function publishedFile(integrationId: string, id: string) {
      const f = await getPublishedFile(rt.db, integrationId, id);
      if (!f) throw new AtsgateError('PLATFORM.INPUT_INVALID', 'The file no longer exists.', { status: 404 });
      return { content_type: f.content_type, file_name: f.file_name, data: rt.box.openBytes(f.content) };
    }

    /** A file the connector serves (vendor downloads that need our credentials, the sandbox). */
    async function connectorFile(integration: NonNullable<Awaited<ReturnType<typeof getIntegrationById>>>, ref: string) {
      const { connector, ctx } = contextFor(rt, integration);
      if (!connector.downloadAttachment)
        throw new AtsgateError('PLATFORM.INPUT_INVALID', 'This file cannot be downloaded through atsgate.', { status: 404 });
      return connector.downloadAttachment(ctx, ref);
    }
    // The signed, expiring token in the URL is the credential (a browser or an ATS fetches it).
    app.get('/files/:token', { config: { auth: 'none' } }, async (req, reply) => {
      const { token } = req.params as { token: string };
      const claim = rt.signer.verify(token);
      if (!claim)
        throw new AtsgateError(
          'PLATFORM.AUTHENTICATION_INVALID',
          'This file link is invalid or has expired; list the attachments again for a fresh one.',
        );
      const integration = await getIntegrationById(rt.db, claim.integrationId);
      if (!integration) throw new AtsgateError('PLATFORM.INPUT_INVALID', 'The integration of this file no longer exists.', { status: 404 });
      const file = claim.ref.startsWith(PUBLISHED_REF)
        ? await publishedFile(integration.id, claim.ref.slice(PUBLISHED_REF.length))
        : await connectorFile(integration, claim.ref);
      const safeName = file.file_name.replace(/[^\w.\- ()]/g, '_');
      return reply
        .type(file.content_type)
        .header('content-disposition', `attachment; filename="${safeName}"; filename*=UTF-8''${encodeURIComponent(file.file_name)}`)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(file.data);
    });
  };
