import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, any>;
  raw: string;
  status: number;
}

/**
 * A loopback webhook receiver that fails its first `failFirst` deliveries with 500 — counting
 * only the deliveries `failing` selects (by raw body), so other events don't use up the failures.
 */
export async function webhookReceiver(failFirst = 0, failing: (raw: string) => boolean = () => true) {
  const received: ReceivedWebhook[] = [];
  let failed = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const status = failed < failFirst && failing(raw) ? (failed++, 500) : 204;
    received.push({ headers: req.headers, raw, status });
    res.writeHead(status).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
