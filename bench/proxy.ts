/**
 * The baseline "minimal gateway": an HTTP server that forwards every request to one upstream
 * with undici and streams the answer back. No validation, no database, no retries: what any
 * gateway costs at least. Runs as its own process, like atsgate.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = new URL(process.env.PROXY_UPSTREAM!);
const pool = new Pool(upstream.origin, { connections: 64 });

const server = createServer(async (req, res) => {
  try {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
    const r = await pool.request({ method: req.method as any, path: req.url!, headers, body: req.method === 'GET' ? undefined : req });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string' && k !== 'connection' && k !== 'keep-alive') out[k] = v;
    res.writeHead(r.statusCode, out);
    for await (const chunk of r.body) res.write(chunk);
    res.end();
  } catch {
    res.writeHead(502).end();
  }
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.send!({ ready: true, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
process.on('message', (m: any) => {
  if (m.cmd === 'close') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
