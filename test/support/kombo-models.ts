/**
 * Checks a JSON value against a model of Kombo's newest Python SDK, as extracted into
 * test/specs/kombo/python-sdk-models.json (see extract-python-models.ts there): every required
 * key present, null only where the model allows it, and the types the SDK's parser expects.
 * Extra keys are allowed (the SDK ignores them). Returns the problems as readable paths.
 */
import { readFileSync } from 'node:fs';
import type { Models, TypeExpr } from '../specs/kombo/extract-python-models.ts';

const models: Models = JSON.parse(readFileSync(new URL('../specs/kombo/python-sdk-models.json', import.meta.url), 'utf8'));

export function checkKomboModel(value: unknown, model: string): string[] {
  if (!models.models[model]) throw new Error(`no model ${model} in python-sdk-models.json`);
  const problems: string[] = [];
  check(value, { k: 'ref', name: model }, model, problems, 0);
  return problems;
}

const isDate = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

function check(v: unknown, t: TypeExpr, at: string, out: string[], depth: number): void {
  if (depth > 30) return;
  switch (t.k) {
    case 'any':
    case 'none':
      return;
    case 'nullable':
      if (v !== null) check(v, t.of, at, out, depth + 1);
      return;
    case 'str':
      if (typeof v !== 'string') out.push(`${at}: expected a string, got ${JSON.stringify(v)}`);
      return;
    case 'int':
      if (!Number.isInteger(v)) out.push(`${at}: expected an integer, got ${JSON.stringify(v)}`);
      return;
    case 'float':
      if (typeof v !== 'number') out.push(`${at}: expected a number, got ${JSON.stringify(v)}`);
      return;
    case 'bool':
      if (typeof v !== 'boolean') out.push(`${at}: expected a boolean, got ${JSON.stringify(v)}`);
      return;
    case 'datetime':
    case 'date':
      if (!isDate(v)) out.push(`${at}: expected a date, got ${JSON.stringify(v)}`);
      return;
    case 'dict':
      if (!v || typeof v !== 'object' || Array.isArray(v)) out.push(`${at}: expected an object, got ${JSON.stringify(v)}`);
      return;
    case 'literal':
      if (!t.values.includes(v as string)) out.push(`${at}: expected one of ${JSON.stringify(t.values)}, got ${JSON.stringify(v)}`);
      return;
    case 'list':
      if (!Array.isArray(v)) out.push(`${at}: expected a list, got ${JSON.stringify(v)}`);
      else v.forEach((x, i) => check(x, t.of, `${at}[${i}]`, out, depth + 1));
      return;
    case 'union': {
      // Accept the value if any alternative accepts it; otherwise report the closest one.
      const attempts = t.of.map((alt) => {
        const o: string[] = [];
        check(v, alt, at, o, depth + 1);
        return o;
      });
      if (attempts.some((a) => a.length === 0)) return;
      out.push(...attempts.reduce((a, b) => (b.length < a.length ? b : a)));
      return;
    }
    case 'ref': {
      const alias = models.aliases[t.name];
      if (alias) return check(v, alias, at, out, depth + 1);
      const fields = models.models[t.name];
      if (!fields) return; // an enum or type the extractor does not describe: not judged
      if (!v || typeof v !== 'object' || Array.isArray(v)) {
        out.push(`${at}: expected an object (${t.name}), got ${JSON.stringify(v)}`);
        return;
      }
      const obj = v as Record<string, unknown>;
      for (const [key, f] of Object.entries(fields)) {
        if (!(key in obj) || obj[key] === undefined) {
          if (f.required) out.push(`${at}.${key}: required by ${t.name} but missing`);
          continue;
        }
        check(obj[key], f.type, `${at}.${key}`, out, depth + 1);
      }
    }
  }
}
