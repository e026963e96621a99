/**
 * Builds test/specs/smartrecruiters/customer-api.json: the slice of SmartRecruiters' Customer
 * API spec that the connector calls, as OpenAPI 3.0. SmartRecruiters' own Swagger file is not
 * public in a form we could read, but two SDKs were generated mechanically from it, and their
 * model files carry the spec's schemas:
 *
 *  - roksela/smartrecruiters-python-client (swagger-codegen, 2017): real field types, enums,
 *    required fields and length limits (`swagger_types`, `attribute_map`, setter checks);
 *  - RecruitiFi/smart_recruiters (openapi-generator, 2024): the current field names and required
 *    fields (`attribute_map`, `list_invalid_properties`), enum classes, and operations the 2017
 *    spec did not have yet (the batch property PUT, `GET /candidates/{id}/jobs/{jobId}`). Its
 *    field types are mostly erased to `Object`, so types come from the 2017 spec.
 *
 * A model is the union of both generations' fields; required fields come from the 2024 spec
 * when it has the model. Where the two generations use one name for different objects the
 * script says which one it takes (SOLE_SOURCE below). Run:
 *
 *   node --import tsx test/specs/smartrecruiters/build-spec.ts <python-git-dir> <ruby-git-dir>
 *
 * with the two repositories' git directories (e.g. from the `fetch` tool); it rewrites
 * customer-api.json next to this file. PROVENANCE.md names the commits used.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Schema = Record<string, unknown>;

interface ModelFields {
  /** JSON key → type string in that generator's notation ('' when unknown). */
  types: Map<string, string>;
  required: Set<string>;
  enums: Map<string, string[]>;
  maxLength: Map<string, number>;
  minLength: Map<string, number>;
  /** An enum class (Ruby) rather than an object. */
  enumValues?: string[];
}

const [pyGit, rbGit] = process.argv.slice(2);
if (!pyGit || !rbGit) {
  console.error('usage: build-spec.ts <roksela/smartrecruiters-python-client git dir> <RecruitiFi/smart_recruiters git dir>');
  process.exit(2);
}

const show = (gitDir: string, path: string): string | undefined => {
  try {
    return execFileSync('git', ['--git-dir', gitDir, 'show', `HEAD:${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
};
const head = (gitDir: string) => execFileSync('git', ['--git-dir', gitDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();

/** `{ 'a': 'b', ... }` pairs of a Python dict literal that follows `marker`. */
function pyDict(src: string, marker: string): [string, string][] {
  const at = src.indexOf(marker);
  if (at < 0) return [];
  const body = src.slice(at, src.indexOf('}', at));
  return [...body.matchAll(/'([^']+)':\s*'([^']*)'/g)].map((m) => [m[1], m[2]]);
}

function pythonModel(name: string): ModelFields | undefined {
  const src = show(pyGit, `smartrecruiters_python_client/models/${snake(name)}.py`);
  if (!src) return undefined;
  const types = new Map(pyDict(src, 'self.swagger_types = {'));
  const json = new Map(pyDict(src, 'self.attribute_map = {'));
  const out: ModelFields = { types: new Map(), required: new Set(), enums: new Map(), maxLength: new Map(), minLength: new Map() };
  for (const [attr, type] of types) out.types.set(json.get(attr) ?? attr, type);
  // Setter checks: one block per attribute.
  for (const block of src.split(/@\w+\.setter/).slice(1)) {
    const attr = /def (\w+)\(self/.exec(block)?.[1];
    if (!attr) continue;
    const key = json.get(attr) ?? attr;
    if (/must not be `None`/.test(block)) out.required.add(key);
    const allowed = /allowed_values = \[([^\]]*)\]/.exec(block);
    if (allowed) out.enums.set(key, [...allowed[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]));
    const max = /length must be less than or equal to `(\d+)`/.exec(block);
    if (max) out.maxLength.set(key, Number(max[1]));
    const min = /length must be greater than or equal to `(\d+)`/.exec(block);
    if (min) out.minLength.set(key, Number(min[1]));
  }
  return out;
}

function rubyModel(name: string): ModelFields | undefined {
  const src = show(rbGit, `lib/smart_recruiters/models/${snake(name.replace(/^Model(?=Property)/, ''))}.rb`);
  if (!src) return undefined;
  const out: ModelFields = { types: new Map(), required: new Set(), enums: new Map(), maxLength: new Map(), minLength: new Map() };
  const constants = [...src.matchAll(/^\s+[A-Z0-9_]+ = '([^']*)'\.freeze/gm)].map((m) => m[1]);
  if (constants.length && !/def self\.attribute_map/.test(src)) return { ...out, enumValues: constants };
  const block = (marker: string) => {
    const at = src.indexOf(marker);
    return at < 0 ? '' : src.slice(at, src.indexOf('\n    end', at));
  };
  const json = new Map([...block('def self.attribute_map').matchAll(/:'(\w+)' => :'(\w+)'/g)].map((m) => [m[1], m[2]]));
  const types = new Map([...block('def self.openapi_types').matchAll(/:'(\w+)' => :'([^']*)'/g)].map((m) => [m[1], m[2]]));
  for (const [attr, key] of json) out.types.set(key, types.get(attr) ?? '');
  for (const m of src.matchAll(/invalid value for "(\w+)", \1 cannot be nil/g)) out.required.add(json.get(m[1]) ?? m[1]);
  for (const m of src.matchAll(/(\w+)_validator = EnumAttributeValidator\.new\('[^']*', \[([^\]]*)\]\)/g)) {
    out.enums.set(json.get(m[1]) ?? m[1], [...m[2].matchAll(/'([^']*)'/g)].map((x) => x[1]));
  }
  return out;
}

/**
 * Names the two generations use for different objects. `python`: only the 2017 model is the
 * object the connector meets (the 2024 `Attachment` is the Application API's base64 upload);
 * `ruby`: only the 2024 model (the 2017 `CandidatePropertyValue` is a select option's label).
 */
const SOLE_SOURCE: Record<string, 'python' | 'ruby'> = {
  Attachment: 'python',
  Attachments: 'python',
  CandidatePropertyValue: 'ruby',
  Application: 'ruby',
};

/**
 * 2024-only models whose fields have no types in the Ruby files: the 2017 model with the same
 * fields lends them (Application is the candidate × job assignment of CandidateDetails).
 */
const TYPES_FROM: Record<string, string> = { Application: 'Assignment' };

/**
 * Field types neither generation names: the 2017 `Users.content` is `list[ERRORUNKNOWN]` (its
 * generator could not resolve the item) and the 2024 one is `Object`. The item is the user list
 * item model both generations have (`UserListItem`, `user_list_item.py` / `user_list_item.rb`).
 */
const FIELD_TYPES: Record<string, string> = { 'Users.content': 'list[UserListItem]' };

const schemas: Record<string, Schema> = {};

function typeSchema(type: string): Schema {
  const t = type.trim();
  if (!t || t === 'Object' || t === 'object') return {};
  const list = /^(?:list\[(.+)\]|Array<(.+)>)$/.exec(t);
  if (list) return { type: 'array', items: typeSchema(list[1] ?? list[2]) };
  const dict = /^(?:dict\(str, (.+)\)|Hash<String, (.+)>)$/.exec(t);
  if (dict) return { type: 'object', additionalProperties: typeSchema(dict[1] ?? dict[2]) };
  const prim: Record<string, Schema> = {
    str: { type: 'string' }, String: { type: 'string' }, bool: { type: 'boolean' }, Boolean: { type: 'boolean' },
    int: { type: 'integer' }, Integer: { type: 'integer' }, float: { type: 'number' }, Float: { type: 'number' },
    datetime: { type: 'string', format: 'date-time' }, Time: { type: 'string', format: 'date-time' },
    date: { type: 'string', format: 'date' }, Date: { type: 'string', format: 'date' }, file: { type: 'string', format: 'binary' },
  };
  if (prim[t]) return prim[t];
  model(t);
  return { $ref: `#/components/schemas/${t}` };
}

function model(name: string): void {
  if (name in schemas) return;
  schemas[name] = {}; // placeholder against cycles
  const sole = SOLE_SOURCE[name];
  const py = sole === 'ruby' ? undefined : pythonModel(name);
  const rb = sole === 'python' ? undefined : rubyModel(name);
  const lender = TYPES_FROM[name] ? pythonModel(TYPES_FROM[name]) : undefined;
  if (!py && !rb) throw new Error(`model ${name} is in neither SDK`);
  if (rb?.enumValues) {
    schemas[name] = { type: 'string', enum: rb.enumValues };
    return;
  }
  if (py && py.types.size === 0 && !rb) {
    schemas[name] = { type: 'string' }; // a 2017 enum class without values
    return;
  }
  const keys = new Set([...(py?.types.keys() ?? []), ...(rb?.types.keys() ?? [])]);
  const properties: Record<string, Schema> = {};
  for (const key of keys) {
    const pyType = FIELD_TYPES[`${name}.${key}`] ?? py?.types.get(key) ?? lender?.types.get(key) ?? '';
    const rbType = rb?.types.get(key) ?? '';
    const s: Schema = { ...typeSchema(pyType || rbType) };
    const e = rb?.enums.get(key) ?? py?.enums.get(key);
    if (e && s.type === 'array') s.items = { type: 'string', enum: e };
    else if (e) Object.assign(s, { type: 'string', enum: e });
    const max = py?.maxLength.get(key);
    if (max !== undefined) s.maxLength = max;
    const min = py?.minLength.get(key);
    if (min !== undefined) s.minLength = min;
    properties[key] = s;
  }
  const required = [...(rb ? rb.required : py!.required)].filter((k) => keys.has(k));
  schemas[name] = { type: 'object', ...(required.length ? { required } : {}), properties };
}

const json = (ref: string) => ({ content: { 'application/json': { schema: typeSchema(ref) } } });
const errors = { default: { description: 'ErrorResponse', ...json('ErrorResponse') } };

/** The operations the connector calls (paths and return types as in the 2024 SDK's *_api.rb). */
const paths = {
  '/jobs': { get: { operationId: 'jobs_all', responses: { '200': { description: 'Jobs', ...json('Jobs') }, ...errors } } },
  '/jobs/{id}': { get: { operationId: 'jobs_get', responses: { '200': { description: 'JobDetails', ...json('JobDetails') }, ...errors } } },
  '/users': { get: { operationId: 'users_all', responses: { '200': { description: 'Users', ...json('Users') }, ...errors } } },
  '/candidates': { get: { operationId: 'candidates_all', responses: { '200': { description: 'Candidates', ...json('Candidates') }, ...errors } } },
  '/candidates/{id}': { get: { operationId: 'candidates_get', responses: { '200': { description: 'CandidateDetails', ...json('CandidateDetails') }, ...errors } } },
  '/candidates/{id}/jobs/{jobId}': {
    get: { operationId: 'candidates_get_application', responses: { '200': { description: 'Application', ...json('Application') }, ...errors } },
  },
  '/candidates/{id}/jobs/{jobId}/properties': {
    put: {
      operationId: 'candidates_properties_values_batch_update_for_job',
      requestBody: { content: { 'application/json': { schema: { type: 'array', items: typeSchema('CandidatePropertyValue') } } } },
      responses: { '204': { description: 'updated' }, ...errors },
    },
  },
  '/candidates/{id}/jobs/{jobId}/status': {
    put: {
      operationId: 'candidates_status_update',
      requestBody: json('CandidateStatus'),
      responses: { '204': { description: 'updated' }, ...errors },
    },
  },
  '/configuration/rejection-reasons': {
    get: { operationId: 'configuration_reasons_rejection_all', responses: { '200': { description: 'Properties', ...json('Properties') }, ...errors } },
  },
  '/configuration/candidate-properties': {
    get: { operationId: 'configuration_candidate_properties_all', responses: { '200': { description: 'list', ...json('CandidatePropertyDefinitionList') }, ...errors } },
  },
  '/messages/shares': {
    post: {
      operationId: 'messages_shares_create',
      requestBody: json('Message'),
      responses: { '201': { description: 'MessageDetails', ...json('MessageDetails') }, ...errors },
    },
  },
  '/candidates/{id}/attachments': {
    get: { operationId: 'candidates_attachments_list', responses: { '200': { description: 'Attachments', ...json('Attachments') }, ...errors } },
    post: {
      operationId: 'candidates_attachments_add',
      requestBody: {
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: { attachmentType: { type: 'string', enum: ['GENERIC_FILE', 'RESUME', 'COVER_LETTER'] }, file: { type: 'string', format: 'binary' } },
            },
          },
        },
      },
      responses: { '201': { description: 'Attachment', ...json('Attachment') }, ...errors },
    },
  },
  // Candidate tags (both generations: candidates_tags_get/add/replace/delete, model CandidateTags {tags}).
  // Neither names a success status; 200 and 201 are both declared for the POST.
  '/candidates/{id}/tags': {
    get: { operationId: 'candidates_tags_get', responses: { '200': { description: 'CandidateTags', ...json('CandidateTags') }, ...errors } },
    post: {
      operationId: 'candidates_tags_add',
      requestBody: json('CandidateTags'),
      responses: {
        '200': { description: 'CandidateTags', ...json('CandidateTags') },
        '201': { description: 'CandidateTags', ...json('CandidateTags') },
        ...errors,
      },
    },
    put: {
      operationId: 'candidates_tags_replace',
      requestBody: json('CandidateTags'),
      responses: { '200': { description: 'CandidateTags', ...json('CandidateTags') }, ...errors },
    },
    delete: { operationId: 'candidates_tags_delete', responses: { '204': { description: 'deleted' }, ...errors } },
  },
  '/candidates/{id}/attachments/{attachmentId}': {
    // The spec declares no response body ("void"): bytes or a redirect, see PROVENANCE.md.
    get: { operationId: 'candidates_attachments_get', responses: { '200': { description: 'the file' }, ...errors } },
  },
};

const doc = {
  openapi: '3.0.3',
  info: {
    title: 'SmartRecruiters Customer API (slice rebuilt from generated SDK models)',
    version: `python ${head(pyGit).slice(0, 12)} + ruby ${head(rbGit).slice(0, 12)}`,
  },
  servers: [{ url: 'https://api.smartrecruiters.com' }],
  paths,
  components: { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))) },
};

const out = fileURLToPath(new URL('./customer-api.json', import.meta.url));
writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
console.log(`wrote ${out}: ${Object.keys(paths).length} paths, ${Object.keys(schemas).length} schemas`);
