/**
 * Recruitee's webhooks [RC-WH]: created only in Recruitee (Settings > Apps and Plugins >
 * Webhooks > + New webhook, by a user whose hiring role has "Manage webhooks") with a name, the
 * POST URL and the events. Recruitee's JSON API has no call that creates them, so nothing is
 * registered here; Recruitee generates the webhook's secret and shows it in that dialog, and the
 * customer pastes it into atsgate (`vendorSecret`).
 *
 * Deliveries carry `X-Recruitee-Signature`: the hex HMAC-SHA256 of the raw body keyed by that
 * secret ([RC-WH] signature section; the page could be read only in part, corroborated by
 * third-party integrations — README). Before the webhook is saved Recruitee sends a test
 * request, `{"test":true}` (User-Agent Recruitee-Webhooks), and only creates the webhook when it
 * is answered with 200 [RC-WH]; the secret may not be in atsgate yet then, so that exact body is
 * acknowledged without a signature (`handshake`): it names nothing and nothing is read for it.
 * "Test payload" requests carry example events besides `test: true`; signed, they are pings.
 *
 * Recruitee retries failed deliveries with growing delays [RC-WH, Delivery guarantees]. Whether
 * a body carries a stable event id across retries is not settled by what could be read, so the
 * de-duplication key is the body without its per-attempt counter (`attempt_count`): a retry of
 * one event gives the same key, different events differ in their ids and times.
 *
 * Events name the candidate (`payload.candidate.id`); a placement (application) where the
 * payload has one. An event naming no candidate (offer/job events) asks for a delta sync.
 */
import { createHash } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { VendorWebhooks } from '../types.ts';
import { dig, idOf, signedByAny } from '../helpers/webhook-signature.ts';
import type { credentialSchema } from './definition.ts';

/** A JSON value with object keys sorted and `attempt_count` left out at the top (the de-duplication key). */
function eventKey(json: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  const { attempt_count: _attempt, ...rest } = (json ?? {}) as Record<string, unknown>;
  return createHash('sha256')
    .update(JSON.stringify(sorted(rest)))
    .digest('hex');
}

const isTest = (json: unknown): boolean => !!json && typeof json === 'object' && (json as { test?: unknown }).test === true;

export const webhooks: VendorWebhooks<Static<typeof credentialSchema>> = {
  setup: 'manual',
  showSecret: false,
  vendorSecret: { label: 'Recruitee webhook secret' },
  instructions:
    'In Recruitee (a user whose hiring role has "Manage webhooks"): Settings > Apps and Plugins > Webhooks > + New webhook. ' +
    'Use this URL as POST URL and select every candidate event Recruitee lists (a candidate created, assigned to a job, moved to another stage, disqualified, deleted...), ' +
    'then Verify and create. Paste the webhook secret Recruitee shows into atsgate (the field below, the dashboard, or ' +
    'PUT /v1/integrations/{id}/vendor-webhook): deliveries are refused until it is saved.',
  docs: ['https://docs.recruitee.com/docs/webhooks'],
  handshake(req) {
    // Recruitee's set-up test: exactly {"test":true}, sent before the customer can save the secret.
    const keys = req.json && typeof req.json === 'object' ? Object.keys(req.json) : [];
    return isTest(req.json) && keys.length === 1 ? {} : null;
  },
  verify(req, secrets) {
    const given = req.headers['x-recruitee-signature'];
    // atsgate's own secret (first) never signs Recruitee's webhooks: only the pasted secret counts.
    return signedByAny(given?.trim().toLowerCase(), secrets.slice(1), req.rawBody);
  },
  parse(req) {
    if (isTest(req.json)) return { kind: 'ping' };
    const payload = dig(req.json, 'payload');
    const candidate = idOf(dig(payload, 'candidate', 'id'));
    const placement = idOf(dig(payload, 'placement', 'id'));
    return {
      kind: 'event',
      eventId: eventKey(req.json),
      candidates: candidate ? [candidate] : [],
      applications: placement ? [placement] : [],
      resync: !candidate && !placement,
    };
  },
};
