/** The three write-backs: result link on a candidate or an application, candidate attachment. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../app.ts';
import { integrationFromHeader } from '../app.ts';
import { action } from '../envelope.ts';
import { AttachmentBody, IdParam, ResultLinkBody } from '../schemas.ts';
import { addApplicationResultLink, addCandidateAttachment, addCandidateResultLink, type Interaction } from '../../writes/service.ts';
import { inputInvalid } from '../../errors.ts';

export const atsWriteRoutes = (rt: Runtime): FastifyPluginAsync => async (fastify) => {
  const app = fastify as unknown as App;

  /** The interaction shares the request's log id, so an error response can link to the log. */
  async function interaction(req: FastifyRequest): Promise<Interaction> {
    const integration = await integrationFromHeader(rt, req, { requireSynced: true });
    return { accountId: req.auth!.accountId, integration, method: req.method, path: req.url, onLogOpened: (id) => (req.logId = id) };
  }

  app.post('/candidates/:candidate_id/result-links', { schema: { params: IdParam('candidate_id'), body: ResultLinkBody } }, async (req) => {
    const { candidate_id } = req.params as { candidate_id: string };
    const out = await addCandidateResultLink(rt, await interaction(req), candidate_id, req.body as ResultLinkBody);
    return action({}, out.warnings);
  });

  app.post('/applications/:application_id/result-links', { schema: { params: IdParam('application_id'), body: ResultLinkBody } }, async (req) => {
    const { application_id } = req.params as { application_id: string };
    const out = await addApplicationResultLink(rt, await interaction(req), application_id, req.body as ResultLinkBody);
    return action({}, out.warnings);
  });

  app.post('/candidates/:candidate_id/attachments', { schema: { params: IdParam('candidate_id'), body: AttachmentBody } }, async (req) => {
    const { candidate_id } = req.params as { candidate_id: string };
    const body = req.body as AttachmentBody;
    const a = body.attachment;
    // The schema can't say "exactly one of"; say it here, naming the fields.
    if ((a.data === undefined) === (a.data_url === undefined)) {
      throw inputInvalid('Invalid request body: provide exactly one of "attachment.data" (base64) and "attachment.data_url".');
    }
    if (a.data !== undefined && !a.content_type) throw inputInvalid('Invalid request body: "attachment.content_type" is required when "attachment.data" is given.');
    const out = await addCandidateAttachment(rt, await interaction(req), candidate_id, body);
    return action({}, out.warnings);
  });
};
