/**
 * The write-backs: result link on a candidate or an application, candidate and application
 * attachments, application notes, candidate tags (added and removed by name), stage moves and rejections. Two atsgate extensions apply to all of them: `Idempotency-Key` (src/writes/idempotency.ts,
 * as hooks around the routes) and `Prefer: respond-async` (src/writes/outbox.ts).
 */
import type { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../types.ts';
import { integrationFromHeader, logUrl } from '../request-context.ts';
import { action } from '../envelope.ts';
import { AttachmentBody, IdParam, NoteBody, RejectBody, ResultLinkBody, StageBody, TagBody } from '../schemas.ts';
import { interact, type Interaction, type WriteRequest } from '../../writes/service.ts';
import { acceptWrite, prefersAsync } from '../../writes/outbox.ts';
import { completeHeldKey, registerIdempotency } from '../../writes/idempotency.ts';
import { inputInvalid } from '../../errors.ts';
import { parseJsonSpoolingData } from '../../uploads/json-spool.ts';
import { RequestFiles } from '../../uploads/temp-files.ts';

export const atsWriteRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    registerIdempotency(app, rt);

    /** The interaction shares the request's log id, so an error response can link to the log. */
    async function interaction(req: FastifyRequest): Promise<Interaction> {
      const integration = await integrationFromHeader(rt, req, { requireSynced: true });
      return { accountId: req.auth!.accountId, integration, method: req.method, path: req.url, onLogOpened: (id) => (req.logId = id) };
    }

    /** Runs the write now, or (Prefer: respond-async) validates and stores it for delivery. */
    async function perform(req: FastifyRequest, reply: FastifyReply, write: WriteRequest) {
      const it = await interaction(req);
      if (prefersAsync(req.headers)) {
        const answer = (logId: string) => action({}, [`Accepted for asynchronous delivery; see ${logUrl(rt, req, logId)}`]);
        // The Idempotency-Key's answer is stored with the outbox row, in one transaction.
        const { logId } = await acceptWrite(rt, it, write, (q, accepted) =>
          completeHeldKey(q, req, { statusCode: 200, body: JSON.stringify(answer(accepted.logId)), logId: accepted.logId }),
        );
        reply
          .header('location', logUrl(rt, req, logId)!)
          .header('x-atsgate-log-id', logId)
          .header('preference-applied', 'respond-async');
        return answer(logId);
      }
      const out = await interact(rt, it, write);
      return action({}, out.warnings);
    }

    app.post(
      '/candidates/:candidate_id/result-links',
      { schema: { params: IdParam('candidate_id'), body: ResultLinkBody } },
      async (req, reply) => {
        const { candidate_id } = req.params as { candidate_id: string };
        return perform(req, reply, {
          action: 'ats_add_candidate_result_link',
          candidateId: candidate_id,
          body: req.body as ResultLinkBody,
        });
      },
    );

    app.post(
      '/applications/:application_id/result-links',
      { schema: { params: IdParam('application_id'), body: ResultLinkBody } },
      async (req, reply) => {
        const { application_id } = req.params as { application_id: string };
        return perform(req, reply, {
          action: 'ats_add_application_result_link',
          applicationId: application_id,
          body: req.body as ResultLinkBody,
        });
      },
    );

    app.post(
      '/applications/:application_id/notes',
      { schema: { params: IdParam('application_id'), body: NoteBody } },
      async (req, reply) => {
        const { application_id } = req.params as { application_id: string };
        return perform(req, reply, { action: 'ats_add_note_to_application', applicationId: application_id, body: req.body as NoteBody });
      },
    );

    // Kombo's DELETE carries a JSON body too ({tag: {name}}), as its POST does.
    for (const [method, action] of [
      ['post', 'ats_add_candidate_tag'],
      ['delete', 'ats_remove_candidate_tag'],
    ] as const) {
      app[method]('/candidates/:candidate_id/tags', { schema: { params: IdParam('candidate_id'), body: TagBody } }, async (req, reply) => {
        const { candidate_id } = req.params as { candidate_id: string };
        return perform(req, reply, { action, candidateId: candidate_id, body: req.body as TagBody });
      });
    }
    app.put(
      '/applications/:application_id/stage',
      { schema: { params: IdParam('application_id'), body: StageBody } },
      async (req, reply) => {
        const { application_id } = req.params as { application_id: string };
        return perform(req, reply, { action: 'ats_move_application_to_stage', applicationId: application_id, body: req.body as StageBody });
      },
    );

    app.post(
      '/applications/:application_id/reject',
      { schema: { params: IdParam('application_id'), body: RejectBody } },
      async (req, reply) => {
        const { application_id } = req.params as { application_id: string };
        return perform(req, reply, { action: 'ats_reject_application', applicationId: application_id, body: req.body as RejectBody });
      },
    );

    // Attachments have a JSON parser of their own: `attachment.data` is decoded into a temporary
    // file as the body arrives, never held whole in memory nor decoded in one blocking step. The
    // request's temporary files (that one, a data_url download) go when its response is closed.
    await app.register(async (instance) => {
      const attachments = instance as unknown as App;
      attachments.decorateRequest('uploads', null);
      /** The request's temporary files, created in onRequest (before the body is parsed). */
      const filesOf = (req: FastifyRequest) => req.uploads!;
      attachments.addHook('onRequest', async (req, reply) => {
        const f = (req.uploads = new RequestFiles());
        reply.raw.once('close', () => f.end());
      });
      attachments.removeContentTypeParser('application/json');
      attachments.addContentTypeParser('application/json', (req: FastifyRequest, payload: Readable) =>
        parseJsonSpoolingData(payload, {
          bodyLimit: rt.config.bodyLimitBytes,
          keepBytes: rt.config.attachmentMaxBytes,
          files: filesOf(req),
          contentLength: req.headers['content-length'],
        }),
      );

      attachments.post(
        '/candidates/:candidate_id/attachments',
        { schema: { params: IdParam('candidate_id'), body: AttachmentBody } },
        async (req, reply) => {
          const { candidate_id } = req.params as { candidate_id: string };
          const body = checkedAttachment(req.body as AttachmentBody);
          const f = filesOf(req);
          // Held while the write runs: a client that goes away does not pull the file from under an upload.
          return f.hold(() => perform(req, reply, { action: 'ats_add_candidate_attachment', candidateId: candidate_id, body, files: f }));
        },
      );

      attachments.post(
        '/applications/:application_id/attachments',
        { schema: { params: IdParam('application_id'), body: AttachmentBody } },
        async (req, reply) => {
          const { application_id } = req.params as { application_id: string };
          const body = checkedAttachment(req.body as AttachmentBody);
          const f = filesOf(req);
          return f.hold(() =>
            perform(req, reply, { action: 'ats_add_application_attachment', applicationId: application_id, body, files: f }),
          );
        },
      );
    });
  };

/** What the schema can't say ("exactly one of", "required with"), said here, naming the fields. */
function checkedAttachment(body: AttachmentBody): AttachmentBody {
  const a = body.attachment;
  if ((a.data === undefined) === (a.data_url === undefined)) {
    throw inputInvalid('Invalid request body: provide exactly one of "attachment.data" (base64) and "attachment.data_url".');
  }
  if (a.data !== undefined && !a.content_type)
    throw inputInvalid('Invalid request body: "attachment.content_type" is required when "attachment.data" is given.');
  return body;
}
