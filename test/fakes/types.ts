/**
 * What every vendor fake exposes, so that one end-to-end suite (through the official SDK and
 * the atsgate server) can drive any connector. Vendor-specific assertions live in each
 * connector's own test file.
 */
import type { FakeServer } from './server.ts';
import type { FakeVendorWebhooks } from './webhook-sender.ts';

export interface VendorFake {
  tool: string;
  server: FakeServer;
  /** Base URL to store in the integration's config (overrides the vendor's production host). */
  url: string;
  /** Credentials the fake accepts / refuses, shaped like the connector's credential schema. */
  credentials: Record<string, unknown>;
  badCredentials: Record<string, unknown>;
  stop(): Promise<void>;
  /** The next n requests (any path) fail with this status and the vendor's real headers/body. */
  failNext(n: number, status: 429 | 500 | 503): void;
  /** Remote ids of seeded records (at least 3 candidates with an application each, 2 jobs). */
  candidateRemoteIds(): string[];
  applicationRemoteIds(): string[];
  jobRemoteIds(): string[];
  /** Remote ids of the users GET /v1/ats/users should show: [] where the connector reads none. */
  userRemoteIds(): string[];
  /** Deletes a candidate upstream (and its applications), as if removed in the ATS. */
  deleteCandidate(remoteId: string): void;
  /**
   * Everything the fake holds that a result link may have become on a candidate or one of its
   * applications, flattened to text (notes, link entries, custom field values, assessment
   * results), so a generic test can check that label, url and attribute values all landed.
   */
  resultTextFor(candidateRemoteId: string): string;
  /** Files stored on the candidate (or its applications): name, vendor type, bytes. */
  filesFor(candidateRemoteId: string): { name: string; type: string; data: Buffer }[];
  /** The candidate's tags as the ATS holds them (names; empty where the ATS has no tags). */
  tagsFor(candidateRemoteId: string): string[];
  /**
   * The application as the ATS holds it now: the remote id of its current stage (as the
   * connector's job stages name it), whether it is rejected (archived, disqualified) and the
   * reason's remote id. Null: no such application.
   */
  applicationStatus(applicationRemoteId: string): { stage: string | null; rejected: boolean; reason: string | null } | null;
  /** The largest number of requests the fake saw within its documented rate-limit window. */
  peakRate(): number;
  /** The vendor's own webhooks, where the fake models them (src/webhooks/vendor/). */
  webhooks?: FakeVendorWebhooks;
}
