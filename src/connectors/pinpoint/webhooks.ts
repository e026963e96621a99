/**
 * Pinpoint's webhooks [PP-WH]: created only in Pinpoint (Company → Profile → Webhooks → New
 * webhook, a URL, then the events to send); the API has no call to create them, so the
 * customer adds atsgate's URL there. Pinpoint signs every request with a signing secret it
 * generates and shows in the same place [PP-WHV]: `PINPOINT-HMAC-SHA256` is the base64 HMAC-SHA256
 * of the raw body keyed by that secret. atsgate cannot choose it, so the customer pastes it into
 * atsgate (`vendorSecret`: connect page, dashboard or PUT /v1/integrations/:id/vendor-webhook);
 * until then every delivery is refused (401) and polling stays the path. Retries: up to 10 over
 * 24 hours [PP-WH].
 *
 * The payload is `{event, data}` with the records under `data` (`data.application.id` for the
 * application events: Pinpoint's own example integration reads it so). No event id is documented,
 * so a redelivery is recognised by its identical signed body. The ids are only a trigger: the
 * change is read again from the API (a delta sync: the connector has no one-candidate read).
 */
import type { VendorWebhooks } from '../types.ts';
import { dig, idOf, signedByAny } from '../helpers/webhook-signature.ts';
import type { credentialSchema } from './definition.ts';
import type { Static } from '@sinclair/typebox';

type PinpointCredentials = Static<typeof credentialSchema>;

export const webhooks: VendorWebhooks<PinpointCredentials> = {
  setup: 'manual',
  showSecret: false,
  vendorSecret: { label: 'Pinpoint webhook signing secret' },
  instructions:
    'In Pinpoint, Company → Profile → Webhooks: click New webhook, enter this URL, then tick the events about applications and candidates. Pinpoint shows a signing secret in its webhook settings: paste it into atsgate, or the deliveries are refused.',
  docs: ['https://developers.pinpointhq.com/docs/webhooks-overview', 'https://developers.pinpointhq.com/docs/verifying-webhooks'],
  verify(req, secrets) {
    // atsgate's own secret (first) never signs Pinpoint's webhooks: only the pasted key counts.
    return signedByAny(req.headers['pinpoint-hmac-sha256'], secrets.slice(1), req.rawBody, ['base64']);
  },
  parse(req) {
    const data = dig(req.json, 'data');
    const application = idOf(dig(data, 'application', 'id'));
    const candidates = [idOf(dig(data, 'candidate', 'id')), idOf(dig(data, 'application', 'candidate', 'id'))].filter(
      (x): x is string => !!x,
    );
    return { kind: 'event', candidates, applications: application ? [application] : [], resync: true };
  },
};
