/**
 * GET /v1/openapi.json (the OpenAPI 3.1 document) and GET /docs (Swagger UI), both public.
 *
 * This plugin must be registered before the other routes: it installs the `onRoute` hook that
 * records every route for the document. It is not encapsulated (like fastify-plugin) so the
 * hook sits on the root instance and sees routes of sibling plugins registered later.
 *
 * Swagger UI is served from the installed swagger-ui-dist package (no CDN: self-hosters may
 * run without internet), under a Content-Security-Policy that only allows same-origin loads.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../types.ts';
import { baseUrlOf } from '../request-context.ts';
import { routeAuth } from '../auth.ts';
import { buildOpenApi, type RouteEntry } from '../openapi.ts';

/** The only files /docs/* serves: name → content type. Everything else is a 404. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** Same origin only; Swagger UI sets inline styles and shows data: images. */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>atsgate API reference</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  <style>body { margin: 0; } .swagger-ui .topbar { display: none; }</style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

/** A separate file rather than an inline script, so the CSP needs no 'unsafe-inline' for scripts. */
const INIT = `window.ui = SwaggerUIBundle({
  url: '/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // No calls to the public validator service (and no outbound traffic at all).
  validatorUrl: null,
  tryItOutEnabled: false,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

export const docsRoutes = (rt: Runtime): FastifyPluginAsync => {
  const plugin: FastifyPluginAsync = async (fastify) => {
    const app = fastify as unknown as App;
    const routes: RouteEntry[] = [];
    app.addHook('onRoute', (opts) => {
      for (const method of [opts.method].flat())
        routes.push({
          method: String(method).toUpperCase(),
          url: opts.url,
          schema: opts.schema as RouteEntry['schema'],
          auth: routeAuth(opts),
        });
    });
    // What was recorded, for the test that compares it with fastify's router.
    app.decorate('openApiRoutes', routes);

    // Every route is registered before the server answers, so the document is built once;
    // only `servers` (where "Try it out" goes) depends on the request.
    let doc: Record<string, any> | null = null;
    // The reference is public, like the docs UI below.
    const open = { config: { auth: 'none' as const } };
    app.get('/v1/openapi.json', open, async (req, reply) => {
      doc ??= buildOpenApi(routes, { serverUrl: '/' });
      return reply.header('cache-control', 'no-cache').send({ ...doc, servers: [{ url: baseUrlOf(rt, req) }] });
    });

    // `hide`: the UI pages are not API operations, so the document leaves them out.
    const html = { schema: { hide: true } as FastifySchema, config: { auth: 'none' as const } };
    app.get('/docs', html, async (_req, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).send(PAGE));

    const dir = swaggerUiDir();
    const files = new Map<string, Buffer>();
    app.get('/docs/*', html, async (req, reply) => {
      const name = (req.params as { '*': string })['*'];
      if (name === 'init.js') return reply.type('application/javascript; charset=utf-8').header('content-security-policy', CSP).send(INIT);
      const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
      if (!type) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
      let data = files.get(name);
      if (!data) files.set(name, (data = readFileSync(join(dir, name))));
      return reply.type(type).header('cache-control', 'public, max-age=3600').header('x-content-type-options', 'nosniff').send(data);
    });
  };
  // Not encapsulated: the onRoute hook must apply to the whole app (what fastify-plugin does).
  (plugin as any)[Symbol.for('skip-override')] = true;
  return plugin;
};
