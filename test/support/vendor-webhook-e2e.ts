/**
 * Set-up the vendor-webhook end-to-end tests share for one connector case on PGlite: its fake, a
 * webhook receiver, a server whose rate limits run at the case's time scale, and an integration
 * connected through its first sync, whose own data-changed has gone out so that counts start after it.
 */
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from './server.ts';
import { webhookReceiver } from './webhooks.ts';
import { eventually } from './eventually.ts';
import { TimeScaledLimiter, type ConnectorCase } from './connector-suite.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import type { VendorFake } from '../fakes/types.ts';

/** Whether a delivery's raw body is Kombo's `data-changed` for the integration. */
export const isDataChanged = (raw: string, integrationId: string) => {
  const b = JSON.parse(raw);
  return b.type === 'data-changed' && b.data.integration_id === integrationId;
};

export interface ConnectedCase {
  s: TestServer;
  fake: VendorFake;
  receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  integrationId: string;
}

/** Closes what a ConnectedCase started (any part may be missing when the set-up failed). */
export async function closeConnectedCase(x: Partial<ConnectedCase>) {
  await x.s?.close();
  await x.receiver?.close();
  await x.fake?.stop();
}

export async function connectCaseOnPglite(c: ConnectorCase): Promise<ConnectedCase> {
  const x: Partial<ConnectedCase> = {};
  try {
    const fake = (x.fake = await c.start());
    const receiver = (x.receiver = await webhookReceiver());
    const s = (x.s = await startTestServer('pglite', {
      env: { ATSGATE_WEBHOOK_URL: receiver.url, ATSGATE_WEBHOOK_SECRET: 'whsec_' + randomBytes(12).toString('hex') },
    }));
    s.started.rt.limiter = new TimeScaledLimiter(s.started.rt.limiter, { [c.tool]: c.timeScale });
    const { id } = await connectIntegration(s.started.rt, {
      accountId: 'default',
      tool: c.tool,
      organizationName: 'Acme',
      credentials: fake.credentials,
      baseUrl: fake.url,
      waitForSync: true,
    });
    await eventually("the first sync's webhook sent", async () => {
      const { rows } = await s.started.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE state = 'PENDING'`);
      return rows[0].n === 0;
    });
    return { s, fake, receiver, integrationId: id };
  } catch (err) {
    await closeConnectedCase(x);
    throw err;
  }
}
