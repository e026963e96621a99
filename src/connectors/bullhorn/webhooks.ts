/**
 * Bullhorn's event subscriptions [BH-EV]; [BH-EVS]: Bullhorn pushes nothing. A client creates a
 * subscription with `PUT /event/subscription/{id}?type=entity&names=…&eventTypes=…`, fetches
 * what happened with `GET /event/subscription/{id}?maxEvents=` (at most 100 a call; fetched
 * events are removed from the queue; unfetched ones expire after 7 days; at most 15 subscriptions
 * per Bullhorn database) and removes it with `DELETE /event/subscription/{id}`.
 *
 * So the "webhook" here is a poll: atsgate creates one subscription per integration (Candidate
 * and JobSubmission, inserted/updated/deleted) when the integration is created, fetches it every
 * minute (src/webhooks/vendor/poll.ts), and deletes it with the integration. Each event's
 * `eventId` de-duplicates, its `entityId` names the candidate or the JobSubmission (Kombo's
 * application) to read again — with a delta sync, as the connector has no one-candidate read.
 * Nothing is ever sent to the integration's URL: any request there is refused (401).
 */
import { createHash } from 'node:crypto';
import type { VendorEventTargets, VendorWebhooks } from '../types.ts';
import { idOf } from '../helpers/webhook-signature.ts';
import { bullhornClient, type BullhornContext } from './client.ts';
import type { BullhornCredentials } from './definition.ts';

/** [BH-EV]: `maxEvents` is required, and Bullhorn returns at most 100 events a call. */
const MAX_EVENTS = 100;
/** Batches fetched per poll: a burst beyond 1,000 events waits for the next minute. */
const MAX_BATCHES = 10;

interface BullhornEvent {
  eventId?: string;
  eventType?: string;
  entityName?: string;
  entityId?: number | string;
  entityEventType?: string;
}

/** The subscription's name: derived from the integration's URL, so unique per integration and stable. */
export function subscriptionIdFor(url: string): string {
  return `atsgate${createHash('sha256').update(url).digest('hex').slice(0, 24)}`;
}

const idsOf = (registrations: readonly unknown[]): string[] =>
  registrations.map((r) => (r as { subscriptionId?: unknown }).subscriptionId).filter((x): x is string => typeof x === 'string');

export function targetsOf(e: BullhornEvent): VendorEventTargets | null {
  const id = idOf(e.entityId);
  if (!id) return null;
  const eventId = typeof e.eventId === 'string' ? e.eventId : null;
  if (e.entityName === 'Candidate') return { eventId, candidates: [id], resync: true };
  if (e.entityName === 'JobSubmission') return { eventId, applications: [id], resync: true };
  return null;
}

export const webhooks: VendorWebhooks<BullhornCredentials> = {
  setup: 'api',
  showSecret: false,
  instructions:
    "Bullhorn did not accept atsgate's event subscription (a Bullhorn database allows at most 15; the API user needs access to Candidate and JobSubmission). Free a subscription or fix the user's access, then reconnect; until then changes arrive with the periodic sync.",
  docs: ['https://bullhorn.github.io/rest-api-docs/#events', 'https://bullhorn.github.io/REST-API-Event-Subscriptions/'],
  // Bullhorn never calls the URL: nothing sent there is Bullhorn's.
  verify: () => false,
  parse: () => ({ kind: 'ping' }),
  async register(ctx, { url }) {
    const subscriptionId = subscriptionIdFor(url);
    const http = await bullhornClient(ctx);
    await http.request({
      method: 'PUT',
      path: `event/subscription/${subscriptionId}`,
      query: { type: 'entity', names: 'Candidate,JobSubmission', eventTypes: 'INSERTED,UPDATED,DELETED' },
    });
    return { secrets: [], registrations: [{ subscriptionId }] };
  },
  async unregister(ctx, registrations) {
    const http = await bullhornClient(ctx);
    for (const id of idsOf(registrations))
      await http.request({ method: 'DELETE', path: `event/subscription/${encodeURIComponent(id)}`, accept: [404] });
  },
  async poll(ctx: BullhornContext, registrations) {
    const http = await bullhornClient(ctx);
    const out: VendorEventTargets[] = [];
    for (const id of idsOf(registrations)) {
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        // Not repeated after a timeout: a fetch Bullhorn answered removed its events from the queue.
        const res = await http.request<{ events?: BullhornEvent[] }>({
          method: 'GET',
          path: `event/subscription/${encodeURIComponent(id)}`,
          query: { maxEvents: MAX_EVENTS },
          idempotent: false,
        });
        const events = Array.isArray(res.data?.events) ? res.data.events : [];
        for (const e of events) {
          const t = targetsOf(e);
          if (t) out.push(t);
        }
        if (events.length < MAX_EVENTS) break;
      }
    }
    return out;
  },
};
