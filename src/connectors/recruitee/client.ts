/**
 * The Recruitee HTTP client: Bearer token, every path under `/c/{company_id}` and the
 * fixed-window rate-limit headers are data (`transport` in ./definition.ts); Recruitee's many
 * error-body shapes are read here.
 */
import type { Static } from '@sinclair/typebox';
import type { HttpClient } from '../../http/client.ts';
import type { ConnectorContext } from '../types.ts';
import type { credentialSchema } from './definition.ts';

export type RecruiteeCredentials = Static<typeof credentialSchema>;
export type RecruiteeContext = ConnectorContext<RecruiteeCredentials>;

/** Auth, base URL and rate-limit headers are the definition's transport; error bodies are read here. */
export function recruiteeClient(ctx: RecruiteeContext): HttpClient {
  return ctx.http({ errorMessage: recruiteeErrorMessage });
}

/**
 * Recruitee runs on Phoenix: errors come as `{"errors":{"detail":"Not Found"}}`, validation
 * failures as changeset maps `{"errors":{"body":["can't be blank"]}}`, and some endpoints use
 * `{"error": "..."}` or `{"error": ["..."]}`; a public client also reads `{"errors":[{message,
 * code}]}`. None is documented, so flatten any of them into one sentence.
 */
export function recruiteeErrorMessage(_status: number, body: any): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const parts: string[] = [];
  const collect = (v: unknown, field?: string) => {
    if (typeof v === 'string') parts.push(field && field !== 'detail' ? `${field} ${v}` : v);
    // `errors: [{message, code}]`, as a public client reads them: the message is the sentence.
    else if (Array.isArray(v))
      v.forEach((x) => collect(x && typeof x === 'object' && 'message' in x ? (x as { message: unknown }).message : x, field));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, field ? `${field}.${k}` : k);
  };
  collect(body.errors ?? body.error ?? body.message);
  return parts.length ? parts.join('; ').slice(0, 500) : undefined;
}
