/**
 * GET /v1/files/:token — files atsgate serves itself (sandbox attachments, and vendors whose
 * file URLs need our credentials). The signed, expiring token is the only credential.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import { contextFor } from '../../runtime.ts';
import type { App } from '../app.ts';
import { getIntegrationById } from '../../store/integrations.ts';
import { AtsgateError } from '../../errors.ts';

export const fileRoutes = (rt: Runtime): FastifyPluginAsync => async (fastify) => {
  const app = fastify as unknown as App;
  app.get('/files/:token', async (req, reply) => {
    const { token } = req.params as { token: string };
    const claim = rt.signer.verify(token);
    if (!claim) throw new AtsgateError('PLATFORM.AUTHENTICATION_INVALID', 'This file link is invalid or has expired; list the attachments again for a fresh one.');
    const integration = await getIntegrationById(rt.db, claim.integrationId);
    if (!integration) throw new AtsgateError('PLATFORM.INPUT_INVALID', 'The integration of this file no longer exists.', { status: 404 });
    const { connector, ctx } = contextFor(rt, integration);
    if (!connector.downloadAttachment) throw new AtsgateError('PLATFORM.INPUT_INVALID', 'This file cannot be downloaded through atsgate.', { status: 404 });
    const file = await connector.downloadAttachment(ctx, claim.ref);
    const safeName = file.file_name.replace(/[^\w.\- ()]/g, '_');
    return reply
      .type(file.content_type)
      .header('content-disposition', `attachment; filename="${safeName}"; filename*=UTF-8''${encodeURIComponent(file.file_name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(file.data);
  });
};
