/**
 * Lever's webhooks [LV, Webhooks]; [LV-HC-SUB]: atsgate creates one webhook per event with
 * `POST /webhooks` ({event, url}) and deletes them with `DELETE /webhooks/{id}` (Lever's
 * Webhooks Subscription API; only webhooks created through the API can be changed through it).
 * Each webhook has its own signature token, returned when it is created. Every delivery's body
 * carries `token`, `triggeredAt` and `signature`: the hex HMAC-SHA256 of `token + triggeredAt`
 * keyed by that webhook's signature token [LV, Webhooks: verifying] (3rd-party corroboration:
 * waymark "Verify Lever webhook signatures"). Only those two fields are signed, so the
 * de-duplication key is made of them (a replay with another `id` is still the same event), and
 * the payload's ids are only ever a reason to read from Lever again.
 *
 * Where the key may not use the Subscription API (Lever enables it per partner), the
 * registration fails with a warning and the customer adds the webhooks in Settings >
 * Integrations and API > Webhooks; Lever then shows a signature token per webhook, which
 * Lever generates and atsgate cannot know: such manual webhooks are refused (401) until the
 * API registration succeeds, and polling stays the path for changes.
 */
import type { VendorWebhooks } from '../types.ts';
import { dig, hmacSha256, idOf, sameText } from '../helpers/webhook-signature.ts';
import type { LeverContext, LeverCredentials } from './client.ts';
import { leverClient } from './client.ts';

/** Events that change a candidate or application [LV, Webhooks]; interview/contact events are not synced data. */
export const WEBHOOK_EVENTS = [
  'applicationCreated',
  'candidateStageChange',
  'candidateArchiveChange',
  'candidateHired',
  'candidateDeleted',
] as const;

interface CreatedWebhook {
  id?: string;
  signatureToken?: string;
  configuration?: { signatureToken?: string };
}

export const webhooks: VendorWebhooks<LeverCredentials> = {
  setup: 'api',
  showSecret: false,
  instructions:
    "Lever did not accept atsgate's webhook registration (the Webhooks Subscription API must be enabled for the key). Ask Lever support to enable it, then reconnect; until then changes arrive with the periodic sync.",
  docs: [
    'https://hire.lever.co/developer/documentation#webhooks',
    'https://help.lever.co/hc/en-us/articles/4402565460237-What-is-Lever-s-Webhooks-Subscription-API-',
  ],
  verify(req, secrets) {
    const token = dig(req.json, 'token');
    const triggeredAt = dig(req.json, 'triggeredAt');
    const signature = dig(req.json, 'signature');
    if (typeof token !== 'string' || typeof signature !== 'string' || (typeof triggeredAt !== 'number' && typeof triggeredAt !== 'string'))
      return false;
    const plain = `${token}${triggeredAt}`;
    // atsgate's own secret never signs Lever's webhooks (Lever issues the tokens): only the issued ones count.
    return secrets.slice(1).some((s) => sameText(signature.trim().toLowerCase(), hmacSha256(s, plain, 'hex')));
  },
  parse(req) {
    const data = dig(req.json, 'data');
    const contact = idOf(dig(data, 'contactId'));
    const opportunity = idOf(dig(data, 'opportunityId')) ?? idOf(dig(data, 'candidateId'));
    return {
      kind: 'event',
      eventId: `${String(dig(req.json, 'token'))}:${String(dig(req.json, 'triggeredAt'))}`,
      candidates: contact ? [contact] : [],
      applications: opportunity ? [opportunity] : [],
    };
  },
  async register(ctx, { url }) {
    const http = leverClient(ctx);
    const created: string[] = [];
    const tokens: string[] = [];
    try {
      for (const event of WEBHOOK_EVENTS) {
        const res = await http.request<{ data?: CreatedWebhook }>({ method: 'POST', path: 'webhooks', json: { event, url } });
        const hook = res.data?.data ?? {};
        if (hook.id) created.push(hook.id);
        const token = hook.signatureToken ?? hook.configuration?.signatureToken;
        if (!hook.id || !token) throw new Error(`Lever's answer to POST /webhooks (${event}) had no ${hook.id ? 'signature token' : 'id'}`);
        tokens.push(token);
      }
    } catch (err) {
      await removeAll(ctx, created);
      throw err;
    }
    return { secrets: tokens, registrations: created.map((id) => ({ id })) };
  },
  async unregister(ctx, registrations) {
    await removeAll(
      ctx,
      registrations.map((r) => String((r as { id: unknown }).id)),
    );
  },
};

async function removeAll(ctx: LeverContext, ids: string[]): Promise<void> {
  const http = leverClient(ctx);
  let failure: unknown = null;
  for (const id of ids) {
    await http
      .request({ method: 'DELETE', path: `webhooks/${encodeURIComponent(id)}`, accept: [404] }) // already gone is fine
      .catch((err: unknown) => (failure ??= err));
  }
  if (failure) throw failure;
}
