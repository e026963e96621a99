/**
 * The types every route module shares: the app with TypeBox's type provider, what each request
 * carries (fastify's decorateRequest, set up in src/api/app.ts), and the route option that says
 * how a route authenticates (src/api/auth.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { IntegrationWithSecrets } from '../store/integrations.ts';
import type { RequestFiles } from '../uploads/temp-files.ts';

export type App = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

/**
 * How a route authenticates, declared in its options (`config: { auth: ... }`), next to its schema:
 * - `api-key` (the default when a route says nothing): `Authorization: Bearer <api key>`,
 *   checked before the body is read;
 * - `session`: a dashboard session cookie (src/api/routes/dashboard.ts checks it);
 * - `none`: no API key; the route is public or checks a credential of its own (a signed file
 *   URL, a connect-link token, the metrics token), and says which.
 */
export type RouteAuth = 'api-key' | 'session' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    auth: { accountId: string; keyId: string } | null;
    /** The interaction log of this request, once opened (error responses link to it). */
    logId: string | null;
    /** The X-Integration-Id integration, looked up with the API key (see integrationFromHeader). */
    prefetched: { id: string; integration: IntegrationWithSecrets | null } | null;
    /** The attachments route's temporary files (decorated in src/api/routes/ats-writes.ts). */
    uploads: RequestFiles | null;
  }
}
