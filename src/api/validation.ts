/**
 * Turns Ajv's validation errors into one sentence that names the field, e.g.
 * `Invalid request body: "attachment.type" must be one of CV, COVER_LETTER, OTHER.`
 */
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';

const PART: Record<string, string> = { body: 'request body', querystring: 'query parameter', params: 'path parameter', headers: 'header' };

export function describeValidation(errors: FastifySchemaValidationError[], context: string): string {
  const e = pickMostSpecific(errors);
  const path = e.instancePath
    .replace(/^\//, '')
    .split('/')
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : s))
    .join('.')
    .replace(/\.\[/g, '[');
  const p = e.params as Record<string, any>;
  const field = (name: string) => `"${name}"`;
  const where = PART[context] ?? context;
  switch (e.keyword) {
    case 'required':
      return `Invalid ${where}: ${field(path ? `${path}.${p.missingProperty}` : p.missingProperty)} is required.`;
    case 'type':
      if (!path && context === 'body') return 'Invalid request body: it must be a JSON object.';
      return `Invalid ${where}: ${field(path)} must be of type ${p.type}.`;
    case 'enum':
      return `Invalid ${where}: ${field(path)} must be one of ${(p.allowedValues as string[]).join(', ')}.`;
    case 'const':
      return `Invalid ${where}: ${field(path)} must be ${JSON.stringify(p.allowedValue)}.`;
    case 'maxLength':
      return `Invalid ${where}: ${field(path)} must be at most ${p.limit} characters long.`;
    case 'minLength':
      return `Invalid ${where}: ${field(path)} must not be empty.`;
    case 'maxItems':
      return `Invalid ${where}: ${field(path)} must have at most ${p.limit} items.`;
    case 'pattern':
      return `Invalid ${where}: ${field(path)} ${patternHint(path)}.`;
    default:
      return `Invalid ${where}: ${field(path || '(root)')} ${e.message ?? 'is invalid'}.`;
  }
}

function patternHint(path: string): string {
  if (/(^|\.)(url|data_url)$/.test(path)) return 'must be an absolute http(s) URL';
  if (path.endsWith('content_type')) return 'must be a MIME type like "application/pdf" (type/subtype, no parameters)';
  if (path.endsWith('name')) return 'must be a file name without path separators or control characters';
  if (/updated_after|created_after|^before$/.test(path)) return 'must be an ISO-8601 date-time such as 2024-01-01T00:00:00.000Z';
  if (path === 'page_size') return 'must be a whole number';
  return 'contains characters that are not allowed';
}

/** Union schemas produce one error per branch; the 'const' ones are noise next to others. */
function pickMostSpecific(errors: FastifySchemaValidationError[]): FastifySchemaValidationError {
  const literal = errors.filter((e) => e.keyword === 'const');
  if (literal.length > 1 && literal.every((e) => e.instancePath === literal[0].instancePath)) {
    return {
      ...literal[0],
      keyword: 'enum',
      params: { allowedValues: literal.map((e) => (e.params as any).allowedValue) },
    } as FastifySchemaValidationError;
  }
  return errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'const') ?? errors[0];
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, nor an unpaired UTF-16 surrogate (both are
 * valid in JSON and in percent-encoded URLs), and its JSON parser recurses per nesting level.
 * Without this check such input reached the database (the interaction log stores the request)
 * and failed there as a 500; now it is refused up front with a message naming the field.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const MAX_JSON_DEPTH = 32;

export function unstorableInput(value: unknown, where: string): string | null {
  // Iterative walk: a hostile body may be nested thousands of levels deep.
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length) {
    const [v, fullPath, depth] = stack.pop()!;
    const path = fullPath.length > 200 ? `${fullPath.slice(0, 200)}…` : fullPath;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v))
        return `Invalid ${where}: "${path || '(root)'}" contains a NUL character or an unpaired surrogate, which cannot be stored.`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `Invalid ${where}: "${path || '(root)'}" is nested more than ${MAX_JSON_DEPTH} levels deep.`;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (UNSTORABLE.test(k))
        return `Invalid ${where}: a key in "${path || '(root)'}" contains a NUL character or an unpaired surrogate, which cannot be stored.`;
      stack.push([child, Array.isArray(v) ? `${fullPath}[${k}]` : fullPath ? `${fullPath}.${k}` : k, depth + 1]);
    }
  }
  return null;
}
