/**
 * Greenhouse's web hooks [GH-WH]: created only in Greenhouse (Configure > Dev Center > Web Hooks)
 * with a name, the endpoint URL and a secret key the customer enters — atsgate's URL and secret
 * for the integration, shown on the connect page and the dashboard. Harvest has no API to create
 * them, so nothing is registered or removed through the API.
 *
 * Each delivery carries `Signature: sha256 <hex HMAC-SHA256 of the whole body, keyed by the
 * secret key>` and a unique `Greenhouse-Event-ID` header; Greenhouse retries up to 6 times over
 * 15 hours. Saving a web hook sends a ping first. Application events name `application.id` and
 * `application.candidate.id`; candidate deletion names `person.id`.
 */
import type { VendorWebhooks } from '../types.ts';
import { dig, idOf, signedByAny } from '../helpers/webhook-signature.ts';
import type { GreenhouseCredentials } from './definition.ts';

export const webhooks: VendorWebhooks<GreenhouseCredentials> = {
  setup: 'manual',
  showSecret: true,
  instructions:
    'In Greenhouse, Configure > Dev Center > Web Hooks: create a web hook for each of "Candidate or Prospect stage change", "Candidate or Prospect updated", "Application updated", "Candidate has been hired", "Candidate or Prospect rejected", "Candidate has submitted application" and "Candidate or Prospect deleted", with this URL as Endpoint URL and this secret as Secret key.',
  docs: ['https://developers.greenhouse.io/webhooks.html#introduction', 'https://developers.greenhouse.io/webhooks.html#authentication'],
  verify(req, secrets) {
    const m = /^sha256 ([0-9a-fA-F]+)$/.exec((req.headers.signature ?? '').trim());
    return !!m && signedByAny(m[1].toLowerCase(), secrets, req.rawBody);
  },
  parse(req) {
    if (dig(req.json, 'action') === 'ping') return { kind: 'ping' };
    const payload = dig(req.json, 'payload');
    const application = dig(payload, 'application');
    const candidates = [
      idOf(dig(application, 'candidate', 'id')),
      idOf(dig(payload, 'candidate', 'id')),
      idOf(dig(payload, 'person', 'id')),
    ].filter((x): x is string => !!x);
    const app = idOf(dig(application, 'id'));
    return {
      kind: 'event',
      eventId: req.headers['greenhouse-event-id'] || null,
      candidates,
      applications: app ? [app] : [],
      // Job and organisation events name no candidate: the delta sync picks them up.
      resync: !candidates.length && !app,
    };
  },
};
