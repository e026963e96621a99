/**
 * Ashby's webhooks [AS-WH]: atsgate registers one webhook per event type with `webhook.create`
 * (needs the optional apiKeysWrite permission; without it the customer adds them by hand in
 * Admin > Integrations > Webhooks, with the URL and secret the dashboard shows) and removes them
 * with `webhook.delete`. Ashby signs the raw body: `Ashby-Signature: sha256=<hex HMAC-SHA256>`
 * keyed by the webhook's secret token [AS-WHAUTH]. Payloads are `{action, data}`; Ashby sends no
 * event id, so a redelivery is recognised by its identical signed body.
 */
import type { VendorWebhooks } from '../types.ts';
import { dig, idOf, signedByAny } from '../helpers/webhook-signature.ts';
import { ashbyClient, type AshbyCredentials } from './client.ts';

/** The event types that say a candidate or application changed ([AS-OAS] webhook.create `webhookType`). */
export const WEBHOOK_TYPES = [
  'applicationSubmit',
  'applicationUpdate',
  'candidateStageChange',
  'candidateHire',
  'candidateDelete',
  'candidateMerge',
] as const;

export const webhooks: VendorWebhooks<AshbyCredentials> = {
  setup: 'api',
  showSecret: true,
  instructions:
    'In Ashby, Admin > Integrations > Webhooks: add one webhook per event type (Application Submit, Application Update, Candidate Stage Change, Candidate Hire, Candidate Delete, Candidate Merge) with this URL as Request URL and this secret as Secret Token.',
  docs: [
    'https://developers.ashbyhq.com/docs/setting-up-webhooks',
    'https://developers.ashbyhq.com/docs/authenticating-webhooks',
    'https://developers.ashbyhq.com/reference/webhookcreate',
  ],
  verify(req, secrets) {
    const header = req.headers['ashby-signature'];
    const m = header ? /^sha256=([0-9a-f]+)$/i.exec(header.trim()) : null;
    return !!m && signedByAny(m[1].toLowerCase(), secrets, req.rawBody);
  },
  parse(req) {
    const action = dig(req.json, 'action');
    if (action === 'ping') return { kind: 'ping' };
    const data = dig(req.json, 'data');
    const candidates = [
      idOf(dig(data, 'application', 'candidate', 'id')),
      idOf(dig(data, 'candidate', 'id')),
      idOf(dig(data, 'mergedCandidate', 'id')),
      idOf(dig(data, 'deletedCandidate', 'id')),
    ].filter((x): x is string => !!x);
    const application = idOf(dig(data, 'application', 'id'));
    return { kind: 'event', candidates, applications: application ? [application] : [] };
  },
  async register(ctx, { url, secret }) {
    const api = ashbyClient(ctx);
    const created: string[] = [];
    try {
      for (const webhookType of WEBHOOK_TYPES) {
        const res = await api.call<{ id: string }>('webhook.create', { webhookType, requestUrl: url, secretToken: secret });
        created.push(res.results.id);
      }
    } catch (err) {
      // All or nothing: half a set would look registered while missing events.
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

async function removeAll(ctx: Parameters<typeof ashbyClient>[0], ids: string[]): Promise<void> {
  const api = ashbyClient(ctx);
  let failure: unknown = null;
  for (const webhookId of ids) await api.call('webhook.delete', { webhookId }).catch((err: unknown) => (failure ??= err));
  if (failure) throw failure;
}
