/**
 * Workable's webhook subscriptions [WK-SUB]; [WK-WH]: atsgate subscribes with
 * `POST /spi/v3/subscriptions` ({target, event, args}) for candidate_created and candidate_moved
 * and unsubscribes with `DELETE /spi/v3/subscriptions/{id}` on delete. Target URLs must be unique
 * per subscription (409 otherwise), so each event gets the integration's URL with `?event=<name>`.
 *
 * Workable signs each request: `X-Workable-Signature` is the HMAC-SHA256 of the payload keyed by
 * "either the account token or the OAuth application secret" [WK-WH] — for atsgate, the
 * integration's API token. The digest's encoding is not stated: hex and base64 are both accepted.
 * The payload is the candidate ("similar to candidate details"), either bare or inside an
 * envelope with `data`; its id is all that is taken.
 */
import type { VendorWebhooks } from '../types.ts';
import { dig, idOf, signedByAny } from '../helpers/webhook-signature.ts';
import { workableClient, type WorkableContext } from './client.ts';
import type { WorkableCredentials } from './definition.ts';

export const WEBHOOK_EVENTS = ['candidate_created', 'candidate_moved'] as const;

export const webhooks: VendorWebhooks<WorkableCredentials> = {
  setup: 'api',
  showSecret: false,
  instructions:
    "Workable did not accept atsgate's subscription (the API token needs the r_candidates scope). Create a token with it and reconnect; until then changes arrive with the periodic sync.",
  docs: ['https://workable.readme.io/reference/webhook-subscriptions', 'https://workable.readme.io/reference/webhooks'],
  verify(req, _secrets, credentials) {
    const token = credentials().api_token;
    return typeof token === 'string' && signedByAny(req.headers['x-workable-signature'], [token], req.rawBody, ['hex', 'base64']);
  },
  parse(req) {
    const body = req.json;
    const enveloped = dig(body, 'data');
    const candidate =
      enveloped && typeof enveloped === 'object' ? (dig(enveloped, 'candidate') ?? enveloped) : (dig(body, 'candidate') ?? body);
    const id = idOf(dig(candidate, 'id'));
    return {
      kind: 'event',
      eventId: enveloped && typeof enveloped === 'object' ? idOf(dig(body, 'id')) : null,
      candidates: id ? [id] : [],
    };
  },
  async register(ctx, { url }) {
    const http = workableClient(ctx);
    const created: string[] = [];
    try {
      for (const event of WEBHOOK_EVENTS) {
        const target = `${url}?event=${event}`;
        const res = await http.request<{ id?: string | number }>({
          method: 'POST',
          path: 'subscriptions',
          json: { target, event, args: { account_id: ctx.credentials.subdomain, job_shortcode: '', stage_slug: '' } },
        });
        const id = idOf(res.data?.id);
        if (!id) throw new Error(`Workable's answer to POST /subscriptions (${event}) had no id`);
        created.push(id);
      }
    } catch (err) {
      await removeAll(ctx, created);
      throw err;
    }
    return { secrets: [], registrations: created.map((id) => ({ id })) };
  },
  async unregister(ctx, registrations) {
    await removeAll(
      ctx,
      registrations.map((r) => String((r as { id: unknown }).id)),
    );
  },
};

async function removeAll(ctx: WorkableContext, ids: string[]): Promise<void> {
  const http = workableClient(ctx);
  let failure: unknown = null;
  for (const id of ids) {
    await http
      .request({ method: 'DELETE', path: `subscriptions/${encodeURIComponent(id)}`, accept: [404] }) // already gone is fine
      .catch((err: unknown) => (failure ??= err));
  }
  if (failure) throw failure;
}
