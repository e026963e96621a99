/**
 * Idempotency keys on writes (atsgate extension; the semantics of the well-known payment APIs).
 *
 * A request with `Idempotency-Key: <key>` is fingerprinted (integration, method, path,
 * sync/async mode, canonical JSON body) and the key claimed in PostgreSQL, per account and
 * endpoint path, before the write runs:
 * - first use: the write runs; its response is stored when it is final for this request (2xx,
 *   or a 4xx that is the caller's fault), and released otherwise (5xx, REMOTE.*, rate and
 *   concurrency limits, integration state), so that a retry with the same key can succeed;
 * - same key, same request, finished: the stored status and body are sent again, with
 *   `Idempotent-Replayed: true`, and the ATS is not called;
 * - same key, different request: 409 PLATFORM.INPUT_INVALID;
 * - same key while the first request still runs: this request waits for it (up to
 *   WAIT_FOR_FIRST_MS) and replays its response, else answers 409 with Retry-After.
 * Requests that fail schema validation never reach the claim, so nothing is stored for them.
 *
 * This file is only the wrapper (fastify hooks on the write routes): the write path itself
 * (src/writes/service.ts) knows nothing of keys.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.ts';
import { AtsgateError, inputInvalid, type ErrorCode } from '../errors.ts';
import { claimKey, completeKey, releaseKey, renewKey, type KeyRef } from '../store/idempotency.ts';
import type { Queryable } from '../store/db.ts';
import { PROCESS_ID, prefersAsync } from './outbox.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
/** Visible ASCII without spaces, like the payment APIs' keys (UUIDs, ULIDs, hashes all fit). */
const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;
const WAIT_FOR_FIRST_MS = 20_000;

/**
 * Errors that say the request itself is wrong: retrying the same request cannot succeed, so
 * the answer is final and stored. Everything else (ATS down or limiting, our 5xx, limits,
 * integration not ready or inactive, credentials) may pass on a retry and is not stored.
 */
const CALLER_FAULT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PLATFORM.INPUT_INVALID',
  'INTEGRATION.ACTION_NOT_AVAILABLE',
  'INTEGRATION.MODEL_NOT_AVAILABLE',
  'ATS.JOB_CLOSED',
  'ATS.APPLICATION_ALREADY_EXISTS',
]);

/** The key from the request, validated; null when the header is absent. */
export function idempotencyKeyOf(req: FastifyRequest): string | null {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (Array.isArray(raw) && raw.length > 1) throw inputInvalid('Send the Idempotency-Key header once.');
  if (!KEY_PATTERN.test(key)) {
    throw inputInvalid('The Idempotency-Key header must be 1 to 255 visible ASCII characters without spaces (a UUID is a good choice).');
  }
  return key;
}

/** JSON with object keys sorted, so that {a,b} and {b,a} are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestFingerprint(req: FastifyRequest, path: string): string {
  const integration = req.headers['x-integration-id'] ?? null;
  return createHash('sha256')
    .update(canonicalJson({ integration, method: req.method, path, async: prefersAsync(req.headers), body: req.body ?? null }))
    .digest('hex');
}

/** Whether a finished response is the final answer to its request (stored) or may change on retry (released). */
export function isFinalResponse(statusCode: number, body: string): boolean {
  if (statusCode < 400) return true;
  if (statusCode >= 500) return false;
  try {
    return CALLER_FAULT.has(JSON.parse(body)?.error?.code);
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Held {
  ref: KeyRef;
  stopRenewing: () => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The Idempotency-Key this request claimed, until its response is recorded (onSend). */
    idempotencyHold: Held | null;
  }
}

/**
 * Stores the key's answer now, inside the caller's transaction (the asynchronous write's outbox
 * insert), instead of in onSend after the answer is built: `body` must be exactly what will be
 * sent. Does nothing when the request holds no key. onSend then finds the key completed.
 */
export async function completeHeldKey(
  q: Queryable,
  req: FastifyRequest,
  r: { statusCode: number; body: string; logId: string },
): Promise<void> {
  const h = req.idempotencyHold;
  if (!h) return;
  await completeKey(q, h.ref, PROCESS_ID, r);
}

/** Idempotency-Key for the write routes of `app` (an encapsulated plugin): a request field and two hooks. */
export function registerIdempotency(app: FastifyInstance<any, any, any, any, any>, rt: Runtime): void {
  const { preHandler, onSend } = idempotencyHooks(rt);
  app.decorateRequest('idempotencyHold', null);
  app.addHook('preHandler', preHandler);
  app.addHook('onSend', onSend);
}

/** preHandler + onSend hooks for the write routes. */
function idempotencyHooks(rt: Runtime) {
  const lease = rt.config.writeLeaseSeconds;

  async function preHandler(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const key = idempotencyKeyOf(req);
    if (key === null || !req.auth) return;
    const path = req.url.split('?')[0];
    const ref: KeyRef = { accountId: req.auth.accountId, path, key };
    const fingerprint = requestFingerprint(req, path);
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
      const claim = await claimKey(rt.db, ref, {
        fingerprint,
        owner: PROCESS_ID,
        ttlHours: rt.config.idempotencyTtlHours,
        leaseSeconds: lease,
      });
      switch (claim.kind) {
        case 'claimed': {
          const t = setInterval(() => void renewKey(rt.db, ref, PROCESS_ID, lease).catch(() => undefined), (lease * 1000) / 3);
          t.unref?.();
          req.idempotencyHold = { ref, stopRenewing: () => clearInterval(t) };
          return;
        }
        case 'replay':
          reply.code(claim.statusCode).type('application/json; charset=utf-8').header(REPLAYED_HEADER, 'true');
          if (claim.logId) reply.header('x-atsgate-log-id', claim.logId);
          return reply.send(claim.body);
        case 'conflict':
          throw new AtsgateError(
            'PLATFORM.INPUT_INVALID',
            `Idempotency-Key "${key.slice(0, 60)}" was already used for a different request to ${req.method} ${path} (another body, integration or Prefer mode). Use a new key for a new request.`,
            { status: 409 },
          );
        case 'in_progress':
          if (Date.now() + pause > deadline) {
            throw new AtsgateError(
              'PLATFORM.CONCURRENCY_LIMIT_EXCEEDED',
              `A request with Idempotency-Key "${key.slice(0, 60)}" is still in progress; retry shortly to get its response.`,
              {
                status: 409,
                headers: { 'retry-after': '1' },
              },
            );
          }
          await sleep(pause);
      }
    }
  }

  /** Stores the response (or frees the key) before it leaves, so a retry that follows it replays it. */
  async function onSend(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const h = req.idempotencyHold;
    if (!h) return payload;
    req.idempotencyHold = null;
    h.stopRenewing();
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    try {
      if (body !== null && isFinalResponse(reply.statusCode, body)) {
        await completeKey(rt.db, h.ref, PROCESS_ID, { statusCode: reply.statusCode, body, logId: req.logId });
      } else {
        await releaseKey(rt.db, h.ref, PROCESS_ID);
      }
    } catch (err) {
      // The response still goes out; the key frees itself when its lease lapses.
      req.log.error({ err: { message: (err as Error)?.message } }, 'could not record the idempotency key outcome');
    }
    return payload;
  }

  return { preHandler, onSend };
}
