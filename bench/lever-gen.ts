/**
 * A generated Lever (Data API v1) for the benchmarks: the slice of Lever's list and write API
 * that the real Lever connector uses, with records generated on the fly from their index, so
 * 100,000 contacts cost no memory here. Vendor-shaped: Basic auth with the key as user name,
 * `{data, hasNext, next}` pages with an opaque offset token, millisecond timestamps,
 * `updated_at_start` for delta reads, `contact_id` to read one person's opportunities.
 *
 * Dataset: contact i (0..contacts-1) has `oppsPerContact` opportunities (Lever's candidacies,
 * atsgate's applications); atsgate's candidates are the contacts. `touch(fraction)` marks a
 * fraction of the opportunities as updated now (for the incremental-sync measurement).
 * Write endpoints answer at once and keep nothing but counters; file uploads are drained as a
 * stream, so the fake never holds a file.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const LEVER_KEY = 'bench_lever_key_4b1d2c';
export const PERFORM_AS = '00005e5a-0000-4000-8000-000000000001';

const uuid = (kind: number, n: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const indexOf = (id: string) => parseInt(id.slice(-12), 16);
const CONTACT = 0xc0ac;
const OPP = 0x0990;
const POSTING = 0x9057;
/** Every record's base updatedAt: well before any sync, so a delta read skips untouched ones. */
const BASE_MS = Date.UTC(2025, 0, 1);
const FIRST = ['Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Edsger', 'Barbara', 'Donald', 'Frances'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Dijkstra', 'Liskov', 'Knuth', 'Allen'];
const STAGES = [
  { id: 'lead-new', text: 'New lead' },
  { id: 'applicant-new', text: 'New applicant' },
  { id: 'screen', text: 'Recruiter screen' },
  { id: 'onsite', text: 'On-site interview' },
  { id: 'offer', text: 'Offer' },
  { id: 'hired', text: 'Hired' },
];
const REASONS = [
  { id: 'r-hired', text: 'Hired', status: 'active', type: 'hired' },
  { id: 'r-under', text: 'Underqualified', status: 'active', type: 'non-hired' },
];
const POSTINGS = 50;

export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LeverGen {
  url: string;
  /** Requests served, by "METHOD /first-segment". */
  counts: Map<string, number>;
  /** When set, every request is appended (the write bench replays one write's calls directly). */
  recording: RecordedCall[] | null;
  /** Bytes of uploaded files drained. */
  uploadedBytes: number;
  touch(fraction: number): void;
  stop(): Promise<void>;
}

export async function startLeverGen(opts: { contacts: number; oppsPerContact?: number }): Promise<LeverGen> {
  const per = opts.oppsPerContact ?? 2;
  const opps = opts.contacts * per;
  let touchedAt = 0;
  let stride = 0; // every stride-th opportunity was touched

  const updatedAt = (j: number) => (stride && j % stride === 0 ? touchedAt : BASE_MS + j);
  function opportunity(j: number) {
    const i = Math.floor(j / per);
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
    const id = uuid(OPP, j);
    const archived = j % 7 === 0 ? { archivedAt: BASE_MS + j, reason: j % 14 === 0 ? 'r-hired' : 'r-under' } : null;
    return {
      id,
      name: `${first} ${last} ${i}`,
      headline: 'Acme, Initech',
      contact: uuid(CONTACT, i),
      emails: [`${first.toLowerCase()}.${i}@example.com`],
      phones: [{ type: 'mobile', value: `+49 30 ${String(i).padStart(7, '0')}` }],
      links: i % 3 === 0 ? [`https://www.linkedin.com/in/person${i}`] : [],
      location: i % 2 ? 'Berlin, Germany' : 'Paris, France',
      stage: STAGES[j % STAGES.length].id,
      confidentiality: 'non-confidential',
      archived,
      tags: stride && j % stride === 0 ? ['touched', 'bench'] : ['bench'],
      sources: ['LinkedIn'],
      origin: 'applied',
      owner: PERFORM_AS,
      applications: [
        {
          id: uuid(0xa991, j),
          opportunityId: id,
          type: 'posting',
          posting: uuid(POSTING, j % POSTINGS),
          company: 'Acme',
          createdAt: BASE_MS + j,
        },
      ],
      createdAt: BASE_MS + j,
      updatedAt: updatedAt(j),
      urls: { list: 'https://hire.lever.co/candidates', show: `https://hire.lever.co/candidates/${id}` },
    };
  }
  function posting(p: number) {
    return {
      id: uuid(POSTING, p),
      text: `Role ${p}`,
      state: 'published',
      distributionChannels: ['public'],
      confidentiality: 'non-confidential',
      categories: { team: 'Platform', department: 'Engineering', location: 'Berlin', commitment: 'Full-time' },
      content: { description: `Role ${p} at Acme.`, descriptionHtml: `<p>Role ${p} at Acme.</p>` },
      country: 'DE',
      requisitionCodes: [`ENG-${p}`],
      urls: { show: `https://jobs.lever.co/acme/${p}` },
      createdAt: BASE_MS,
      updatedAt: BASE_MS + p,
    };
  }

  /** Opportunity indexes a list request covers, before pagination. */
  function opportunityIndexes(q: URLSearchParams): { count: number; at: (k: number) => number } {
    const contact = q.get('contact_id');
    if (contact) {
      const i = indexOf(contact);
      return i >= 0 && i < opts.contacts ? { count: per, at: (k) => i * per + k } : { count: 0, at: (k) => k };
    }
    const since = Number(q.get('updated_at_start') ?? 0);
    if (since > BASE_MS + opps) {
      if (!stride || since > touchedAt) return { count: 0, at: (k) => k };
      return { count: Math.ceil(opps / stride), at: (k) => k * stride };
    }
    return { count: opps, at: (k) => k };
  }

  function page(q: URLSearchParams, count: number, item: (k: number) => unknown) {
    const limit = Math.min(100, Math.max(1, Number(q.get('limit') ?? 100)));
    const offset = Number(q.get('offset') ?? 0) || 0;
    const end = Math.min(count, offset + limit);
    const data = [];
    for (let k = offset; k < end; k++) data.push(item(k));
    return end < count ? { data, hasNext: true, next: String(end) } : { data, hasNext: false };
  }

  const counts = new Map<string, number>();
  const gen: LeverGen = {
    url: '',
    counts,
    recording: null,
    uploadedBytes: 0,
    touch(fraction) {
      touchedAt = Date.now();
      stride = Math.max(1, Math.round(1 / fraction));
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://lever');
    const path = u.pathname.replace(/^\/v1/, '');
    const key = `${req.method} /${path.split('/')[1] ?? ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const isUpload = req.method === 'POST' && /\/files$/.test(path);
    // Uploads are drained, never held; other bodies are small.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (!isUpload || gen.recording) chunks.push(c as Buffer);
    }
    if (isUpload) gen.uploadedBytes += size;
    if (gen.recording) {
      gen.recording.push({ method: req.method!, path: u.pathname + u.search, headers: pick(req.headers), body: Buffer.concat(chunks) });
    }
    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('Basic ') || Buffer.from(auth.slice(6), 'base64').toString().split(':')[0] !== LEVER_KEY) {
      return send(res, 401, { code: 'UnauthorizedError', message: 'Invalid API key' });
    }
    const q = u.searchParams;
    if (req.method === 'GET') {
      if (path === '/opportunities') {
        const idx = opportunityIndexes(q);
        return send(
          res,
          200,
          page(q, idx.count, (k) => opportunity(idx.at(k))),
        );
      }
      if (path === '/postings') return send(res, 200, page(q, POSTINGS, posting));
      if (path === '/stages')
        return send(
          res,
          200,
          page(q, STAGES.length, (k) => STAGES[k]),
        );
      if (path === '/archive_reasons')
        return send(
          res,
          200,
          page(q, REASONS.length, (k) => REASONS[k]),
        );
      if (path === '/users')
        return send(
          res,
          200,
          page(q, 1, () => ({ id: PERFORM_AS, name: 'Bench User' })),
        );
    }
    const write = /^\/opportunities\/([^/]+)\/(addLinks|notes|files)$/.exec(path);
    if (req.method === 'POST' && write) {
      if (!q.get('perform_as') && write[2] === 'files')
        return send(res, 400, { code: 'BadRequestError', message: 'perform_as is required' });
      const n = indexOf(write[1]);
      if (!(n >= 0 && n < opps)) return send(res, 404, { code: 'ResourceNotFound', message: 'Opportunity not found' });
      if (write[2] === 'addLinks') return send(res, 200, {});
      if (write[2] === 'notes') return send(res, 201, { data: { noteId: uuid(0x4073, n) } });
      return send(res, 201, { data: { id: uuid(0xf11e, n), name: 'file', ext: 'pdf', size } });
    }
    return send(res, 404, { code: 'ResourceNotFound', message: `No route ${req.method} ${path}` });
  }

  const server: Server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  gen.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return gen;
}

/** The headers a replayed call needs (auth and body type), nothing connection-specific. */
function pick(h: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['authorization', 'content-type', 'accept']) if (typeof h[k] === 'string') out[k] = h[k] as string;
  return out;
}

export const opportunityId = (j: number) => uuid(OPP, j);
export const contactId = (i: number) => uuid(CONTACT, i);
