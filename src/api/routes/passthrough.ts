/** POST /v1/passthrough/:tool/:api: a raw call to the ATS's own API (src/passthrough). */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../types.ts';
import { integrationFromHeader } from '../request-context.ts';
import { action } from '../envelope.ts';
import { passthrough, type PassthroughBody } from '../../passthrough/service.ts';

const Str = (maxLength: number) => Type.String({ maxLength });

/** Kombo's PostPassthroughToolApiRequestBody; limits are ours. */
export const PassthroughRequestBody = Type.Object(
  {
    method: Type.Union(
      ['GET', 'POST', 'DELETE', 'PUT', 'PATCH'].map((m) => Type.Literal(m)),
      { description: 'The HTTP method of the request.' },
    ),
    path: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: "Relative to the API's base URL, under one of the paths the tool allows (GET /v1/tools/ats, README).",
    }),
    headers: Type.Optional(
      Type.Record(Type.String(), Str(8192), {
        description: 'Sent along; authentication, Cookie, Host and connection headers are never forwarded.',
      }),
    ),
    params: Type.Optional(Type.Record(Type.String(), Str(8192), { description: 'Query parameters, in addition to those in `path`.' })),
    data: Type.Optional(Type.Any({ description: 'An object or array is sent as JSON, a string as it is.' })),
    response_as_base64: Type.Optional(Type.Boolean({ description: 'Return the body base64-encoded (binary files).' })),
    multipart_form_data: Type.Optional(
      Type.Array(Type.Any(), { description: 'Not supported by atsgate: answered with PLATFORM.INPUT_INVALID.' }),
    ),
    api_options: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Accepted and ignored (a warning says so): no atsgate API takes options.' }),
    ),
  },
  { additionalProperties: false },
);

export const passthroughRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const params = Type.Object({ tool: Type.String({ minLength: 1, maxLength: 100 }), api: Type.String({ minLength: 1, maxLength: 100 }) });
    app.post('/passthrough/:tool/:api', { schema: { params, body: PassthroughRequestBody } }, async (req) => {
      const { tool, api } = req.params as { tool: string; api: string };
      const integration = await integrationFromHeader(rt, req, { requireSynced: false });
      const it = {
        accountId: req.auth!.accountId,
        integration,
        method: req.method,
        path: req.url,
        onLogOpened: (id: string) => (req.logId = id),
      };
      const out = await passthrough(rt, it, tool, api, req.body as PassthroughBody);
      return action(out.data, out.warnings);
    });
  };
