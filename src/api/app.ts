/**
 * The HTTP server: fastify with Kombo's envelopes, bearer-key auth, and one error handler
 * that turns every failure (validation, body too large, ATS errors, bugs) into the error
 * envelope without leaking stack traces or secrets.
 */
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Runtime } from '../runtime.ts';
import type { App } from './types.ts';
import { AtsgateError } from '../errors.ts';
import { sendError } from './envelope.ts';
import { describeValidation, unstorableInput } from './validation.ts';
import { installRouteAuth, requireApiKey } from './auth.ts';
import { logUrl } from './request-context.ts';
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
import { vendorWebhookRoutes } from './routes/vendor-webhooks.ts';

export type { App } from './types.ts';

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
      const message = tooLong
        ? 'A path parameter is longer than 2048 characters.'
        : 'The URL is malformed (an invalid %-escape in the path).';
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

  // Each route declares how it authenticates (`config: { auth }`); api-key routes get the check.
  installRouteAuth(app as unknown as App, rt);

  // Input PostgreSQL cannot store (NUL, lone surrogates, absurd nesting) is refused before any handler.
  app.addHook('preValidation', async (req) => {
    const parts: [unknown, string][] = [
      [req.params, 'path parameter'],
      [req.query, 'query parameter'],
      [req.headers['x-integration-id'], 'X-Integration-Id header'],
      [req.body, 'request body'],
    ];
    for (const [value, where] of parts) {
      const problem = unstorableInput(value, where);
      if (problem) throw new AtsgateError('PLATFORM.INPUT_INVALID', problem);
    }
  });

  app.setErrorHandler((err: any, req, reply) => {
    const logUrlFor = () => logUrl(rt, req, req.logId);
    if (err instanceof AtsgateError) return sendError(req, reply, err, logUrlFor());
    if (err.validation) {
      return sendError(
        req,
        reply,
        new AtsgateError('PLATFORM.INPUT_INVALID', describeValidation(err.validation, err.validationContext ?? 'body')),
        logUrlFor(),
      );
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(
        req,
        reply,
        new AtsgateError('PLATFORM.INPUT_INVALID', `The request body is larger than the limit of ${rt.config.bodyLimitBytes} bytes.`, {
          status: 413,
        }),
        null,
      );
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // fastify's own client errors (bad content type, malformed body...)
      const message =
        err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Unsupported Content-Type: send JSON with "Content-Type: application/json".'
          : `Invalid request: ${err.message}`;
      return sendError(
        req,
        reply,
        new AtsgateError('PLATFORM.INPUT_INVALID', message, { status: err.statusCode === 415 ? 415 : 400 }),
        null,
      );
    }
    req.log.error({ err: { type: err?.name, message: err?.message, stack: err?.stack } }, 'unexpected error');
    return sendError(
      req,
      reply,
      new AtsgateError('PLATFORM.UNKNOWN_ERROR', 'An unexpected error occurred. The log of this request has the details.'),
      logUrlFor(),
    );
  });

  // No route matched: only a caller with an API key learns that (the dashboard has its own 404 page).
  app.setNotFoundHandler(async (req, reply) => {
    await requireApiKey(rt, req, reply);
    if (reply.sent) return reply;
    return sendError(
      req,
      reply,
      new AtsgateError('PLATFORM.INPUT_INVALID', `No endpoint ${req.method} ${req.url.split('?')[0].slice(0, 200)}.`, { status: 404 }),
      null,
    );
  });

  await app.register(docsRoutes(rt)); // first: its onRoute hook records the routes below for /v1/openapi.json
  await app.register(metricsRoutes(rt)); // root-level hooks: request metrics and log bindings
  await app.register(healthRoutes(rt));
  await app.register(fileRoutes(rt), { prefix: '/v1' });
  await app.register(generalRoutes(rt), { prefix: '/v1' });
  await app.register(passthroughRoutes(rt), { prefix: '/v1' });
  await app.register(integrationSettingsRoutes(rt), { prefix: '/v1' });
  await app.register(vendorWebhookRoutes(rt), { prefix: '/v1' });
  await app.register(toolRoutes(rt), { prefix: '/v1' });
  await app.register(logRoutes(rt), { prefix: '/v1' });
  await app.register(atsReadRoutes(rt), { prefix: '/v1/ats' });
  await app.register(atsWriteRoutes(rt), { prefix: '/v1/ats' });
  await app.register(dashboardRoutes(rt), { prefix: '/dashboard' });
  await app.register(connectRoutes(rt));
  return app as unknown as App;
}
