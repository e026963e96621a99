/**
 * iCIMS's event notifications [IC-EV]; [IC-EVBP]: the Platform pushes events (Status Flow Update
 * `WorkFlowStatusChangeEvent` when a candidate's workflow status changes, Application Complete
 * when an application is finished) to URLs configured on its Event Notifications page — by the
 * customer's iCIMS administrator or iCIMS itself, never through the API. So the set-up is
 * manual: atsgate shows the URL and a secret, and the notification is configured with Basic
 * Authentication, any user name and the secret as password. iCIMS also offers OAuth 2.0 and its
 * HMAC scheme for outbound notifications [IC-EVBP]; only Basic is taken here (the HMAC's
 * signing key is one iCIMS issues per integration user, which atsgate cannot know).
 *
 * Deliveries are "GZIP'd RESTful JSON" POSTs [IC-EVBP]; the body is inflated when it is gzip.
 * The payload names `personId` (candidate), `systemId` (the recruiting workflow: Kombo's
 * application), `jobId`, `eventType` and `links` [IC-WSU]. No event id is documented: a
 * redelivery is recognised by its identical body. The ids only trigger a read from the API
 * (a delta sync: the connector has no one-candidate read).
 */
import { gunzipSync } from 'node:zlib';
import type { InboundVendorRequest, VendorWebhooks } from '../types.ts';
import { dig, idOf, sameText } from '../helpers/webhook-signature.ts';
import type { IcimsCredentials } from './definition.ts';

/** Whether `Authorization` is Basic with one of the secrets as password (any user name). */
function basicWithSecret(header: string | undefined, secrets: readonly string[]): boolean {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!m) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const password = decoded.slice(colon + 1);
  return secrets.some((s) => s !== '' && sameText(password, s));
}

/** The JSON of a delivery, inflated first when iCIMS sent it gzip'd (bounded: 1 MB). */
function bodyOf(req: InboundVendorRequest): unknown {
  if (req.json !== undefined) return req.json;
  if (req.rawBody.length < 2 || req.rawBody[0] !== 0x1f || req.rawBody[1] !== 0x8b) return undefined;
  try {
    return JSON.parse(gunzipSync(req.rawBody, { maxOutputLength: 1 << 20 }).toString('utf8'));
  } catch {
    return undefined;
  }
}

export const webhooks: VendorWebhooks<IcimsCredentials> = {
  setup: 'manual',
  showSecret: true,
  instructions:
    'In iCIMS, the Event Notifications page (your iCIMS administrator or iCIMS support configures it): add an event notification for "Status Flow Update" (each workflow status a candidate can move to) and "Application Complete" with this URL, Basic Authentication, user name "atsgate" and this secret as password.',
  docs: [
    'https://developer.icims.com/REST-API/Integration-Events',
    'https://developer-community.icims.com/applications/icims-applicant-tracking/event-notification-best-practices',
    'https://developer-community.icims.com/workflow-status-change-notification',
  ],
  verify(req, secrets) {
    return basicWithSecret(req.headers.authorization, secrets);
  },
  parse(req) {
    const body = bodyOf(req);
    const person = idOf(dig(body, 'personId'));
    const workflow = idOf(dig(body, 'systemId'));
    const type = dig(body, 'eventType');
    // Application Complete names the applicant as `userId` [IC-AC]; Status Flow Update's userId is the recruiter.
    const applicant = type === 'AssessmentEvent' ? idOf(dig(body, 'userId')) : null;
    const candidates = [person, applicant].filter((x): x is string => !!x);
    return { kind: 'event', candidates, applications: workflow ? [workflow] : [], resync: true };
  },
};
