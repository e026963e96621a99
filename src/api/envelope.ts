/** Kombo's response envelopes. The SDK is strict about both, so they are built in one place. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AtsgateError, ERROR_CATALOGUE, GENERAL_CODES, type ErrorCode } from '../errors.ts';

/** Success for actions (writes, attachment reads): `warnings` is required there. */
export function action(data: unknown, warnings: string[]) {
  return { status: 'success' as const, data, warnings: warnings.map((message) => ({ message })) };
}

/** Success for lists and general endpoints: no `warnings` key. */
export function ok(data: unknown) {
  return { status: 'success' as const, data };
}

export interface ErrorBody {
  status: 'error';
  error: { code: ErrorCode | null; title: string | null; message: string; log_url: string | null };
}

/** Routes outside /v1/ats may only use PLATFORM.* codes (the SDK's general error family). */
function familyCode(req: FastifyRequest, code: ErrorCode): ErrorCode {
  const ats = /^\/v1\/(ats|assessment)\//.test(req.url);
  return ats || GENERAL_CODES.has(code) ? code : 'PLATFORM.UNKNOWN_ERROR';
}

export function sendError(req: FastifyRequest, reply: FastifyReply, err: AtsgateError, logUrl: string | null): FastifyReply {
  const code = familyCode(req, err.code);
  const body: ErrorBody = {
    status: 'error',
    error: { code, title: ERROR_CATALOGUE[code].title, message: err.message, log_url: logUrl },
  };
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  return reply.code(err.status).type('application/json; charset=utf-8').send(body);
}
