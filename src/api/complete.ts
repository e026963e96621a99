/**
 * Sends every key Kombo's models require. Records are stored as the sync normalised them, and
 * Kombo's models keep gaining required-but-nullable keys (a stage's `status`, …); rather than
 * rewrite stored data, each answer is completed on the way out from the response schema in
 * src/api/responses.ts, the one source of truth: a required key that may be null and is
 * missing is sent as null. Values present are never touched, nor keys the schema does not name.
 */
import type { TSchema } from '@sinclair/typebox';

type Schema = TSchema & { type?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; anyOf?: Schema[] };

const acceptsNull = (s: Schema) => s.type === 'null' || (s.anyOf?.some(acceptsNull) ?? false);
const nonNull = (s: Schema): Schema | undefined => {
  if (!s.anyOf) return s;
  const rest = s.anyOf.filter((a) => a.type !== 'null');
  return rest.length === 1 ? rest[0] : undefined;
};

export function completeToSchema<T>(value: T, schema: TSchema): T {
  fill(value, schema as Schema);
  return value;
}

function fill(value: unknown, schema: Schema | undefined): void {
  if (!schema || value === null || value === undefined) return;
  const s = nonNull(schema);
  if (!s) return;
  if (s.type === 'array' && Array.isArray(value)) {
    for (const item of value) fill(item, s.items);
    return;
  }
  if (s.type !== 'object' || !s.properties || typeof value !== 'object' || Array.isArray(value)) return;
  const obj = value as Record<string, unknown>;
  for (const [key, sub] of Object.entries(s.properties)) {
    if (obj[key] === undefined) {
      if (s.required?.includes(key) && acceptsNull(sub)) obj[key] = null;
      continue;
    }
    fill(obj[key], sub);
  }
}
