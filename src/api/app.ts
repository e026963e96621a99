/**
 * The HTTP server: fastify with Kombo's envelopes, bearer-key auth, and one error handler
 * that turns every failure (validation, body too large, ATS errors, bugs) into the error
 * envelope without leaking stack traces or secrets.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Runtime } from '../runtime.ts';
import { AtsgateError } from '../errors.ts';
import { sendError } from './envelope.ts';
import { describeValidation, unstorableInput } from './validation.ts';
import { authenticate, authenticateWithIntegration } from '../store/keys.ts';
import { getIntegration, type IntegrationWithSecrets } from '../store/integrations.ts';
import { atsReadRoutes } from './routes/ats-reads.ts';
import { atsWriteRoutes } from './routes/ats-writes.ts';
import { generalRoutes } from './routes/general.ts';
import { logRoutes } from './routes/logs.ts';
import { fileRoutes } from './routes/files.ts';
import { healthRoutes } from './routes/health.ts';
import { toolRoutes } from './routes/tools.ts';
import { connectRoutes } from './routes/connect.ts';
import { docsRoutes } from './routes/docs.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { passthroughRoutes } from './routes/passthrough.ts';
import { integrationSettingsRoutes } from './routes/integration-settings.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth: { accountId: string; keyId: string } | null;
    /** The interaction log of this request, once opened (error responses link to it). */
    logId: string | null;
    /** The X-Integration-Id integration, looked up with the API key (see integrationFromHeader). */
    prefetched: { id: string; integration: IntegrationWithSecrets | null } | null;
  }
}

export type App = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

/** Paths that do not take an API key. */
export const PUBLIC = [/^\/health\//, /^\/v1\/files\//, /^\/v1\/assets\//, /^\/dashboard(\/|\?|$)/, /^\/docs(\/|\?|$)/, /^\/v1\/openapi\.json(\?|$)/, /^\/connect\//, /^\/metrics(\?|$)/];

export function baseUrlOf(rt: Runtime, req: FastifyRequest): string {
  return rt.config.publicUrl ?? `${req.protocol}://${req.host}`;
}

export function logUrl(rt: Runtime, req: FastifyRequest, id: string | null): string | null {
  return id ? `${baseUrlOf(rt, req)}/v1/logs/${id}` : null;
}

export async function buildApp(rt: Runtime, opts: { logger?: boolean | object } = {}): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: rt.config.bodyLimitBytes,
    // Ajv must not quietly turn `label: 5` into "5": bodies are validated as sent.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, strict: false } },
    trustProxy: true,
    // Signed file tokens are longer than fastify's default of 100 characters.
    routerOptions: { maxParamLength: 2048 },
    // Router-level rejections (over-long path parameter, malformed %-escape) in the envelope too.
    frameworkErrors: (err, req, reply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const message = tooLong ? 'A path parameter is longer than 2048 characters.' : 'The URL is malformed (an invalid %-escape in the path).';
      return sendError(req, reply, new AtsgateError('PLATFORM.INPUT_INVALID', message, { status: tooLong ? 414 : 400 }), null);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('auth', null);
  app.decorateRequest('logId', null);
  app.decorateRequest('prefetched', null);

  // DELETE /integrations/:id arrives with a JSON body `{}`; an empty JSON body is fine too.
  app.removeContentTypeParser('application/json');
  // Parsed from bytes with a strict decoder: invalid UTF-8 is refused, not silently turned into U+FFFD.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(new AtsgateError('PLATFORM.INPUT_INVALID', 'Invalid request body: it is not valid UTF-8.'), undefined);
    }
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new AtsgateError('PLATFORM.INPUT_INVALID', 'Invalid request body: it is not valid JSON.'), undefined);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    if (PUBLIC.some((p) => p.test(req.url))) return;
    const header = req.headers.authorization ?? '';
    const m = /^bearer\s+(.+)$/i.exec(header);
    // A person opening an error's log_url in a browser gets the dashboard's page for that log.
    const logPage = /^\/v1\/logs\/([^/?#]+)$/.exec(req.url);
    if (!m && logPage && req.method === 'GET' && /text\/html/.test(req.headers.accept ?? '')) {
      return reply.redirect(`/dashboard/logs/${logPage[1]}`, 303);
    }
    if (!m) throw new AtsgateError('PLATFORM.AUTHENTICATION_INVALID', 'Missing API key: send "Authorization: Bearer <api key>".');
    const integrationId = req.headers['x-integration-id'];
    if (typeof integrationId === 'string' && integrationId !== '') {
      const got = await authenticateWithIntegration(rt.db, m[1].trim(), integrationId);
      if (!got) throw new AtsgateError('PLATFORM.AUTHENTICATION_INVALID', 'The API key is invalid or has been revoked.');
      req.auth = { keyId: got.keyId, accountId: got.accountId };
      req.prefetched = { id: integrationId, integration: got.integration };
      return;
    }
    const auth = await authenticate(rt.db, m[1].trim());
    if (!auth) throw new AtsgateError('PLATFORM.AUTHENTICATION_INVALID', 'The API key is invalid or has been revoked.');
    req.auth = auth;
  });

  // Input PostgreSQL cannot store (NUL, lone surrogates, absurd nesting) is refused before any handler.
  app.addHook('preValidation', async (req) => {
    const parts: [unknown, string][] = [[req.params, 'path parameter'], [req.query, 'query parameter'], [req.headers['x-integration-id'], 'X-Integration-Id header'], [req.body, 'request body']];
    for (const [value, where] of parts) {
      const problem = unstorableInput(value, where);
      if (problem) throw new AtsgateError('PLATFORM.INPUT_INVALID', problem);
    }
  });

  app.setErrorHandler((err: any, req, reply) => {
    const logUrlFor = () => logUrl(rt, req, req.logId);
    if (err instanceof AtsgateError) return sendError(req, reply, err, logUrlFor());
    if (err.validation) {
      return sendError(req, reply, new AtsgateError('PLATFORM.INPUT_INVALID', describeValidation(err.validation, err.validationContext ?? 'body')), logUrlFor());
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(req, reply, new AtsgateError('PLATFORM.INPUT_INVALID', `The request body is larger than the limit of ${rt.config.bodyLimitBytes} bytes.`, { status: 413 }), null);
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // fastify's own client errors (bad content type, malformed body...)
      const message = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'Unsupported Content-Type: send JSON with "Content-Type: application/json".' : `Invalid request: ${err.message}`;
      return sendError(req, reply, new AtsgateError('PLATFORM.INPUT_INVALID', message, { status: err.statusCode === 415 ? 415 : 400 }), null);
    }
    req.log.error({ err: { type: err?.name, message: err?.message, stack: err?.stack } }, 'unexpected error');
    return sendError(req, reply, new AtsgateError('PLATFORM.UNKNOWN_ERROR', 'An unexpected error occurred. The log of this request has the details.'), logUrlFor());
  });

  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, new AtsgateError('PLATFORM.INPUT_INVALID', `No endpoint ${req.method} ${req.url.split('?')[0].slice(0, 200)}.`, { status: 404 }), null),
  );

  await app.register(docsRoutes(rt)); // first: its onRoute hook records the routes below for /v1/openapi.json
  await app.register(metricsRoutes(rt)); // root-level hooks: request metrics and log bindings
  await app.register(healthRoutes(rt));
  await app.register(fileRoutes(rt), { prefix: '/v1' });
  await app.register(generalRoutes(rt), { prefix: '/v1' });
  await app.register(passthroughRoutes(rt), { prefix: '/v1' });
  await app.register(integrationSettingsRoutes(rt), { prefix: '/v1' });
  await app.register(toolRoutes(rt), { prefix: '/v1' });
  await app.register(logRoutes(rt), { prefix: '/v1' });
  await app.register(atsReadRoutes(rt), { prefix: '/v1/ats' });
  await app.register(atsWriteRoutes(rt), { prefix: '/v1/ats' });
  await app.register(dashboardRoutes(rt), { prefix: '/dashboard' });
  await app.register(connectRoutes(rt));
  return app;
}

/** The integration named by X-Integration-Id, scoped to the caller's account. */
export async function integrationFromHeader(rt: Runtime, req: FastifyRequest, opts: { requireSynced: boolean }): Promise<IntegrationWithSecrets> {
  const raw = req.headers['x-integration-id'];
  const id = Array.isArray(raw) ? raw[0] : raw;
  if (!id) throw new AtsgateError('PLATFORM.INPUT_INVALID', 'The X-Integration-Id header is required: the id of the integration to act on, like "greenhouse:8Xi6iZrwusZqJmDGXs49GBmJ".');
  // Usually fetched already, with the API key, in the same round trip (onRequest hook above).
  const integration = req.prefetched?.id === id ? req.prefetched.integration : await getIntegration(rt.db, req.auth!.accountId, id);
  if (!integration) throw new AtsgateError('PLATFORM.INTEGRATION_NOT_FOUND', `No integration with the id "${id.slice(0, 100)}" exists for this API key.`);
  if (opts.requireSynced && integration.setup_status !== 'COMPLETED') {
    throw new AtsgateError('INTEGRATION.SETUP_SYNC_PENDING', `The first sync of integration ${integration.id} has not finished yet; retry shortly.`);
  }
  return integration;
}
