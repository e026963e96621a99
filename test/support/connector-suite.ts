/**
 * Shared pieces of the vendor end-to-end suite (test/support/e2e-sdk.ts, run as test/connectors/e2e.sdk.*.test.ts): one table row
 * per vendor connector saying how to start its fake and what rate limit that fake enforces, a
 * limiter wrapper that compresses time for slow vendors, and a loopback file server for
 * `data_url` attachments.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RateLimitFeedback, RateLimiter, RateLimitSpec } from '../../src/http/rate-limit.ts';
import type { AttachmentType } from '../../src/connectors/types.ts';
import type { VendorFake } from '../fakes/types.ts';
import { startGreenhouseFake } from '../fakes/greenhouse.ts';
import { startLeverFake } from '../fakes/lever.ts';
import { startAshbyFake } from '../fakes/ashby.ts';
import { startWorkableFake } from '../fakes/workable.ts';
import { startSmartRecruitersFake } from '../fakes/smartrecruiters.ts';
import { startTeamtailorFake } from '../fakes/teamtailor.ts';
import { startRecruiteeFake } from '../fakes/recruitee.ts';
import { startPersonioFake } from '../fakes/personio.ts';
import { startBambooHrFake } from '../fakes/bamboohr.ts';
import { startPinpointFake } from '../fakes/pinpoint.ts';
import { startZohoRecruitFake } from '../fakes/zohorecruit.ts';
import { startUkgFake } from '../fakes/ukgpro.ts';
import { startIcimsFake } from '../fakes/icims.ts';
import { startBullhornFake } from '../fakes/bullhorn.ts';
import { startSuccessFactorsFake } from '../fakes/successfactors.ts';
import { startWorkdayFake } from '../fakes/workday.ts';
import { startOracleFake } from '../fakes/oraclerecruiting.ts';

export interface ConnectorCase {
  tool: string;
  /**
   * Some vendors count in 10 s or 60 s windows, which would make a suite wait minutes in real
   * time. Both sides are compressed by this factor: atsgate's limiter sees `perMs / timeScale`
   * (see TimeScaledLimiter) and the fake enforces its window divided by the same factor, so the
   * ratio the test checks is the vendor's own.
   */
  timeScale: number;
  /** What the fake enforces (already scaled); its peakRate() is counted against this. */
  fakeLimit: { requests: number; windowMs: number };
  start(): Promise<VendorFake>;
  /**
   * The fake's name for the document type a Kombo attachment type becomes, when it differs from
   * the connector's `capabilities.attachments.types` (which may be prose for the docs table).
   */
  fakeFileType?: (type: AttachmentType) => string;
}

export const CONNECTOR_CASES: ConnectorCase[] = [
  {
    tool: 'greenhouse',
    // Harvest v3: fixed 30 s windows, 75 in the guide's example (fake default); compressed to 1 s.
    timeScale: 30,
    fakeLimit: { requests: 75, windowMs: 1000 },
    start: () => startGreenhouseFake({ pageSize: 10, rateLimit: 75, rateWindowMs: 1000, retryAfterSec: 1 }),
  },
  {
    tool: 'lever',
    // Lever: 10 requests/s steady per key (the fake counts its peak in a 1 s window).
    timeScale: 1,
    fakeLimit: { requests: 10, windowMs: 1000 },
    start: () => startLeverFake({ pageSize: 10, retryAfterSeconds: 1 }),
  },
  {
    tool: 'ashby',
    // Ashby publishes no number; the fake's default is 25 per second per key.
    timeScale: 1,
    fakeLimit: { requests: 25, windowMs: 1000 },
    start: () => startAshbyFake({ pageSize: 10, retryAfterSeconds: 1 }),
    // The fake records which endpoint a file came through: candidate.uploadResume or uploadFile.
    fakeFileType: (t) => (t === 'CV' ? 'resume' : 'file'),
  },
  {
    tool: 'workable',
    // Workable: 10 requests per fixed 10 s interval; compressed to 1 s.
    timeScale: 10,
    fakeLimit: { requests: 10, windowMs: 1000 },
    start: () => startWorkableFake({ pageSize: 10, rateLimit: { requests: 10, intervalMs: 1000 } }),
    // Files are posted as comment attachments (the definition's types describe that in prose).
    fakeFileType: () => 'comment_attachment',
  },
  {
    tool: 'smartrecruiters',
    // SmartRecruiters: 10 requests per second per credential (fake default).
    timeScale: 1,
    fakeLimit: { requests: 10, windowMs: 1000 },
    start: () => startSmartRecruitersFake({ maxLimit: 10, retryAfterSeconds: 1 }),
  },
  {
    tool: 'teamtailor',
    // Teamtailor: 50 per 10 s (fake default); compressed to 50 per 2 s.
    timeScale: 5,
    fakeLimit: { requests: 50, windowMs: 2000 },
    start: () => startTeamtailorFake({ candidateCount: 24, rateLimit: { limit: 50, windowMs: 2000 }, retryAfterSeconds: 1 }),
  },
  {
    tool: 'recruitee',
    // Recruitee: 100 per fixed 60 s window (fake default); compressed to 6 s.
    timeScale: 10,
    fakeLimit: { requests: 100, windowMs: 6000 },
    start: () => startRecruiteeFake({ pageCap: 10, resetSeconds: 1, rateLimit: { limit: 100, windowMs: 6000 } }),
  },
  {
    tool: 'personio',
    // Personio publishes no recruiting limit; the fake enforces 300 per 60 s (its published limit
    // for the one rate-limited personnel endpoint), compressed to 6 s. Read-only: every write
    // case expects INTEGRATION.ACTION_NOT_AVAILABLE.
    timeScale: 10,
    fakeLimit: { requests: 300, windowMs: 6000 },
    start: () => startPersonioFake({ candidateCount: 24, rateLimit: { limit: 300, windowMs: 6000 } }),
  },
  {
    tool: 'bamboohr',
    // BambooHR publishes no number; the fake enforces 20 per second (above atsgate's 5 + 2/s).
    // Files cannot be added (ACTION_NOT_AVAILABLE); the files applications already have are listed.
    timeScale: 1,
    fakeLimit: { requests: 20, windowMs: 1000 },
    start: () => startBambooHrFake({ candidateCount: 24, rateLimit: { limit: 20, windowMs: 1000 }, retryAfterSeconds: 1 }),
  },
  {
    tool: 'pinpoint',
    // Pinpoint documents a 429 but no number; the fake enforces 10 per second (above atsgate's 5/s).
    // Files become candidate documents (documents_base64), all of type `document`.
    timeScale: 1,
    fakeLimit: { requests: 10, windowMs: 1000 },
    start: () => startPinpointFake({ candidateCount: 24, rateLimit: { limit: 10, windowMs: 1000 } }),
  },
  {
    tool: 'zohorecruit',
    // Zoho counts daily credits and does not number its concurrency limits; the fake enforces
    // 4 per second (above atsgate's 2/s). Files keep Zoho's categories (Resume, Others).
    timeScale: 1,
    fakeLimit: { requests: 4, windowMs: 1000 },
    start: () => startZohoRecruitFake({ candidateCount: 24, rateLimit: { limit: 4, windowMs: 1000 } }),
  },
  {
    tool: 'ukgpro',
    // UKG publishes no number (quotas "normally [per] 1 minute"); the fake enforces 20 per second,
    // above atsgate's 5 + 2/s. Its 429s carry no Retry-After, as UKG's today.
    timeScale: 1,
    fakeLimit: { requests: 20, windowMs: 1000 },
    start: () => startUkgFake({ candidateCount: 24, rateLimit: { limit: 20, windowMs: 1000 } }),
  },
  {
    tool: 'icims',
    // iCIMS publishes a daily quota (10,000 calls), no per-second number; the fake enforces 20 per
    // second, above atsgate's 5 + 2/s. Its 429s carry an X-Error and no Retry-After. Assessment
    // names outside the customer's list are refused, so result links take the documented fallback.
    timeScale: 1,
    fakeLimit: { requests: 20, windowMs: 1000 },
    start: () => startIcimsFake({ candidateCount: 24, rateLimit: { limit: 20, windowMs: 1000 } }),
  },
  {
    tool: 'bullhorn',
    // Bullhorn publishes no number (429: "Wait 1 second"); the fake enforces 10 per second on the
    // API (above atsgate's 5/s) and caps `count` at 10 so that paging by `total` is exercised.
    // Files go to the candidate with the connector's `type` text.
    timeScale: 1,
    fakeLimit: { requests: 10, windowMs: 1000 },
    start: () => startBullhornFake({ candidateCount: 24, pageCap: 10, rateLimit: { limit: 10, windowMs: 1000 } }),
  },
  {
    tool: 'successfactors',
    // SAP publishes no request rate for the OData API (it throttles with 429 + Retry-After); the
    // fake enforces 20 per second, above atsgate's 5 + 2/s, and pages 10 entities at a time so
    // that `__next` paging is exercised. Files are linked to the candidate as resume, coverLetter
    // or attachment1 (the connector's types).
    timeScale: 1,
    fakeLimit: { requests: 20, windowMs: 1000 },
    start: () => startSuccessFactorsFake({ candidateCount: 24, pageSize: 10, rateLimit: { limit: 20, windowMs: 1000 } }),
  },
  {
    tool: 'workday',
    // Workday publishes no rate number for SOAP web services; the fake enforces 10 per second
    // (above atsgate's 5/s). Every SOAP document is validated against the Recruiting XSD. Notes and
    // result links become text files on the job application; all files are "candidate attachment"s.
    timeScale: 1,
    fakeLimit: { requests: 10, windowMs: 1000 },
    start: () => startWorkdayFake({ candidateCount: 24, rateLimit: { limit: 10, windowMs: 1000 } }),
  },
  {
    tool: 'oraclerecruiting',
    // Oracle publishes no HCM REST rate; the fake enforces 10 per second (above atsgate's 5/s) and
    // caps pages at 50 rows. Files keep Oracle's document categories (IRC_CANDIDATE_RESUME, …).
    timeScale: 1,
    fakeLimit: { requests: 10, windowMs: 1000 },
    start: () => startOracleFake({ candidateCount: 24, rateLimit: { limit: 10, windowMs: 1000 } }),
  },
];

/**
 * Wraps atsgate's limiter so that integrations of a tool (integration ids and the credential
 * probe's key both start with "<tool>:") get their vendor window divided by that tool's time
 * scale. The real limiting algorithm still decides every request.
 */
export class TimeScaledLimiter implements RateLimiter {
  constructor(
    private readonly inner: RateLimiter,
    private readonly scales: Record<string, number>,
  ) {}

  acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void> {
    const scale = this.scales[key.split(':')[0]] ?? 1;
    return this.inner.acquire(key, scale === 1 ? spec : { requests: spec.requests, perMs: spec.perMs / scale }, signal);
  }

  /** The fakes' rate-limit headers already speak in compressed time: passed on as they are. */
  async observe(key: string, feedback: RateLimitFeedback): Promise<void> {
    await this.inner.observe?.(key, feedback);
  }
}

/** A loopback file server for `data_url` attachments; `put` registers a file under a path. */
export async function startFileServer(): Promise<{
  url: string;
  put(path: string, contentType: string, body: Buffer): string;
  close(): Promise<void>;
}> {
  const files = new Map<string, { contentType: string; body: Buffer }>();
  const server: Server = createServer((req, res) => {
    const f = files.get(req.url ?? '');
    if (!f) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': f.contentType, 'content-length': String(f.body.length) });
    res.end(f.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    put(path, contentType, body) {
      files.set(path, { contentType, body });
      return url + path;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Drains an SDK page iterator (each page has `result.data.results`). */
export async function allPages<T>(first: AsyncIterable<{ result: { data: { results: T[] } } }>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  for await (const page of first) {
    pages++;
    items.push(...page.result.data.results);
  }
  return { items, pages };
}

/** Polls `check` until it returns true, at most `tries` times, `delayMs` apart. */
export async function eventually(check: () => Promise<boolean>, tries = 300, delayMs = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, delayMs));
  }
  return false;
}
