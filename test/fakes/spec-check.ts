/**
 * Checks what a fake receives and sends against the vendor's own machine-readable contract
 * (OpenAPI 3.0/3.1 or Swagger 2.0, kept under test/specs/ with its provenance), so a fake
 * cannot drift into agreeing with the connector: a request body or response the vendor's
 * schema rejects, a field the schema does not declare, or (with `strictPaths`) a path the
 * spec does not have, is recorded as a violation and fails the test (FakeServer.stop throws).
 *
 * JSON Schema validation is Ajv's (draft 2020-12, which also reads the OpenAPI 3.0/Swagger
 * subset once `nullable` is turned into a type union). Undeclared fields are found by a
 * separate walk, because vendor specs rarely say `additionalProperties: false` and adding it
 * would break their allOf compositions.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

type Json = any;

export interface SpecCheckOptions {
  /** Shown in violations: "Ashby OpenAPI". */
  label: string;
  /** The spec's paths are relative to this prefix of the fake's request paths ("/v1"). */
  basePath?: string;
  /** A request to a path under basePath that the spec lacks is a violation. */
  strictPaths?: boolean;
  /** Paths (regexps on the full request path) that the spec does not cover and are checked elsewhere. */
  ignorePaths?: RegExp[];
  /** Report fields present in bodies but declared nowhere in the schema (default true). */
  noUndeclared?: boolean;
}

interface Operation {
  template: string;
  pattern: RegExp;
  method: string;
  op: Json;
  pathItem: Json;
}

export class SpecCheck {
  readonly violations: string[] = [];
  private readonly ajv: Ajv2020;
  private readonly ops: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly swagger: boolean;

  constructor(
    private readonly doc: Json,
    readonly opts: SpecCheckOptions,
  ) {
    this.swagger = typeof doc.swagger === 'string';
    normaliseNullable(doc);
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: true });
    addFormats(this.ajv);
    // OpenAPI 3.0 / Swagger formats Ajv does not know: accept them.
    for (const f of [
      'int32',
      'int64',
      'float',
      'double',
      'byte',
      'binary',
      'password',
      'uuid',
      'date',
      'date-time',
      'uri',
      'email',
      'url',
    ]) {
      if (!this.ajv.formats[f]) this.ajv.addFormat(f, true);
    }
    this.ajv.addSchema(stripForAjv(doc), 'spec');
    for (const [template, pathItem] of Object.entries<Json>(doc.paths ?? {})) {
      for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
        if (!pathItem[method]) continue;
        const pattern = new RegExp(
          '^' +
            template
              .split(/(\{[^}]+\})/)
              .map((p) => (/^\{.+\}$/.test(p) ? '[^/]+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
              .join('') +
            '/?$',
        );
        this.ops.push({ template, pattern, method: method.toUpperCase(), op: pathItem[method], pathItem });
      }
    }
  }

  static fromFile(file: string, opts: SpecCheckOptions): SpecCheck {
    const text = readFileSync(file, 'utf8');
    return new SpecCheck(/\.ya?ml$/.test(file) ? parseYaml(text) : JSON.parse(text), opts);
  }

  /** The spec operation a request path maps to (undefined outside basePath or for unknown paths). */
  operation(method: string, fullPath: string): Operation | undefined {
    const path = this.relative(fullPath);
    if (path === undefined) return undefined;
    return this.ops.find((o) => o.method === method.toUpperCase() && o.pattern.test(path));
  }

  private relative(fullPath: string): string | undefined {
    const p = fullPath.split('?')[0];
    if (this.opts.ignorePaths?.some((r) => r.test(p))) return undefined;
    const base = this.opts.basePath ?? '';
    if (!p.startsWith(base)) return undefined;
    return p.slice(base.length) || '/';
  }

  /** Validates a request; returns (and records) the violations. */
  checkRequest(method: string, fullPath: string, json: unknown, contentType = ''): string[] {
    const path = this.relative(fullPath);
    if (path === undefined) return [];
    const op = this.operation(method, fullPath);
    const where = `${method} ${fullPath}`;
    if (!op) return this.strictPathViolation(where);
    if (json === undefined || /multipart|form-urlencoded/.test(contentType)) return [];
    const pointer = this.requestBodyPointer(op);
    if (!pointer) return this.record([`${where}: the spec defines no JSON request body, but one was sent`]);
    return this.validate(pointer, json, `${where} request`);
  }

  /** Validates a JSON response the fake is about to send. */
  checkResponse(method: string, fullPath: string, status: number, json: unknown): string[] {
    const op = this.operation(method, fullPath);
    if (!op || json === undefined) return [];
    const responses = op.op.responses ?? {};
    const key =
      String(status) in responses
        ? String(status)
        : `${String(status)[0]}XX` in responses
          ? `${String(status)[0]}XX`
          : 'default' in responses
            ? 'default'
            : undefined;
    const where = `${method} ${fullPath} → ${status}`;
    if (!key)
      return status >= 400 ? [] : this.record([`${where}: the spec documents no ${status} response for ${op.method} ${op.template}`]);
    const pointer = this.responsePointer(op, key);
    return pointer ? this.validate(pointer, json, where) : [];
  }

  private strictPathViolation(where: string): string[] {
    return this.opts.strictPaths ? this.record([`${where}: no such operation in the ${this.opts.label}`]) : [];
  }

  private requestBodyPointer(op: Operation): string | undefined {
    const base = `#/paths/${esc(op.template)}/${op.method.toLowerCase()}`;
    if (this.swagger) {
      const i = (op.op.parameters ?? []).findIndex((p: Json) => this.deref(p).in === 'body');
      return i >= 0 ? `${base}/parameters/${i}/schema` : undefined;
    }
    const content = this.deref(op.op.requestBody)?.content ?? {};
    const media = Object.keys(content).find((m) => /json/.test(m));
    if (!media) return undefined;
    const rb = op.op.requestBody?.$ref ? op.op.requestBody.$ref : `${base}/requestBody`;
    return `${rb}/content/${esc(media)}/schema`;
  }

  private responsePointer(op: Operation, key: string): string | undefined {
    const base = `#/paths/${esc(op.template)}/${op.method.toLowerCase()}/responses/${esc(key)}`;
    const res = this.deref(op.op.responses[key]);
    const origin = op.op.responses[key]?.$ref ?? base;
    if (this.swagger) return res?.schema ? `${origin}/schema` : undefined;
    const media = Object.keys(res?.content ?? {}).find((m) => /json/.test(m));
    return media && res.content[media].schema ? `${origin}/content/${esc(media)}/schema` : undefined;
  }

  private validate(pointer: string, data: unknown, where: string): string[] {
    let fn = this.compiled.get(pointer);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `spec${pointer}` });
      this.compiled.set(pointer, fn);
    }
    const out: string[] = [];
    if (!fn(data)) {
      for (const e of fn.errors ?? [])
        out.push(
          `${where}: ${e.instancePath || '(root)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`,
        );
    }
    if (this.opts.noUndeclared !== false) {
      for (const f of undeclared(this.resolvePointer(pointer), data, '', (s) => this.deref(s)))
        out.push(`${where}: ${f} is not declared in the ${this.opts.label}`);
    }
    return this.record(out);
  }

  private record(v: string[]): string[] {
    this.violations.push(...v);
    return v;
  }

  private deref(node: Json): Json {
    let n = node;
    for (let i = 0; n && typeof n === 'object' && typeof n.$ref === 'string' && i < 20; i++) n = this.resolvePointer(n.$ref);
    return n;
  }

  private resolvePointer(ref: string): Json {
    if (!ref.startsWith('#')) return {};
    return ref
      .slice(2)
      .split('/')
      .filter((s) => s !== '')
      .reduce((n: Json, part) => n?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
  }
}

function esc(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** OpenAPI 3.0 / Swagger `nullable: true` (and `x-nullable`) → a JSON Schema type union, in place. */
function normaliseNullable(node: Json): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(normaliseNullable);
  if ((node.nullable === true || node['x-nullable'] === true) && typeof node.type === 'string') node.type = [node.type, 'null'];
  if ((node.nullable === true || node['x-nullable'] === true) && node.enum && !node.enum.includes(null)) node.enum = [...node.enum, null];
  for (const v of Object.values(node)) normaliseNullable(v);
}

/** A copy Ajv can take as one schema: OpenAPI's `example(s)` and `discriminator` are not JSON Schema. */
function stripForAjv(node: Json): Json {
  if (!node || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(stripForAjv);
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'example' || k === 'examples' || k === 'discriminator' || k === 'xml') continue;
    out[k] = stripForAjv(v);
  }
  return out;
}

/**
 * Object keys in `data` that `schema` declares nowhere (through $ref, allOf/anyOf/oneOf,
 * items, properties). A schema with `additionalProperties` (true or a schema) or without any
 * `properties` accepts anything at that level.
 */
function undeclared(schema: Json, data: unknown, at: string, deref: (s: Json) => Json, depth = 0): string[] {
  if (depth > 40 || schema === undefined || schema === true) return [];
  const s = deref(schema);
  if (!s || typeof s !== 'object') return [];
  // allOf parts at any depth declare properties of this object (Ashby nests them:
  // `oneOf: [{allOf: [envelope, {results}], properties: {success}}, error]`).
  const flatten = (x: Json, d: number): Json[] => {
    const y = deref(x);
    if (!y || typeof y !== 'object' || d > 8) return [];
    return [y, ...(y.allOf ?? []).flatMap((z: Json) => flatten(z, d + 1))];
  };
  const branches: Json[] = flatten(s, 0);
  const alternatives: Json[] = [...(s.anyOf ?? []), ...(s.oneOf ?? [])].map(deref);
  if (Array.isArray(data)) {
    const items = branches.map((b) => b.items).find(Boolean);
    if (!items) return [];
    return data.flatMap((d, i) => undeclared(items, d, `${at}[${i}]`, deref, depth + 1));
  }
  if (!data || typeof data !== 'object') return [];
  if (alternatives.length) {
    // Pick the alternative that declares the most of the present keys.
    const results = alternatives.map((alt) =>
      undeclared({ allOf: [alt, ...branches.map((b) => ({ ...b, anyOf: undefined, oneOf: undefined }))] }, data, at, deref, depth + 1),
    );
    return results.reduce((best, r) => (r.length < best.length ? r : best), results[0]);
  }
  const props: Record<string, Json> = {};
  let open = false;
  for (const b of branches) {
    if (b.additionalProperties !== undefined && b.additionalProperties !== false) open = true;
    if (b.patternProperties) open = true;
    Object.assign(props, b.properties ?? {});
  }
  if (!Object.keys(props).length) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    const path = `${at}/${k}`;
    if (k in props) out.push(...undeclared(props[k], v, path, deref, depth + 1));
    else if (!open) out.push(path);
  }
  return out;
}
