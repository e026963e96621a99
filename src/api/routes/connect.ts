/**
 * Kombo Connect: the API side (create-link, integration-by-token, relink; API key required) and
 * the hosted page under /connect/<token> (public: the link token is the credential).
 */
import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../types.ts';
import { baseUrlOf } from '../request-context.ts';
import { ok } from '../envelope.ts';
import { IdParam } from '../schemas.ts';
import { AtsgateError, ERROR_CATALOGUE } from '../../errors.ts';
import { findLinkByToken, type ConnectLink } from '../../store/connect-links.ts';
import { getConnector } from '../../connectors/registry.ts';
import {
  connectableTools,
  createConnectLink,
  createRelinkLink,
  flowStatus,
  integrationByActivationToken,
  submitCredentials,
  toolForLink,
  webhookToPaste,
} from '../../connect/service.ts';
import {
  PAGE_HEADERS,
  connectedPage,
  formPage,
  invalidLinkPage,
  oauthErrorPage,
  oauthRedirectPage,
  pickerPage,
} from '../../connect/page.ts';
import { CALLBACK_PATH, finishOAuth, OAuthCallbackError, operatorClient, startOAuth } from '../../connect/oauth.ts';
import { saveVendorWebhookSecret } from '../../webhooks/vendor/endpoint.ts';

const Str = (max: number) => Type.String({ maxLength: max });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const LinkTypeSchema = Type.Union([Type.Literal('EMBEDDED'), Type.Literal('MAGIC_LINK')]);

const CreateLinkBody = Type.Object({
  end_user_email: Type.String({ minLength: 1, maxLength: 320 }),
  end_user_organization_name: Type.String({ minLength: 1, maxLength: 300 }),
  end_user_origin_id: Nullable(Str(300)),
  remote_environment: Nullable(Str(100)),
  integration_category: Type.Optional(Str(20)),
  integration_tool: Nullable(Str(100)),
  language: Nullable(Str(10)),
  scope_config_id: Nullable(Str(100)),
  enable_filtering: Type.Optional(Type.Boolean()),
  enable_field_mapping: Type.Optional(Type.Boolean()),
  link_type: Type.Optional(LinkTypeSchema),
});

const RelinkBody = Type.Object({
  language: Nullable(Str(10)),
  scope_config_id: Nullable(Str(100)),
  link_type: Type.Optional(LinkTypeSchema),
});

const TokenParam = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
/** The page's own routes are not API operations: the OpenAPI document leaves them out. */
const HIDDEN = { hide: true } as {};
/** The customer's page: the link token in the URL is the credential, there is no API key. */
const PAGE_AUTH = { auth: 'none' as const };

const ASSETS: Record<string, { type: string; body: string }> = Object.fromEntries(
  [
    ['connect.js', 'text/javascript; charset=utf-8'],
    ['connect.css', 'text/css; charset=utf-8'],
  ].map(([file, type]) => [file, { type, body: readFileSync(new URL(`../../connect/assets/${file}`, import.meta.url), 'utf8') }]),
);

/** Form bodies of the page: flat string fields, first value wins. */
function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) if (!(k in out)) out[k] = v;
  return out;
}

const wantsJson = (req: FastifyRequest) => /application\/json/.test(String(req.headers.accept ?? ''));

/** ATSGATE_CONNECT_ALLOW_BASE_URL: whether the page offers (and accepts) an API base URL. */
const allowBaseUrl = (rt: Runtime) => rt.config.connectAllowBaseUrl === true;

export const connectRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    // The page's form posts urlencoded; @fastify/formbody reads it only inside this plugin, with
    // our first-value-wins reading of repeated fields.
    await app.register(formbody, { bodyLimit: 64 * 1024, parser: parseForm });

    // --- API (bearer key) --------------------------------------------------------------------

    app.post('/v1/connect/create-link', { schema: { body: CreateLinkBody } }, async (req) => {
      const token = await createConnectLink(rt, req.auth!.accountId, req.body as Static<typeof CreateLinkBody>);
      return ok({ link: `${baseUrlOf(rt, req)}/connect/${token}` });
    });

    app.get('/v1/connect/integration-by-token/:token', { schema: { params: TokenParam } }, async (req) =>
      ok(await integrationByActivationToken(rt, req.auth!.accountId, (req.params as { token: string }).token)),
    );

    app.post(
      '/v1/integrations/:integration_id/relink',
      { schema: { params: IdParam('integration_id'), body: Type.Optional(RelinkBody) } },
      async (req) => {
        const { integration_id } = req.params as { integration_id: string };
        const token = await createRelinkLink(rt, req.auth!.accountId, integration_id, (req.body ?? {}) as Static<typeof RelinkBody>);
        return ok({ link: `${baseUrlOf(rt, req)}/connect/${token}` });
      },
    );

    // --- Hosted page (public) ----------------------------------------------------------------

    app.get('/connect/assets/:file', { schema: { ...HIDDEN }, config: PAGE_AUTH }, async (req, reply) => {
      const asset = ASSETS[(req.params as { file: string }).file];
      if (!asset) return reply.code(404).type('text/plain').send('not found');
      return reply
        .type(asset.type)
        .header('cache-control', 'public, max-age=300')
        .header('x-content-type-options', 'nosniff')
        .send(asset.body);
    });

    const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).headers(PAGE_HEADERS).send(body);

    /** The link behind the URL's token; the page answers with an HTML error page when there is none. */
    const linkOf = async (req: FastifyRequest): Promise<ConnectLink | null> =>
      findLinkByToken(rt.db, (req.params as { token: string }).token);

    // The vendor's redirect after the customer signed in (OAuth authorization code). Registered
    // before /connect/:token, and a static path: it is the redirect URL customers register.
    app.get('/connect/oauth/callback', { schema: { ...HIDDEN }, config: PAGE_AUTH }, async (req, reply) => {
      try {
        const { token, activationToken } = await finishOAuth(rt, (req.query ?? {}) as Record<string, unknown>);
        // The activation token rides in the fragment (never sent to a server): the page's script
        // hands it to the embed, as it does after the form's in-place submission.
        return reply
          .code(303)
          .header('location', `/connect/${token}#activation_token=${activationToken}`)
          .header('cache-control', 'no-store')
          .send();
      } catch (err) {
        if (!(err instanceof OAuthCallbackError)) throw err;
        return html(reply, err.status, oauthErrorPage(err.message, err.token));
      }
    });

    // "Sign in with <ATS>": the typed fields are kept with a fresh state, then off to the vendor.
    app.post('/connect/:token/oauth', { schema: { params: TokenParam, ...HIDDEN }, config: PAGE_AUTH }, async (req, reply) => {
      const { token } = req.params as { token: string };
      const link = await linkOf(req);
      if (!link) return html(reply, 404, invalidLinkPage());
      const form = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
      const fields = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      const tool = fields.tool || undefined;
      try {
        const location = await startOAuth(rt, link, token, {
          tool,
          form: fields,
          allowBaseUrl: allowBaseUrl(rt),
          publicBase: baseUrlOf(rt, req),
        });
        return html(
          reply,
          200,
          oauthRedirectPage(location, getConnector(tool ?? link.integration_tool ?? '')?.definition.oauth?.label ?? 'your ATS'),
        );
      } catch (err) {
        if (!(err instanceof AtsgateError)) throw err;
        const def = toolForLink(link, tool && getConnector(tool) ? tool : undefined);
        if (!def) return html(reply, 400, pickerPage(link, connectableTools()));
        const status = err.status >= 500 ? err.status : err.status === 409 ? 409 : 400;
        return html(
          reply,
          status,
          formPage(link, token, def, {
            error: err.message,
            values: fields,
            allowBaseUrl: allowBaseUrl(rt),
            picked: !link.integration_tool,
            oauthRedirectUri: `${baseUrlOf(rt, req)}${CALLBACK_PATH}`,
            oauthOperatorClient: operatorClient(rt, def.id) !== null,
          }),
        );
      }
    });

    app.get('/connect/:token', { schema: { params: TokenParam, ...HIDDEN }, config: PAGE_AUTH }, async (req, reply) => {
      const { token } = req.params as { token: string };
      const link = await linkOf(req);
      if (!link) return html(reply, 404, invalidLinkPage());
      const picked = (req.query as { tool?: unknown }).tool;
      const pick = typeof picked === 'string' && getConnector(picked) ? picked : undefined;
      const def = toolForLink(link, pick);
      if (link.completed_at) {
        const done = def ?? getConnector(link.integration_id!.split(':')[0])!.definition;
        const webhook = link.integration_id ? await webhookToPaste(rt, link.account_id, { id: link.integration_id, tool: done.id }) : null;
        return html(reply, 200, connectedPage(link, token, done, webhook));
      }
      if (!def) return html(reply, 200, pickerPage(link, connectableTools()));
      return html(
        reply,
        200,
        formPage(link, token, def, {
          allowBaseUrl: allowBaseUrl(rt),
          picked: !link.integration_tool,
          oauthRedirectUri: `${baseUrlOf(rt, req)}${CALLBACK_PATH}`,
          oauthOperatorClient: operatorClient(rt, def.id) !== null,
        }),
      );
    });

    app.post('/connect/:token', { schema: { params: TokenParam, ...HIDDEN }, config: PAGE_AUTH }, async (req, reply) => {
      const { token } = req.params as { token: string };
      const link = await linkOf(req);
      const json = wantsJson(req);
      if (!link) {
        if (json) throw new AtsgateError('PLATFORM.INPUT_INVALID', 'This connection link is invalid or has expired.', { status: 404 });
        return html(reply, 404, invalidLinkPage());
      }
      const form = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
      const fields = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      const tool = fields.tool || undefined;
      try {
        const { activationToken } = await submitCredentials(rt, link, { tool, form: fields, allowBaseUrl: allowBaseUrl(rt) });
        if (json) return ok({ activation_token: activationToken, status_url: `/connect/${token}/status` });
        // Without JavaScript there is no embed to notify: show the progress page.
        return reply.code(303).header('location', `/connect/${token}`).header('cache-control', 'no-store').send();
      } catch (err) {
        if (!(err instanceof AtsgateError)) throw err;
        // The ATS's own verdict (wrong secret, missing scope...) is what the user needs to read.
        // Server-side failures keep their status; whatever the user typed wrong is a 400.
        const status = err.status >= 500 ? err.status : err.status === 409 || err.status === 404 ? err.status : 400;
        if (json) {
          return reply
            .code(status)
            .type('application/json; charset=utf-8')
            .send({
              status: 'error',
              error: { code: err.code, title: ERROR_CATALOGUE[err.code].title, message: err.message, log_url: null },
            });
        }
        const def = toolForLink(link, tool && getConnector(tool) ? tool : undefined);
        if (!def) return html(reply, 400, pickerPage(link, connectableTools()));
        return html(
          reply,
          status,
          formPage(link, token, def, {
            error: err.message,
            values: fields,
            allowBaseUrl: allowBaseUrl(rt),
            picked: !link.integration_tool,
            oauthRedirectUri: `${baseUrlOf(rt, req)}${CALLBACK_PATH}`,
            oauthOperatorClient: operatorClient(rt, def.id) !== null,
          }),
        );
      }
    });

    // The signing key the ATS generated for the webhook the admin just created there (Teamtailor,
    // Recruitee): the admin holding the link pastes it here. Only for a link whose flow finished.
    app.post(
      '/connect/:token/vendor-webhook-secret',
      { schema: { params: TokenParam, ...HIDDEN }, config: PAGE_AUTH },
      async (req, reply) => {
        const { token } = req.params as { token: string };
        const link = await linkOf(req);
        if (!link || !link.completed_at || !link.integration_id) return html(reply, 404, invalidLinkPage());
        const integration = { id: link.integration_id, tool: link.integration_id.split(':')[0] };
        const def = getConnector(integration.tool)!.definition;
        const form = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
        let notice = 'Saved: the webhooks are now accepted.';
        let status = 200;
        try {
          await saveVendorWebhookSecret(rt, link.account_id, integration, typeof form.secret === 'string' ? form.secret : '');
        } catch (err) {
          if (!(err instanceof AtsgateError)) throw err;
          notice = err.message;
          status = 400;
        }
        const webhook = await webhookToPaste(rt, link.account_id, integration);
        return html(reply, status, connectedPage(link, token, def, webhook, notice));
      },
    );

    app.get('/connect/:token/status', { schema: { params: TokenParam, ...HIDDEN }, config: PAGE_AUTH }, async (req, reply) => {
      const link = await linkOf(req);
      if (!link) throw new AtsgateError('PLATFORM.INPUT_INVALID', 'This connection link is invalid or has expired.', { status: 404 });
      reply.header('cache-control', 'no-store');
      return ok(await flowStatus(rt, link));
    });
  };
