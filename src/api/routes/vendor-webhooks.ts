/**
 * POST /v1/vendor-webhooks/:token — where the ATSs send their own webhooks. No API key: the
 * unguessable token in the URL names the integration, and the vendor's signature (checked by
 * the connector's scheme) proves the sender. An unknown token is answered like any missing
 * thing (404), a failed signature with 401, never a 500.
 *
 * GET /v1/integrations/:integration_id/vendor-webhook — the URL (and, where the customer pastes
 * it into the ATS, the secret) for this integration, and whether atsgate registered it itself.
 *
 * PUT /v1/integrations/:integration_id/vendor-webhook {secret} — the signing key an ATS
 * generated for the webhook the customer created there (Teamtailor, Recruitee), saved sealed.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Runtime } from '../../runtime.ts';
import type { App } from '../types.ts';
import { ok } from '../envelope.ts';
import { IdParam } from '../schemas.ts';
import { AtsgateError } from '../../errors.ts';
import { getIntegration } from '../../store/integrations.ts';
import { receiveVendorWebhook } from '../../webhooks/vendor/receive.ts';
import { saveVendorWebhookSecret, viewVendorWebhook } from '../../webhooks/vendor/endpoint.ts';
import { getConnector } from '../../connectors/registry.ts';

const HIDDEN = { hide: true } as {};

/** The parsed body: raw bytes kept non-enumerable, so generic input checks do not walk every byte. */
interface RawBody {
  raw: Buffer;
}

function rawBody(buf: Buffer): RawBody {
  const b = {} as RawBody;
  Object.defineProperty(b, 'raw', { value: buf, enumerable: false });
  return b;
}

function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

export const vendorWebhookRoutes =
  (rt: Runtime): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    // Signatures are computed over the bytes as sent: every content type arrives unparsed here.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, rawBody(body as Buffer)));

    // The token is the credential; the vendor's signature is checked by the connector's scheme.
    app.post(
      '/vendor-webhooks/:token',
      // Not in /v1/openapi.json: the ATSs call it, not API clients.
      { config: { auth: 'none' }, schema: { params: Type.Object({ token: Type.String({ maxLength: 200 }) }), ...HIDDEN } },
      async (req, reply) => {
        const { token } = req.params as { token: string };
        const raw = (req.body as RawBody | undefined)?.raw ?? Buffer.alloc(0);
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers))
          headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : undefined;
        const query: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>))
          query[k] = Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'string' ? v : undefined;
        const out = await receiveVendorWebhook(rt, token, { headers, rawBody: raw, json: parseJson(raw), query });
        if (out.kind === 'not_found')
          throw new AtsgateError('PLATFORM.INPUT_INVALID', 'No webhook endpoint exists at this URL.', { status: 404 });
        if (out.kind === 'unauthorized')
          throw new AtsgateError(
            'PLATFORM.AUTHENTICATION_INVALID',
            "The request's signature does not match this webhook endpoint's secret.",
          );
        if (out.kind === 'handshake') {
          for (const [k, v] of Object.entries(out.headers)) reply.header(k, v);
          return ok({ handshake: true });
        }
        return ok({
          duplicate: out.duplicate,
          refreshed_candidates: out.refreshed,
          delta_sync_queued: out.resync,
          ignored: out.ignored ?? null,
        });
      },
    );

    // An atsgate extension (Kombo has no such call), kept out of the Kombo-shaped OpenAPI document like the dashboard's routes.
    const integrationOf = async (accountId: string, integration_id: string) => {
      const i = await getIntegration(rt.db, accountId, integration_id);
      if (!i)
        throw new AtsgateError(
          'PLATFORM.INTEGRATION_NOT_FOUND',
          `No integration with the id "${integration_id.slice(0, 100)}" exists for this API key.`,
        );
      return i;
    };

    app.get('/integrations/:integration_id/vendor-webhook', { schema: { params: IdParam('integration_id'), ...HIDDEN } }, async (req) => {
      const { integration_id } = req.params as { integration_id: string };
      const i = await integrationOf(req.auth!.accountId, integration_id);
      const view = await viewVendorWebhook(rt, req.auth!.accountId, i);
      const none = getConnector(i.tool)?.webhooksUnavailable;
      return ok(
        view ?? {
          setup: 'unsupported',
          url: null,
          secret: null,
          instructions: `${none ? `${none.reason} ` : 'This ATS sends no webhooks atsgate can take; '}Changes arrive with the periodic sync.`,
          docs: none?.docs ?? [],
          last_event_at: null,
          last_error: null,
          vendor_secret: null,
        },
      );
    });

    app.put(
      '/integrations/:integration_id/vendor-webhook',
      {
        // The body arrives unparsed in this plugin (the parser above): read as JSON here.
        schema: { params: IdParam('integration_id'), ...HIDDEN },
      },
      async (req) => {
        const { integration_id } = req.params as { integration_id: string };
        const body = parseJson((req.body as RawBody | undefined)?.raw ?? Buffer.alloc(0));
        const secret = body && typeof body === 'object' ? (body as { secret?: unknown }).secret : undefined;
        if (typeof secret !== 'string' || !secret.trim())
          throw new AtsgateError('PLATFORM.INPUT_INVALID', 'Invalid body: "secret" must be the signing key the ATS shows for the webhook.');
        const i = await integrationOf(req.auth!.accountId, integration_id);
        return ok(await saveVendorWebhookSecret(rt, req.auth!.accountId, i, secret));
      },
    );
  };
