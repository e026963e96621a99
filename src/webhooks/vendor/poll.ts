/**
 * Vendors that queue events for the client to fetch instead of pushing them (Bullhorn's event
 * subscriptions): every minute, for each integration whose subscription atsgate registered,
 * the connector's `poll` fetches what is new, and each event is taken like a pushed one
 * (de-duplicated by its id, then the targeted re-read and `data-changed`). A change thus
 * arrives within about a minute; the periodic sync stays the safety net (events the vendor
 * dropped, or fetched by a poll that then failed).
 */
import { createHash } from 'node:crypto';
import type { Runtime } from '../../runtime.ts';
import { contextFor } from '../../runtime.ts';
import { connectors } from '../../connectors/registry.ts';
import { getIntegrationById } from '../../store/integrations.ts';
import { listPolledVendorWebhookEndpoints } from '../../store/vendor-webhooks.ts';
import { takeVendorEvent } from './receive.ts';

export const POLL_TASK = 'vendor-webhooks:poll';

/** Polls every registered subscription once; returns how many new events were taken. One integration's failure never stops the others. */
export async function pollVendorEvents(rt: Runtime): Promise<number> {
  const tools = [...connectors.values()].filter((c) => c.webhooks?.poll).map((c) => c.definition.id);
  let taken = 0;
  for (const row of await listPolledVendorWebhookEndpoints(rt.db, tools)) {
    try {
      const integration = await getIntegrationById(rt.db, row.integration_id);
      if (!integration || !integration.enabled) continue;
      const { connector, ctx } = contextFor(rt, integration);
      const events = (await connector.webhooks?.poll?.(ctx, row.registrations)) ?? [];
      for (const ev of events) {
        const hash = createHash('sha256').update(JSON.stringify(ev)).digest('hex');
        const out = await takeVendorEvent(rt, integration.id, integration.tool, { kind: 'event', ...ev }, hash);
        if (!out.duplicate) taken++;
      }
    } catch (err) {
      console.error(
        JSON.stringify({
          level: 'warn',
          component: 'vendor-webhooks',
          integration_id: row.integration_id,
          msg: `polling the ATS's event queue failed: ${(err instanceof Error ? err.message : String(err)).slice(0, 300)}`,
        }),
      );
    }
  }
  return taken;
}

export function registerVendorEventPolling(rt: Runtime): void {
  rt.jobs.register(POLL_TASK, async () => void (await pollVendorEvents(rt)));
  rt.jobs.repeat?.(POLL_TASK, 1);
}
