/**
 * A tiny toolkit for fake vendor APIs in tests: a real HTTP server on loopback, a router,
 * JSON/multipart body parsing and a journal of every request the fake received, so tests can
 * assert exactly what a connector sent. Each vendor fake (test/fakes/<ats>.ts) builds on this
 * and implements the vendor's documented behaviour, citing its documentation.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { documentingRow, provenanceOf, type ProvenanceRow } from './provenance.ts';
import type { SpecCheck } from './spec-check.ts';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  params: Record<string, string>;
  raw: Buffer;
  /** Parsed JSON body, or undefined. */
  json: any;
  /** Parsed multipart/form-data or urlencoded body, or undefined. */
  form?: FormData;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  body?: Buffer;
}

export type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export interface FakeServerOptions {
  /**
   * Connector id whose README provenance table (test/fakes/provenance.ts) must document every
   * request this fake receives. A request without a row is answered 501 and stop() throws.
   */
  provenance?: string;
  /**
   * The vendor's machine-readable contract (test/fakes/spec-check.ts): every JSON request body
   * and response is validated against it; a violation is answered 422 (requests) and stop() throws.
   */
  spec?: SpecCheck;
}

export class FakeServer {
  readonly journal: FakeRequest[] = [];
  /** Requests that matched no row of the connector's provenance table ("METHOD /path"). */
  readonly undocumented: string[] = [];
  private readonly routes: Route[] = [];
  private readonly provenance?: { tool: string; rows: ProvenanceRow[] };
  readonly spec?: SpecCheck;

  constructor(opts: FakeServerOptions = {}) {
    if (opts.provenance) this.provenance = { tool: opts.provenance, rows: provenanceOf(opts.provenance) };
    this.spec = opts.spec;
  }
  private server?: Server;
  /** Hook to inject faults before routing: return a response to short-circuit. */
  before?: (req: FakeRequest) => FakeResponse | undefined | Promise<FakeResponse | undefined>;
  url = '';

  route(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const pattern = new RegExp('^' + path.replace(/[.]/g, '\\.').replace(/:([A-Za-z_]+)/g, (_, k) => (keys.push(k), '([^/]+)')) + '$');
    this.routes.push({ method: method.toUpperCase(), pattern, keys, handler });
    return this;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
    if (this.spec?.violations.length) {
      throw new Error(
        `requests or responses that break the ${this.spec.opts.label}:\n  ${[...new Set(this.spec.violations)].slice(0, 20).join('\n  ')}`,
      );
    }
    if (this.undocumented.length && this.provenance) {
      const calls = [...new Set(this.undocumented)].join(', ');
      throw new Error(
        `${this.provenance.tool}: calls with no row in src/connectors/${this.provenance.tool}/README.md's provenance table: ${calls}`,
      );
    }
  }

  /** Requests matching method and path pattern (a regexp or a substring). */
  calls(method: string, path: RegExp | string): FakeRequest[] {
    return this.journal.filter((r) => r.method === method && (typeof path === 'string' ? r.path.includes(path) : path.test(r.path)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const u = new URL(req.url ?? '/', 'http://fake');
    const fr: FakeRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(u.pathname),
      query: u.searchParams,
      headers: req.headers,
      params: {},
      raw,
      json: undefined,
    };
    const ct = String(req.headers['content-type'] ?? '');
    try {
      if (/json/.test(ct) && raw.length) fr.json = JSON.parse(raw.toString('utf8'));
      else if (/multipart\/form-data|x-www-form-urlencoded/.test(ct))
        fr.form = (await new Request('http://fake', { method: 'POST', headers: { 'content-type': ct }, body: raw }).formData()) as FormData;
    } catch {
      fr.json = Symbol.for('invalid');
    }
    this.journal.push(fr);
    let out: FakeResponse | undefined;
    if (this.provenance && !documentingRow(this.provenance.rows, fr.method, fr.path)) {
      this.undocumented.push(`${fr.method} ${fr.path}`);
      out = {
        status: 501,
        json: { error: `atsgate test fake: ${fr.method} ${fr.path} has no row in the ${this.provenance.tool} provenance table` },
      };
    }
    const specChecked = !out && !!this.spec;
    if (specChecked) {
      const bad = this.spec!.checkRequest(fr.method, fr.path, fr.json, ct);
      if (bad.length) out = { status: 422, json: { error: 'atsgate test fake: request breaks the vendor spec', violations: bad } };
    }
    try {
      out ??= await this.before?.(fr);
      if (!out) {
        const route = this.routes.find((r) => r.method === fr.method && r.pattern.test(fr.path));
        if (!route) out = { status: 404, json: { error: 'not found', path: fr.path } };
        else {
          const m = route.pattern.exec(fr.path)!;
          route.keys.forEach((k, i) => (fr.params[k] = m[i + 1]));
          out = await route.handler(fr);
        }
      }
    } catch (err) {
      out = { status: 500, json: { error: String(err) } };
    }
    if (specChecked && out.status !== 422) this.spec!.checkResponse(fr.method, fr.path, out.status ?? 200, out.json);
    if (out.headers?.['x-fake-drop'] === '1') {
      res.socket?.destroy();
      return;
    }
    const headers: Record<string, string> = { ...out.headers };
    let body: Buffer | string = '';
    if (out.json !== undefined) {
      headers['content-type'] ??= 'application/json; charset=utf-8';
      body = JSON.stringify(out.json);
    } else if (out.text !== undefined) {
      headers['content-type'] ??= 'text/plain; charset=utf-8';
      body = out.text;
    } else if (out.body) body = out.body;
    res.writeHead(out.status ?? 200, headers);
    res.end(body);
  }
}

/**
 * Sliding-window request counter for fakes that enforce a vendor rate limit: returns the
 * number of requests seen in the current window, after counting this one.
 */
export class WindowCounter {
  private hits: number[] = [];
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}
  hit(now = Date.now()): { count: number; over: boolean; resetMs: number } {
    this.hits = this.hits.filter((t) => now - t < this.windowMs);
    this.hits.push(now);
    this.peak = Math.max(this.peak, this.hits.length);
    const resetMs = this.windowMs - (now - this.hits[0]);
    return { count: this.hits.length, over: this.hits.length > this.limit, resetMs };
  }
  /** Largest count seen in any window so far. */
  peak = 0;
}

/** Basic auth user from a request (for vendors that put the API key in the user name). */
export function basicUser(req: FakeRequest): string | null {
  const h = String(req.headers.authorization ?? '');
  if (!h.startsWith('Basic ')) return null;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  return decoded.split(':')[0] ?? null;
}

export function bearer(req: FakeRequest): string | null {
  const h = String(req.headers.authorization ?? '');
  return h.startsWith('Bearer ') ? h.slice(7) : null;
}
