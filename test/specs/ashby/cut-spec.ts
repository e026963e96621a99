/**
 * Cuts the operations atsgate's Ashby connector calls out of Ashby's OpenAPI 3.1 document
 * (see PROVENANCE.md) into ashby-openapi.cut.json, so the test fake can validate against it.
 *
 * Ashby's document reuses schemas by pointing into *other* operations and into `webhooks`
 * (`#/paths/~1job.info/post/...`). Every such target outside the kept operations is copied
 * under `components/schemas` and the reference rewritten, so the cut file stands alone and
 * contains no operation the connector does not call (the fake runs with strictPaths).
 *
 *   node --import tsx test/specs/ashby/cut-spec.ts <ashby-openapi.yml>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

export const KEPT = [
  'apiKey.info', 'candidate.list', 'candidate.info', 'application.list', 'application.info', 'file.info', 'job.list',
  'interviewStage.list', 'customField.list', 'customField.setValues', 'candidate.createNote',
  'assessment.addCompletedToCandidate', 'file.createFileUploadHandle', 'candidate.uploadFile', 'candidate.uploadResume',
  'candidateTag.list', 'candidateTag.create', 'candidate.addTag', 'candidate.removeTag', 'user.list',
  'application.changeStage', 'archiveReason.list',
  'webhook.create', 'webhook.delete',
].map((op) => `/${op}`);

type Json = any;

function resolve(doc: Json, ref: string): Json {
  return ref.slice(2).split('/').reduce((n: Json, part) => n?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

export function cut(doc: Json): Json {
  const keptPrefixes = KEPT.map((p) => `#/paths/${p.replace(/~/g, '~0').replace(/\//g, '~1')}/`);
  const copied = new Map<string, string>(); // original pointer → new component name
  const schemas: Record<string, Json> = {};
  const nameOf = (ref: string) => ref.slice(2).replace(/~1/g, '').replace(/application~1json|[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');

  const rewrite = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/') && !keptPrefixes.some((p) => v.startsWith(p))) {
        let name = copied.get(v);
        if (!name) {
          name = nameOf(v);
          copied.set(v, name);
          schemas[name] = {}; // reserve first: references may be cyclic
          schemas[name] = rewrite(resolve(doc, v));
        }
        out.$ref = `#/components/schemas/${name}`;
      } else out[k] = rewrite(v);
    }
    return out;
  };

  const paths: Json = {};
  for (const p of KEPT) {
    if (!doc.paths[p]) throw new Error(`the spec has no ${p}`);
    paths[p] = rewrite(doc.paths[p]);
  }
  for (const node of [paths, schemas]) overlappingOneOfToAnyOf(node);
  for (const item of Object.values<Json>(paths)) successDecidesTheBranch(item.post);
  return {
    openapi: doc.openapi,
    info: { ...doc.info, description: `${doc.info.description} (cut to the operations atsgate calls; see PROVENANCE.md)` },
    servers: doc.servers,
    security: doc.security,
    paths,
    components: { securitySchemes: doc.components.securitySchemes, schemas },
  };
}

/**
 * The one correction (PROVENANCE.md): a `oneOf` whose alternatives include two or more plain
 * JSON strings (custom field values: String, Date, Url, ValueSelect, UUID…) can never accept a
 * string, since a string matches several alternatives; JSON Schema's `anyOf` is what it means.
 */
function overlappingOneOfToAnyOf(node: Json): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(overlappingOneOfToAnyOf);
  if (Array.isArray(node.oneOf) && node.oneOf.filter((alt: Json) => alt?.type === 'string').length >= 2) {
    node.anyOf = node.oneOf;
    delete node.oneOf;
  }
  for (const v of Object.values(node)) overlappingOneOfToAnyOf(v);
}

/**
 * The second correction (PROVENANCE.md): each 200 response is `oneOf` [success, error], but some
 * success branches do not require `results`, so an error body matches both and fails `oneOf`.
 * `success` ("whether the response is considered successful") is what tells them apart: the
 * branches are pinned to `success: true` and `success: false`, in place (other operations'
 * `$ref`s point into these branches by index, so their shape must not move).
 */
function successDecidesTheBranch(op: Json): void {
  const schema = op?.responses?.['200']?.content?.['application/json']?.schema;
  if (!Array.isArray(schema?.oneOf) || schema.oneOf.length !== 2) return;
  schema.oneOf.forEach((alt: Json, i: number) => {
    alt.properties = { ...alt.properties, success: { ...alt.properties?.success, const: i === 0 } };
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const src = process.argv[2];
  if (!src) throw new Error('usage: cut-spec.ts <ashby-openapi.yml>');
  const out = cut(parse(readFileSync(src, 'utf8')));
  writeFileSync(new URL('./ashby-openapi.cut.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
  console.log(`kept ${Object.keys(out.paths).length} operations, ${Object.keys(out.components.schemas).length} copied schemas`);
}
