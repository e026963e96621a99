/**
 * /dashboard: the vendor's developers look at their integrations, syncs and interaction logs.
 * Its routes declare `auth: 'session'` (or `none`: login, logout, the stylesheet) because it
 * authenticates on its own: a person logs in once with an API key and then carries a signed
 * session cookie (src/dashboard/session.ts). Every
 * page and JSON document is scoped to that key's account. Mutations are POST only and the
 * cookie is SameSite=Strict, so other sites cannot act with it; a cross-site Origin is refused
 * as well, in case an old browser ignores SameSite.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../types.ts';
import { ok, sendError } from '../envelope.ts';
import { AtsgateError } from '../../errors.ts';
import { authenticate, hashKey } from '../../store/keys.ts';
import { getIntegration, listIntegrations } from '../../store/integrations.ts';
import { getLog } from '../../store/logs.ts';
import { listSyncs } from '../../store/syncs.ts';
import { countRecords } from '../../store/records.ts';
import { requestSync } from '../../jobs/sync-tasks.ts';
import { presentLog } from '../present-log.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, SessionSigner, sessionCookieOptions, sessionKeyIsLive } from '../../dashboard/session.ts';
import { decodeCursor, encodeCursor, integrationSummaries } from '../../dashboard/queries.ts';
import { saveVendorWebhookSecret, viewVendorWebhook } from '../../webhooks/vendor/endpoint.ts';
import {
  countLogs,
  failedWritesSince,
  logPage,
  OUTCOME_FILTERS,
  type LogCursor,
  type LogFilter,
  type OutcomeFilter,
} from '../../store/log-pages.ts';
import {
  integrationPage,
  integrationsPage,
  loginPage,
  logDetailPage,
  logsPage,
  messagePage,
  type LogsView,
} from '../../dashboard/pages.ts';
import { DASHBOARD_CSS } from '../../dashboard/assets.ts';

/**
 * @fastify/helmet's headers, on every dashboard response (errors and 404s too). The policy: no
 * scripts at all; styles and images only from atsgate itself. HSTS is left to whatever
 * terminates TLS: sent from here it would bind every subdomain of the operator's domain.
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  frameguard: { action: 'deny' as const },
  referrerPolicy: { policy: 'same-origin' as const },
  hsts: false,
};

const SYNC_NOTICES: Record<string, string> = {
  started: 'A sync has started. Reload this page to follow it in the sync history.',
  running: 'A sync of this integration is already running; it appears in the sync history.',
  'secret-saved': "The ATS's webhook signing key is saved: its deliveries are now accepted.",
};

const isData = (req: FastifyRequest) => req.url.startsWith('/dashboard/data/');

/** Where to go after logging in: only a dashboard path, never another site. */
function safeNext(raw: unknown): string {
  return typeof raw === 'string' && /^\/dashboard(\/[^\s\\]*)?(\?[^\s\\]*)?$/.test(raw) && !raw.startsWith('//') ? raw : '/dashboard';
}

const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);

/** `YYYY-MM-DDTHH:MM[:SS]` from a datetime-local input, read as UTC. */
function parseLocalTime(raw: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(raw);
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}` ? null : d;
}

interface ParsedLogQuery {
  view: LogsView;
  filter: LogFilter;
  after?: LogCursor;
  before?: LogCursor;
  problems: string[];
}

/** The log filters from the query string; what is invalid is named and left out, never a 500. */
function parseLogQuery(q: Record<string, unknown>): ParsedLogQuery {
  const str = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
  const problems: string[] = [];
  const view: LogsView = {
    integration: str('integration').slice(0, 200),
    outcome: str('outcome'),
    from: str('from'),
    to: str('to'),
    limit: 50,
  };
  const filter: LogFilter = {};
  if (view.integration) filter.integrationId = view.integration;
  if (view.outcome) {
    if ((OUTCOME_FILTERS as string[]).includes(view.outcome)) filter.outcome = view.outcome as OutcomeFilter;
    else problems.push(`Unknown outcome "${view.outcome.slice(0, 40)}": choose one of ${OUTCOME_FILTERS.join(', ')}.`), (view.outcome = '');
  }
  for (const k of ['from', 'to'] as const) {
    if (!view[k]) continue;
    const d = parseLocalTime(view[k]);
    if (d) filter[k] = d;
    else problems.push(`"${k}" must be a date and time like 2024-05-01T13:45 (UTC).`), (view[k] = '');
  }
  if (str('limit')) {
    const n = Number(str('limit'));
    if (Number.isInteger(n) && n >= 1 && n <= 200) view.limit = n;
    else problems.push('"limit" must be a whole number from 1 to 200.');
  }
  const out: ParsedLogQuery = { view, filter, problems };
  for (const k of ['after', 'before'] as const) {
    if (!str(k)) continue;
    const c = decodeCursor(str(k));
    if (c) out[k] = c;
    else problems.push('The page link is not valid any more; showing the newest entries.');
  }
  return out;
}

export const dashboardRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const signer = new SessionSigner(rt.box.deriveKey('dashboard-sessions'));
    const secure = (req: FastifyRequest) => req.protocol === 'https' || (rt.config.publicUrl ?? '').startsWith('https:');

    // All three are scoped to the dashboard (this plugin is encapsulated): the login form posts
    // urlencoded, the session is a cookie, and the pages get helmet's headers.
    await app.register(formbody, { bodyLimit: 16 * 1024 });
    await app.register(cookie);
    await app.register(helmet, SECURITY_HEADERS);

    app.addHook('onSend', async (req, reply) => {
      if (!req.url.startsWith('/dashboard/assets/')) reply.header('cache-control', 'no-store');
    });

    app.addHook('onRequest', async (req, reply) => {
      if (req.method !== 'POST') return;
      const origin = req.headers.origin;
      const site = req.headers['sec-fetch-site'];
      let crossOrigin = site === 'cross-site';
      if (origin && origin !== 'null') {
        try {
          crossOrigin ||= new URL(origin).host !== req.host;
        } catch {
          crossOrigin = true;
        }
      }
      if (crossOrigin) return html(reply, 403, messagePage({ title: 'Refused', message: 'This form was sent from another site.' }));
    });

    app.setErrorHandler((err: any, req, reply) => {
      const known =
        err instanceof AtsgateError
          ? err
          : typeof err?.statusCode === 'number' && err.statusCode < 500
            ? new AtsgateError('PLATFORM.INPUT_INVALID', 'The request could not be read.', { status: err.statusCode })
            : null;
      if (!known) req.log.error({ err: { type: err?.name, message: err?.message, stack: err?.stack } }, 'dashboard error');
      const e = known ?? new AtsgateError('PLATFORM.UNKNOWN_ERROR', 'An unexpected error occurred.');
      if (isData(req)) return sendError(req, reply, e, null);
      return html(
        reply,
        e.status,
        messagePage({
          accountId: req.auth?.accountId,
          title: e.status >= 500 ? 'Something went wrong' : 'That did not work',
          message: e.message,
        }),
      );
    });

    app.setNotFoundHandler((req, reply) => {
      if (isData(req))
        return sendError(
          req,
          reply,
          new AtsgateError('PLATFORM.INPUT_INVALID', `No dashboard data at ${req.url.split('?')[0]}.`, { status: 404 }),
          null,
        );
      return html(reply, 404, messagePage({ title: 'Not found', message: 'There is no dashboard page at this address.' }));
    });

    /** The logged-in key's account, or null (no, bad, expired cookie, or a revoked key). */
    async function sessionOf(req: FastifyRequest) {
      const token = req.cookies[SESSION_COOKIE];
      const s = token ? signer.verify(token) : null;
      if (!s || !(await sessionKeyIsLive(rt.db, signer, s))) return null;
      return { accountId: s.accountId, keyId: s.keyId };
    }

    /** Runs before every page but login, logout and the stylesheet. */
    const requireSession = async (req: FastifyRequest, reply: FastifyReply) => {
      req.auth = await sessionOf(req);
      if (req.auth) return;
      if (isData(req))
        return sendError(req, reply, new AtsgateError('PLATFORM.AUTHENTICATION_INVALID', 'Log in to the dashboard first.'), null);
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
      return reply.redirect(`/dashboard/login${next}`, 303);
    };

    const notFound = (what: string) =>
      new AtsgateError('PLATFORM.INPUT_INVALID', `No ${what} with this id exists in your account.`, { status: 404 });

    // Declared per route (src/api/types.ts): these three need no session, every other one does.
    const OPEN = { config: { auth: 'none' as const } };
    const SESSION = { config: { auth: 'session' as const } };
    app.addHook('preHandler', async (req, reply) => {
      if (req.routeOptions.config.auth === 'session') return requireSession(req, reply);
    });

    app.get('/assets/dashboard.css', OPEN, async (_req, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(DASHBOARD_CSS),
    );

    app.get('/login', OPEN, async (req, reply) => {
      if (await sessionOf(req)) return reply.redirect('/dashboard', 303);
      const next = (req.query as Record<string, unknown>).next;
      return html(reply, 200, loginPage({ next: safeNext(next) }));
    });

    app.post('/login', OPEN, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const key = typeof body.api_key === 'string' ? body.api_key.trim() : '';
      const next = safeNext(body.next);
      const auth = key && key.length <= 512 ? await authenticate(rt.db, key) : null;
      if (!auth)
        return html(reply, 401, loginPage({ error: key ? 'That API key is not valid or has been revoked.' : 'Enter an API key.', next }));
      reply.setCookie(
        SESSION_COOKIE,
        signer.issue(auth.keyId, auth.accountId, hashKey(key)),
        sessionCookieOptions({ secure: secure(req), maxAgeSeconds: SESSION_TTL_MS / 1000 }),
      );
      return reply.redirect(next, 303);
    });

    app.post('/logout', OPEN, async (req, reply) => {
      reply.setCookie(SESSION_COOKIE, '', sessionCookieOptions({ secure: secure(req), maxAgeSeconds: 0 }));
      return reply.redirect('/dashboard/login', 303);
    });

    app.get('/', SESSION, async (req, reply) => {
      const accountId = req.auth!.accountId;
      const list = await integrationSummaries(rt.db, accountId);
      const usage = await rt.inboundLimiter.usage(
        accountId,
        list.map((i) => i.id),
      );
      const inFlight = await rt.writesInFlight.inFlight(list.map((i) => i.id));
      return html(reply, 200, integrationsPage(accountId, list, usage, { counts: inFlight, max: rt.writesInFlight.max }));
    });

    app.get('/integrations/:id', SESSION, async (req, reply) => {
      const accountId = req.auth!.accountId;
      const { id } = req.params as { id: string };
      const integration = await getIntegration(rt.db, accountId, id);
      if (!integration) throw notFound('integration');
      const [records, failed24h, syncs, recent] = [
        await countRecords(rt.db, integration.id),
        await failedWritesSince(rt.db, accountId, integration.id, 24),
        await listSyncs(rt.db, integration.id, 20),
        await logPage(rt.db, accountId, { integrationId: integration.id }, { limit: 10 }),
      ];
      const notice = SYNC_NOTICES[String((req.query as Record<string, unknown>).sync ?? '')];
      return html(
        reply,
        200,
        integrationPage({
          accountId,
          integration,
          records,
          failed24h,
          syncs,
          recent: recent.entries.map(presentLog),
          notice,
          vendorWebhook: await viewVendorWebhook(rt, accountId, integration),
        }),
      );
    });

    // The signing key an ATS generated for the webhook the customer created there (Teamtailor, Recruitee).
    app.post('/integrations/:id/vendor-webhook-secret', SESSION, async (req, reply) => {
      const { id } = req.params as { id: string };
      const integration = await getIntegration(rt.db, req.auth!.accountId, id);
      if (!integration) throw notFound('integration');
      const secret = ((req.body ?? {}) as Record<string, unknown>).secret;
      if (typeof secret !== 'string' || !secret.trim())
        throw new AtsgateError('PLATFORM.INPUT_INVALID', 'Paste the signing key the ATS shows.');
      await saveVendorWebhookSecret(rt, req.auth!.accountId, integration, secret);
      return reply.redirect(`/dashboard/integrations/${encodeURIComponent(integration.id)}?sync=secret-saved`, 303);
    });

    app.post('/integrations/:id/sync', SESSION, async (req, reply) => {
      const { id } = req.params as { id: string };
      const integration = await getIntegration(rt.db, req.auth!.accountId, id);
      if (!integration) throw notFound('integration');
      const type = ((req.body ?? {}) as Record<string, unknown>).type === 'FULL' ? 'FULL' : 'DELTA';
      // Queued like POST /v1/force-sync: retried on failure, and a graceful stop waits for it.
      const s = await requestSync(rt, integration.id, type);
      return reply.redirect(
        `/dashboard/integrations/${encodeURIComponent(integration.id)}?sync=${s.alreadyQueued ? 'running' : 'started'}`,
        303,
      );
    });

    const readLogs = async (req: FastifyRequest) => {
      const accountId = req.auth!.accountId;
      const q = parseLogQuery(req.query as Record<string, unknown>);
      const page = await logPage(rt.db, accountId, q.filter, { limit: q.view.limit, after: q.after, before: q.before });
      const count = await countLogs(rt.db, accountId, q.filter);
      return { accountId, q, page, count };
    };

    app.get('/logs', SESSION, async (req, reply) => {
      const { accountId, q, page, count } = await readLogs(req);
      const integrations = await listIntegrations(rt.db, accountId);
      const body = logsPage({
        accountId,
        view: q.view,
        integrations,
        page,
        entries: page.entries.map(presentLog),
        count,
        problem: q.problems.join(' ') || undefined,
      });
      return html(reply, q.problems.length ? 400 : 200, body);
    });

    app.get('/logs/:id', SESSION, async (req, reply) => {
      const accountId = req.auth!.accountId;
      const { id } = req.params as { id: string };
      const log = id.length <= 100 ? await getLog(rt.db, accountId, id) : null;
      if (!log) throw notFound('log entry');
      const integration = log.integration_id ? await getIntegration(rt.db, accountId, log.integration_id) : null;
      return html(reply, 200, logDetailPage({ accountId, log: presentLog(log), integration }));
    });

    // The same data as JSON, for scripts run from a logged-in browser session.
    app.get('/data/integrations', SESSION, async (req) => {
      const list = await integrationSummaries(rt.db, req.auth!.accountId);
      return ok({
        results: list.map((i) => ({
          id: i.id,
          tool: i.tool,
          organization_name: i.organization_name,
          status: i.status,
          setup_status: i.setup_status,
          last_sync_ended_at: i.last_sync_ended_at ? new Date(i.last_sync_ended_at).toISOString() : null,
          records: i.records,
          failed_writes_24h: i.failedWrites24h,
        })),
      });
    });

    app.get('/data/logs', SESSION, async (req) => {
      const { q, page, count } = await readLogs(req);
      if (q.problems.length) throw new AtsgateError('PLATFORM.INPUT_INVALID', q.problems.join(' '));
      return ok({
        results: page.entries.map(presentLog),
        count,
        older_cursor: page.older ? encodeCursor(page.older) : null,
        newer_cursor: page.newer ? encodeCursor(page.newer) : null,
      });
    });

    app.get('/data/logs/:id', SESSION, async (req) => {
      const { id } = req.params as { id: string };
      const log = id.length <= 100 ? await getLog(rt.db, req.auth!.accountId, id) : null;
      if (!log) throw notFound('log entry');
      return ok(presentLog(log));
    });
  };
