/**
 * Teamtailor's Company Webhooks [TT-CW]: created only in Teamtailor (Settings > Integrations >
 * Webhooks, once Teamtailor has enabled the feature for the company) with a label, the URL and
 * the events; Teamtailor then generates a signature key that the customer copies and pastes into
 * atsgate (`vendorSecret`). The public API has no call that creates them, and the Partner
 * webhook setups are configured per partner by Teamtailor, so nothing is registered here.
 *
 * Every delivery carries a `TT-Signature` header (the same value is in the body's `signature`)
 * [TT-CW, Webhook Signatures]:
 * - v2 (recommended): base64 of `t=<unix seconds>,v2=<hex HMAC-SHA256 of "<t>.<raw body>">`,
 *   keyed by the signature key;
 * - v1 (deprecated, still the setting of older webhooks): base64 of the hex HMAC-SHA256 of the
 *   resource id (`payload.data.id`) alone. Only the id is signed, so a v1 delivery's other fields
 *   are not trusted: atsgate only ever takes ids from a payload and reads the records again.
 * Both are accepted. Teamtailor documents no delivery id and no retries ("no retry mechanism"),
 * so the de-duplication key is the hash of the body (the default).
 *
 * Events are `<resource>.<create|update|destroy>` [TT-CW, Event Types]: `candidate.*` name the
 * candidate (`data.id`), `job_application.*` the application (`data.id`; the documented
 * attributes carry no candidate id, so the candidate comes from the synced application, or a
 * delta sync finds it); `job.*` and anything else ask for a delta sync.
 */
import type { Static } from '@sinclair/typebox';
import type { VendorWebhooks } from '../types.ts';
import type { credentialSchema } from './definition.ts';
import { dig, hmacSha256, idOf, sameText } from '../helpers/webhook-signature.ts';

const V2 = /^t=(\d{1,12}),v2=([0-9a-fA-F]{64})$/;

/** Whether one TT-Signature value is Teamtailor's for this body under this key (v2 or v1). */
function signedWith(secret: string, signature: string, rawBody: Buffer, resourceId: string | null): boolean {
  if (!secret) return false;
  const decoded = Buffer.from(signature, 'base64').toString('utf8');
  const v2 = V2.exec(decoded);
  if (v2) return sameText(v2[2].toLowerCase(), hmacSha256(secret, [`${v2[1]}.`, rawBody], 'hex'));
  if (!resourceId) return false;
  const v1 = Buffer.from(hmacSha256(secret, resourceId, 'hex')).toString('base64');
  return sameText(signature, v1);
}

export const webhooks: VendorWebhooks<Static<typeof credentialSchema>> = {
  setup: 'manual',
  showSecret: false,
  vendorSecret: { label: 'Teamtailor signature key' },
  instructions:
    'In Teamtailor (as an admin, once Teamtailor support has enabled Webhooks for the company): Settings > Integrations > Webhooks > Add webhook. ' +
    'Use this URL as Webhook URL, choose the events candidate.create, candidate.update, candidate.destroy, job_application.create, ' +
    'job_application.update and job_application.destroy, signature version v2, and save. Then paste the signature key Teamtailor generated ' +
    'into atsgate (the field below, the dashboard, or PUT /v1/integrations/{id}/vendor-webhook) before testing the connection.',
  docs: ['https://partner.teamtailor.com/company_webhooks', 'https://support.teamtailor.com/en/articles/8068954-webhooks-events'],
  verify(req, secrets) {
    const header = req.headers['tt-signature'] ?? dig(req.json, 'signature');
    if (typeof header !== 'string' || !header.trim()) return false;
    const resourceId = idOf(dig(req.json, 'payload', 'data', 'id'));
    // atsgate's own secret (first) never signs Teamtailor's webhooks: only the pasted key counts.
    return secrets.slice(1).some((s) => signedWith(s, header.trim(), req.rawBody, resourceId));
  },
  parse(req) {
    const payload = dig(req.json, 'payload');
    const event = dig(payload, 'event_name');
    const id = idOf(dig(payload, 'data', 'id'));
    if (typeof event !== 'string' || !id) return { kind: 'ping' }; // a connection test names no record
    const [resource] = event.split('.');
    if (resource === 'candidate') return { kind: 'event', candidates: [id] };
    if (resource === 'job_application') {
      const data = dig(payload, 'data');
      // Not in the documented attributes, but taken where a payload carries it (JSON:API relationship or attribute).
      const candidate =
        idOf(dig(data, 'relationships', 'candidate', 'data', 'id')) ??
        idOf(dig(data, 'attributes', 'candidate-id')) ??
        idOf(dig(data, 'attributes', 'candidate_id'));
      return { kind: 'event', applications: [id], candidates: candidate ? [candidate] : [] };
    }
    return { kind: 'event', resync: true };
  },
};
