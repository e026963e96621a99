/**
 * SmartRecruiters' Webhooks Subscription API [SR-WH]; [SR-WHC] (vendor demo client
 * smartrecruiters/sr-webhooks-client): atsgate creates a subscription
 * (`POST /webhooks-api/v201907/subscriptions {callbackUrl, events}`), asks for a secret key
 * (`POST …/subscriptions/{id}/secret-key`) and activates it (`PUT …/subscriptions/{id}/activation`),
 * during which SmartRecruiters POSTs an `X-Hook-Secret` header to the URL and expects it back
 * within 20 s [SR-WH-ACT]. `DELETE …/subscriptions/{id}` on delete.
 *
 * Deliveries carry `event-id`, `event-name`, `event-version`, `link` and, once a secret key
 * exists, `smartrecruiters-timestamp` and `smartrecruiters-signature: v1=<hex>[;v1=<hex>…]`: the
 * HMAC-SHA256 of `timestamp.body.event-id.event-name.event-version.link` (a missing header is an
 * empty string) under the key [SR-WH-KEY]. The body of an application event names `candidate_id`
 * and `job_id`.
 */
import type { Static } from '@sinclair/typebox';
import type { VendorWebhooks } from '../types.ts';
import type { credentialSchema } from './definition.ts';
import { dig, idOf, signedByAny } from '../helpers/webhook-signature.ts';
import { smartRecruitersClient, type SmartRecruitersContext } from './client.ts';

const API = '/webhooks-api/v201907/subscriptions';
/** Events that change an application or its candidate ([SR-WH-KEY] example: application.created). */
export const WEBHOOK_EVENTS = ['application.created', 'application.status.updated'] as const;

export const webhooks: VendorWebhooks<Static<typeof credentialSchema>> = {
  setup: 'api',
  showSecret: false,
  instructions:
    "SmartRecruiters did not accept atsgate's webhook subscription (the credential needs access to the Webhooks Subscription API). Grant it and reconnect; until then changes arrive with the periodic sync.",
  docs: [
    'https://dev.smartrecruiters.com/customer-api/webhooks/',
    'https://developers.smartrecruiters.com/docs/activating-webhook-subscriptions',
    'https://developers.smartrecruiters.com/reference/subscriptionsgeneratesecretkey-1',
  ],
  handshake(req) {
    const secret = req.headers['x-hook-secret'];
    return secret ? { 'x-hook-secret': secret } : null;
  },
  verify(req, secrets) {
    const header = req.headers['smartrecruiters-signature'];
    if (!header) return false;
    const h = (name: string) => req.headers[name] ?? '';
    const signed = [
      `${h('smartrecruiters-timestamp')}.`,
      req.rawBody,
      `.${h('event-id')}.${h('event-name')}.${h('event-version')}.${h('link')}`,
    ];
    // Several signatures may arrive (keys being rotated, future schemes): any v1 one that matches counts.
    return header
      .split(';')
      .map((part) => /^\s*v1=([0-9a-fA-F]+)\s*$/.exec(part)?.[1]?.toLowerCase())
      .some((sig) => signedByAny(sig, secrets.slice(1), signed));
  },
  parse(req) {
    const candidate = idOf(dig(req.json, 'candidate_id')) ?? idOf(dig(req.json, 'candidateId'));
    return { kind: 'event', eventId: req.headers['event-id'] || null, candidates: candidate ? [candidate] : [], resync: !candidate };
  },
  async register(ctx, { url }) {
    const http = smartRecruitersClient(ctx);
    const created = await http.request<{ id?: string }>({
      method: 'POST',
      path: API,
      json: { callbackUrl: url, events: [...WEBHOOK_EVENTS] },
    });
    const id = idOf(created.data?.id);
    if (!id) throw new Error("SmartRecruiters' answer to POST /subscriptions had no id");
    try {
      // SecretKeyPayload `{secretKey}` ([SR-RB] subscriptions_api.rb, models/secret_key_payload.rb).
      const key = await http.request<{ secretKey?: string }>({
        method: 'POST',
        path: `${API}/${encodeURIComponent(id)}/secret-key`,
      });
      const secret = key.data?.secretKey;
      if (!secret) throw new Error("SmartRecruiters' answer to POST /subscriptions/{id}/secret-key had no key");
      // SmartRecruiters calls the URL now (the X-Hook-Secret handshake) and answers 204 once it is echoed.
      await http.request({ method: 'PUT', path: `${API}/${encodeURIComponent(id)}/activation` });
      return { secrets: [secret], registrations: [{ id }] };
    } catch (err) {
      await remove(ctx, id).catch(() => undefined);
      throw err;
    }
  },
  async unregister(ctx, registrations) {
    for (const r of registrations) await remove(ctx, String((r as { id: unknown }).id));
  },
};

async function remove(ctx: SmartRecruitersContext, id: string): Promise<void> {
  await smartRecruitersClient(ctx).request({ method: 'DELETE', path: `${API}/${encodeURIComponent(id)}`, accept: [404] }); // already gone is fine
}
