/**
 * Request schemas of the public API. They validate requests (fastify + Ajv), give the route
 * handlers their TypeScript types (Static<>), and feed the OpenAPI document: one definition
 * each. Limits are explicit here so that oversized input is refused with a message naming
 * the field, not discovered by the ATS.
 */
import { Type, type Static } from '@sinclair/typebox';

export const LIMITS = {
  label: 1_000,
  url: 2_048,
  prefix: 100,
  attributes: 100,
  attributeKey: 200,
  attributeValue: 10_000,
  fileName: 255,
  noteContent: 100_000,
  tagName: 255,
  pageSize: 250,
} as const;

const HTTP_URL = '^[hH][tT][tT][pP][sS]?://[^\\s/?#]+[^\\s]*$';
/** No control characters (they could smuggle header lines into vendor requests). */
const NO_CONTROL = '^[^\\u0000-\\u001f\\u007f]*$';

const HeaderValue = Type.Union([Type.String({ maxLength: 200, pattern: NO_CONTROL }), Type.Null()]);

/** Per-ATS passthrough options; unknown tools' keys are accepted and ignored, as Kombo does. */
export const RemoteFields = Type.Object(
  {
    greenhouse: Type.Optional(
      Type.Object({
        post_headers: Type.Optional(Type.Object({ 'On-Behalf-Of': Type.Optional(HeaderValue), on_behalf_of: Type.Optional(HeaderValue) })),
      }),
    ),
    workable: Type.Optional(
      Type.Object({ on_behalf_of_user_remote_id: Type.Optional(Type.String({ maxLength: 200, pattern: NO_CONTROL })) }),
    ),
    lever: Type.Optional(Type.Object({ perform_as: Type.Optional(Type.String({ maxLength: 200, pattern: NO_CONTROL })) })),
    teamtailor: Type.Optional(Type.Object({ user_id: Type.Optional(Type.String({ maxLength: 200, pattern: NO_CONTROL })) })),
  },
  { additionalProperties: Type.Object({}, { additionalProperties: true }) },
);

export const ResultLinkBody = Type.Object({
  label: Type.String({ minLength: 1, maxLength: LIMITS.label, description: 'Display name of the link, where the ATS can show one.' }),
  url: Type.String({ maxLength: LIMITS.url, pattern: HTTP_URL, description: 'Absolute http(s) URL of the result.' }),
  details: Type.Optional(
    Type.Object({
      custom_field_name_prefix: Type.String({ maxLength: LIMITS.prefix, description: 'Custom fields are named "<prefix> <key>".' }),
      attributes: Type.Array(
        Type.Object({
          key: Type.String({ minLength: 1, maxLength: LIMITS.attributeKey }),
          value: Type.String({ maxLength: LIMITS.attributeValue }),
        }),
        { maxItems: LIMITS.attributes },
      ),
    }),
  ),
  remote_fields: Type.Optional(RemoteFields),
});
export type ResultLinkBody = Static<typeof ResultLinkBody>;

export const AttachmentBody = Type.Object({
  attachment: Type.Object({
    name: Type.String({
      minLength: 1,
      maxLength: LIMITS.fileName,
      pattern: '^[^/\\\\\\u0000-\\u001f\\u007f]+$',
      description: 'File name with extension, no path.',
    }),
    type: Type.Union([Type.Literal('CV'), Type.Literal('COVER_LETTER'), Type.Literal('OTHER')]),
    content_type: Type.Optional(
      Type.String({ maxLength: 255, pattern: '^[\\w.+-]+/[\\w.+-]+$', description: 'MIME type; required with data.' }),
    ),
    data: Type.Optional(Type.String({ description: 'Base64-encoded file contents.' })),
    data_url: Type.Optional(
      Type.String({ maxLength: LIMITS.url, pattern: HTTP_URL, description: 'URL atsgate downloads the file from, at once.' }),
    ),
  }),
  remote_fields: Type.Optional(RemoteFields),
});
export type AttachmentBody = Static<typeof AttachmentBody>;

/**
 * The note body. `remote_fields` are the write-backs' ones plus the two Kombo defines for notes
 * only: Greenhouse v3's `visibility` and Recruitee's `visibility`/`is_json`.
 */
export const NoteRemoteFields = Type.Object(
  {
    ...RemoteFields.properties,
    greenhousev3: Type.Optional(
      Type.Object({ visibility: Type.Optional(Type.Union([Type.Literal('admin_only'), Type.Literal('private'), Type.Literal('public')])) }),
    ),
    recruitee: Type.Optional(Type.Object({ visibility: Type.Optional(Type.Unknown()), is_json: Type.Optional(Type.Boolean()) })),
  },
  { additionalProperties: Type.Object({}, { additionalProperties: true }) },
);

export const NoteBody = Type.Object({
  content: Type.String({ minLength: 1, maxLength: LIMITS.noteContent, description: 'The note, as plain text.' }),
  content_type: Type.Literal('PLAIN_TEXT', { description: 'Only PLAIN_TEXT, as in Kombo.' }),
  remote_fields: Type.Optional(NoteRemoteFields),
});
export type NoteBody = Static<typeof NoteBody>;

/** POST and DELETE /ats/candidates/:id/tags: Kombo's body, the tag by name. */
export const TagBody = Type.Object({
  tag: Type.Object({
    name: Type.String({
      minLength: 1,
      maxLength: LIMITS.tagName,
      description: "The tag's name; matched to the ATS's existing tag (case-insensitively) or created.",
    }),
  }),
  remote_fields: Type.Optional(RemoteFields),
});
export type TagBody = Static<typeof TagBody>;

/** PUT /ats/applications/:id/stage. */
export const StageBody = Type.Object({
  stage_id: Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: NO_CONTROL,
    description: "The Kombo ID of the stage, from the `stages` of the application's job (GET /v1/ats/jobs).",
  }),
  remote_fields: Type.Optional(RemoteFields),
});
export type StageBody = Static<typeof StageBody>;

/**
 * POST /ats/applications/:id/reject. `remote_fields` are the write-backs' ones plus Kombo's
 * `greenhouse.rejection_email` / `greenhousev3.rejection_email` (passed to Greenhouse's reject call).
 */
export const RejectBody = Type.Object({
  rejection_reason_id: Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: NO_CONTROL,
    description: 'The Kombo ID of the rejection reason (GET /v1/ats/rejection-reasons).',
  }),
  note: Type.Optional(
    Type.String({
      maxLength: LIMITS.noteContent,
      description: 'Free text; passed with the rejection where the ATS takes one, else written as a note (with a warning).',
    }),
  ),
  remote_fields: Type.Optional(RemoteFields),
});
export type RejectBody = Static<typeof RejectBody>;

export const ForceSyncBody = Type.Union([
  Type.Object({ type: Type.Optional(Type.Union([Type.Literal('FULL'), Type.Literal('DELTA')])) }),
  Type.Null(),
]);

const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$';
const BOOL = Type.Union([Type.Literal('true'), Type.Literal('false')]);
const CSV = Type.String({ maxLength: 20_000 });

/** Query strings arrive as text; the route converts after validation (no silent coercion). */
export const ListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  page_size: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
  updated_after: Type.Optional(Type.String({ pattern: DATE_TIME })),
  include_deleted: Type.Optional(BOOL),
  ignore_unsupported_filters: Type.Optional(BOOL),
  ids: Type.Optional(CSV),
  remote_ids: Type.Optional(CSV),
  email: Type.Optional(Type.String({ maxLength: 320 })),
  job_ids: Type.Optional(CSV),
  first_name: Type.Optional(Type.String({ maxLength: 200 })),
  last_name: Type.Optional(Type.String({ maxLength: 200 })),
  outcomes: Type.Optional(CSV),
  outcome: Type.Optional(Type.String({ maxLength: 20 })),
  job_remote_ids: Type.Optional(CSV),
  current_stage_ids: Type.Optional(CSV),
  remote_created_after: Type.Optional(Type.String({ pattern: DATE_TIME })),
  statuses: Type.Optional(CSV),
  /** Deprecated by Kombo in favour of `statuses`; still honoured. */
  status: Type.Optional(Type.String({ maxLength: 20 })),
  job_codes: Type.Optional(CSV),
  name_contains: Type.Optional(Type.String({ maxLength: 200 })),
  employment_types: Type.Optional(CSV),
  visibilities: Type.Optional(CSV),
  post_url: Type.Optional(Type.String({ maxLength: LIMITS.url })),
  /** GET /ats/users: comma-separated email addresses (case-insensitive). */
  emails: Type.Optional(CSV),
});
export type ListQueryString = Static<typeof ListQuery>;

export const IdParam = (name: string) => Type.Object({ [name]: Type.String({ minLength: 1, maxLength: 200 }) });
