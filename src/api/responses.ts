/**
 * Response schemas of the public API (TypeBox), modelled on what the official @kombo-api/sdk
 * parses: a property is required, optional and/or nullable here exactly when the SDK's zod
 * model says so (test/api/openapi.test.ts walks both and compares). They feed the OpenAPI
 * document and the response tests.
 *
 * They are deliberately NOT fastify `response` serializers: a serializer drops every
 * property it doesn't name, and records carry more than the SDK names (atsgate extensions,
 * vendor extras). Objects therefore allow additional properties, as the SDK (which strips
 * unknown keys) does.
 */
import { FormatRegistry, Type, type TSchema } from '@sinclair/typebox';
import { ERROR_CATALOGUE, GENERAL_CODES, type ErrorCode } from '../errors.ts';

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/**
 * The SDK parses timestamps with zod's `datetime({ offset: true })`: ISO 8601 with a time,
 * seconds, optional fraction and Z or an offset. TypeBox's Value.Check needs the format
 * registered, otherwise every date-time check fails.
 */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));

const Str = () => Type.String();
const Num = () => Type.Number();
const Int = () => Type.Integer();
const Bool = () => Type.Boolean();
const DateTime = () => Type.String({ format: 'date-time' });
/** Present, but may be null. */
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** May be missing or null. */
const OptNull = <T extends TSchema>(t: T) => Type.Optional(Nullable(t));
/** A closed enum: the SDK rejects any other value. */
const Enum = (values: readonly string[], opts: { description?: string } = {}) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    opts,
  );
/** An open enum: the SDK knows these values and passes any other string through. */
const OpenEnum = (values: readonly string[]) =>
  Type.String({ description: `Known values: ${values.join(', ')}. Other values may appear.` });

const COVERAGE = ['SUPPORTED', 'UNSUPPORTED', 'NOT_IMPLEMENTED', 'UNKNOWN'] as const;
const SCOPE_SETTING = ['ENABLED', 'DISABLED', 'OPTIONAL'] as const;

/** `{ status: "success", data }`: lists and general endpoints. */
const Success = <T extends TSchema>(data: T, description: string) =>
  Type.Object({ status: Type.Literal('success'), data }, { description });

export const Warning = Type.Object({ message: Str() });

/** `{ status: "success", data, warnings }`: actions and attachment reads (warnings required). */
const ActionSuccess = <T extends TSchema>(data: T, description: string) =>
  Type.Object({ status: Type.Literal('success'), data, warnings: Type.Array(Warning) }, { description });

const Page = <T extends TSchema>(item: T) => Type.Object({ next: Nullable(Str()), results: Type.Array(item) });

const Location = Type.Object({
  city: OptNull(Str()),
  country: OptNull(Str()),
  raw: OptNull(Str()),
  state: OptNull(Str()),
  street_1: OptNull(Str()),
  street_2: OptNull(Str()),
  zip_code: OptNull(Str()),
});

const PhoneNumber = Type.Object({ phone_number: Str(), type: OptNull(Str()) });
const EmailAddress = Type.Object({ email_address: OptNull(Str()), type: Nullable(Str()) });
const SocialMedia = Type.Object({ link: OptNull(Str()), type: OptNull(Str()), username: OptNull(Str()) });
const Tag = Type.Object({ id: Str(), name: Nullable(Str()), remote_id: Nullable(Str()) });
const CustomFields = Nullable(Type.Record(Type.String(), Type.Any()));
const StageSummary = Type.Object({ id: Str(), name: Nullable(Str()), remote_id: Nullable(Str()), index: Nullable(Int()) });
/**
 * Kombo's newer models (Python SDK 1.3.x) require `status` (ACTIVE | INACTIVE, a closed enum)
 * and `custom_fields` on a job's stages and an application's current stage, both nullable:
 * atsgate sends null where the ATS does not say.
 */
const StageNewest = {
  status: Nullable(Enum(['ACTIVE', 'INACTIVE'])),
  custom_fields: Nullable(Type.Record(Type.String(), Type.Unknown())),
};
const ApplicationStage = Type.Object({ ...StageSummary.properties, ...StageNewest });
const JobSummary = Type.Object({ id: Str(), name: Nullable(Str()), remote_id: Str() });

// ---------------------------------------------------------------------------------------------
// GET /ats/jobs
// ---------------------------------------------------------------------------------------------

const SelectOption = Type.Object({ id: Str(), remote_id: OptNull(Str()), name: Str() });

/** How a screening question is answered; `type` tells the variants apart. */
const QuestionFormat = Type.Union([
  Type.Object({
    display_type: OptNull(Enum(['SINGLE_LINE', 'MULTI_LINE', 'EMAIL', 'URL'])),
    max_length: OptNull(Int()),
    type: Type.Literal('TEXT'),
  }),
  // The SDK defaults a missing display_type to FIELD, so it may be absent.
  Type.Object({ display_type: OptNull(Enum(['SLIDER', 'FIELD'])), max: OptNull(Num()), min: OptNull(Num()), type: Type.Literal('NUMBER') }),
  Type.Object({ accepted_mime_types: OptNull(Type.Array(Str())), max_file_size_bytes: OptNull(Int()), type: Type.Literal('FILE') }),
  Type.Object({
    display_type: OptNull(Enum(['DROPDOWN', 'RADIO'])),
    options: Type.Array(SelectOption),
    type: Type.Literal('SINGLE_SELECT'),
  }),
  Type.Object({ type: Type.Literal('BOOLEAN') }),
  Type.Object({ type: Type.Literal('DATE') }),
  Type.Object({ options: Type.Array(SelectOption), type: Type.Literal('MULTI_SELECT') }),
  Type.Object({ type: Type.Literal('INFORMATION') }),
  Type.Object({ raw_question: Type.Optional(Type.Any()), type: Type.Literal('UNKNOWN') }),
]);

const ScreeningQuestion = Type.Object({
  id: Str(),
  remote_id: Nullable(Str()),
  title: Nullable(Str()),
  description: Nullable(Str()),
  format: OptNull(QuestionFormat),
  category: Nullable(Enum(['EEO', 'DEMOGRAPHIC'])),
  index: OptNull(Int()),
  required: Nullable(Bool()),
  precondition_question_id: OptNull(Str()),
  precondition_options: OptNull(Type.Union([Type.Array(Str()), Type.Array(Bool())])),
});

const JobPosting = Type.Object({
  id: Str(),
  remote_id: Nullable(Str()),
  title: Nullable(Str()),
  description_html: Nullable(Str()),
  status: Nullable(Enum(['ACTIVE', 'INACTIVE', 'DRAFT'])),
  visibility: Nullable(Enum(['PUBLIC', 'INTERNAL', 'UNLISTED'])),
  url: Nullable(Str()),
});

/** A role the ATS gives a user (Kombo's job_roles on jobs, system_roles on users). */
const Role = Type.Object({
  remote_id: Nullable(Str()),
  remote_label: Nullable(Str()),
  scope: Nullable(Enum(['SYSTEM', 'JOB'])),
  unified_type: Nullable(Enum(['HIRING_MANAGER', 'RECRUITER', 'COORDINATOR', 'SOURCER', 'INTERVIEWER', 'ADMIN'])),
});

const HiringTeamMember = Type.Object({
  id: Str(),
  remote_id: Nullable(Str()),
  first_name: Nullable(Str()),
  last_name: Nullable(Str()),
  email: OptNull(Str()),
  hiring_team_roles: Type.Array(Enum(['RECRUITER', 'HIRING_MANAGER', 'COORDINATOR', 'SOURCER', 'INTERVIEWER'])),
  job_roles: Type.Array(Role),
});

export const Job = Type.Object({
  id: Str(),
  remote_id: Str(),
  name: Nullable(Str()),
  job_code: Nullable(Str()),
  description: Nullable(Str()),
  confidential: Nullable(Bool()),
  weekly_hours: Nullable(Num()),
  employment_type: OptNull(OpenEnum(['FULL_TIME', 'PART_TIME', 'CONTRACT', 'SEASONAL', 'INTERNSHIP'])),
  status: OptNull(OpenEnum(['OPEN', 'CLOSED', 'DRAFT', 'ARCHIVED'])),
  visibility: OptNull(OpenEnum(['PUBLIC', 'INTERNAL', 'UNLISTED', 'CONFIDENTIAL'])),
  category: Nullable(Str()),
  department: Nullable(Str()),
  post_url: Nullable(Str()),
  experience_level: Nullable(Str()),
  remote_work_status: OptNull(OpenEnum(['REMOTE', 'HYBRID', 'TEMPORARY', 'ON_SITE'])),
  salary_amount: Nullable(Num()),
  salary_amount_from: Nullable(Num()),
  salary_amount_to: Nullable(Num()),
  salary_currency: Nullable(Str()),
  salary_period: OptNull(OpenEnum(['YEAR', 'MONTH', 'TWO_WEEKS', 'WEEK', 'DAY', 'HOUR'])),
  location: OptNull(Location),
  custom_fields: CustomFields,
  remote_url: Nullable(Str()),
  opened_at: Nullable(DateTime()),
  closed_at: Nullable(DateTime()),
  remote_created_at: Nullable(DateTime()),
  remote_updated_at: Nullable(DateTime()),
  contact_id: Nullable(Str()),
  changed_at: DateTime(),
  remote_deleted_at: Nullable(DateTime()),
  // remote_data: required (nullable) on job stages by Kombo's OpenAPI of May 2026.
  stages: Type.Array(
    Type.Object({
      id: Str(),
      remote_id: Nullable(Str()),
      name: Nullable(Str()),
      index: OptNull(Int()),
      ...StageNewest,
      remote_data: Nullable(Type.Record(Type.String(), Type.Unknown())),
    }),
  ),
  screening_questions: Type.Array(ScreeningQuestion),
  job_postings: Type.Array(JobPosting),
  hiring_team: Type.Array(HiringTeamMember),
});

export const JobsResponse = Success(Page(Job), 'A page of jobs.');

// ---------------------------------------------------------------------------------------------
// GET /ats/candidates
// ---------------------------------------------------------------------------------------------

export const Candidate = Type.Object({
  id: Str(),
  remote_id: Str(),
  first_name: Nullable(Str()),
  last_name: Nullable(Str()),
  company: Nullable(Str()),
  title: Nullable(Str()),
  confidential: Nullable(Bool()),
  source: Nullable(Str()),
  phone_numbers: OptNull(Type.Array(PhoneNumber)),
  email_addresses: OptNull(Type.Array(EmailAddress)),
  social_media: OptNull(Type.Array(SocialMedia)),
  location: OptNull(Location),
  custom_fields: CustomFields,
  remote_url: Nullable(Str()),
  remote_created_at: Nullable(DateTime()),
  remote_updated_at: Nullable(DateTime()),
  changed_at: DateTime(),
  remote_deleted_at: Nullable(DateTime()),
  applications: Type.Array(
    Type.Object({
      id: Str(),
      remote_id: Nullable(Str()),
      outcome: Nullable(Enum(['PENDING', 'HIRED', 'DECLINED'])),
      rejection_reason_name: Nullable(Str()),
      rejected_at: Nullable(DateTime()),
      remote_url: Nullable(Str()),
      changed_at: DateTime(),
      remote_created_at: Nullable(DateTime()),
      remote_updated_at: Nullable(DateTime()),
      current_stage: Nullable(StageSummary),
      job: Nullable(JobSummary),
    }),
  ),
  tags: Type.Array(Tag),
});

export const CandidatesResponse = Success(Page(Candidate), 'A page of candidates, each with its applications.');

// ---------------------------------------------------------------------------------------------
// GET /ats/tags
// ---------------------------------------------------------------------------------------------

export const TagRecord = Type.Object({
  id: Str(),
  remote_id: Nullable(Str()),
  name: Nullable(Str()),
  remote_data: OptNull(Type.Record(Type.String(), Type.Unknown())),
  changed_at: DateTime(),
  remote_deleted_at: Nullable(DateTime()),
});

export const TagsResponse = Success(
  Page(TagRecord),
  "A page of the ATS's candidate tags (where the ATS has no tag list of its own: the tags seen on its candidates).",
);

// ---------------------------------------------------------------------------------------------
// GET /ats/applications
// ---------------------------------------------------------------------------------------------

const Question = <T extends string>(type: T) => Type.Object({ remote_id: Nullable(Str()), title: Str(), type: Type.Literal(type) });

/** An answer to a screening question; `question.type` tells the variants apart. */
const ScreeningAnswer = Type.Union([
  Type.Object({ answer: Type.Object({ content: Nullable(Str()) }), question: Question('TEXT') }),
  Type.Object({ answer: Type.Object({ choice: Nullable(Str()) }), question: Question('SINGLE_SELECT') }),
  Type.Object({ answer: Type.Object({ choices: Type.Optional(Type.Array(Str())) }), question: Question('MULTI_SELECT') }),
  Type.Object({ answer: Type.Object({ checked: Nullable(Bool()) }), question: Question('BOOLEAN') }),
  Type.Object({ answer: Type.Object({ number: Nullable(Num()) }), question: Question('NUMBER') }),
  Type.Object({ answer: Type.Object({ date: Nullable(DateTime()) }), question: Question('DATE') }),
  Type.Object({ answer: Type.Object({ raw: OptNull(Type.Any()) }), question: Question('UNKNOWN') }),
]);

export const Application = Type.Object({
  id: Str(),
  remote_id: Nullable(Str()),
  outcome: Nullable(Enum(['PENDING', 'HIRED', 'DECLINED'])),
  rejection_reason_name: Nullable(Str()),
  rejected_at: Nullable(DateTime()),
  current_stage_id: Nullable(Str()),
  job_id: Nullable(Str()),
  candidate_id: Nullable(Str()),
  screening_question_answers: OptNull(Type.Array(ScreeningAnswer)),
  custom_fields: CustomFields,
  remote_url: Nullable(Str()),
  changed_at: DateTime(),
  remote_deleted_at: Nullable(DateTime()),
  remote_created_at: Nullable(DateTime()),
  remote_updated_at: Nullable(DateTime()),
  candidate: Nullable(
    Type.Object({
      id: Str(),
      remote_id: Str(),
      first_name: Nullable(Str()),
      last_name: Nullable(Str()),
      email_addresses: OptNull(Type.Array(EmailAddress)),
      phone_numbers: OptNull(Type.Array(PhoneNumber)),
      social_media: OptNull(Type.Array(SocialMedia)),
      source: Nullable(Str()),
      remote_url: Nullable(Str()),
      tags: Type.Array(Tag),
    }),
  ),
  current_stage: Nullable(ApplicationStage),
  job: Nullable(JobSummary),
  interviews: Type.Array(
    Type.Object({
      id: Str(),
      remote_id: Nullable(Str()),
      title: Nullable(Str()),
      starting_at: Nullable(DateTime()),
      ending_at: Nullable(DateTime()),
      location: OptNull(Location),
      canceled: Nullable(Bool()),
    }),
  ),
  offers: Type.Array(
    Type.Object({
      id: Str(),
      remote_id: Nullable(Str()),
      status: Nullable(Enum(['ACCEPTED', 'DECLINED', 'SENT', 'APPROVED', 'DRAFT', 'ABANDONED'])),
    }),
  ),
});

export const ApplicationsResponse = Success(Page(Application), 'A page of applications, each with its candidate, job and stage.');

/** GET /ats/rejection-reasons: Kombo's rejection reason (the id is what POST .../reject takes). */
export const RejectionReason = Type.Object({
  id: Str(),
  remote_id: Str(),
  name: Nullable(Str()),
  changed_at: DateTime(),
  remote_deleted_at: Nullable(DateTime()),
  remote_data: Nullable(Type.Record(Type.String(), Type.Any())),
});

export const RejectionReasonsResponse = Success(
  Page(RejectionReason),
  "A page of the ATS's rejection reasons (archive or disqualification reasons), from the last sync.",
);

// ---------------------------------------------------------------------------------------------
// GET /ats/users
// ---------------------------------------------------------------------------------------------

export const User = Type.Object({
  id: Str(),
  remote_id: Nullable(Str()),
  first_name: Nullable(Str()),
  last_name: Nullable(Str()),
  email: OptNull(Str()),
  status: Nullable(Enum(['ACTIVE', 'INACTIVE'])),
  // Required (nullable) by Kombo's OpenAPI of May 2026; the SDK does not name it.
  remote_data: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
  changed_at: DateTime(),
  remote_deleted_at: Nullable(DateTime()),
  system_roles: Type.Array(Role),
});

export const UsersResponse = Success(Page(User), "A page of the ATS's users (recruiters, hiring managers, admins).");

// ---------------------------------------------------------------------------------------------
// Candidate attachments and the write-backs
// ---------------------------------------------------------------------------------------------

export const Attachment = Type.Object({
  id: Str(),
  application_id: Nullable(Str()),
  candidate_id: Str(),
  type: Enum(['CV', 'COVER_LETTER', 'OTHER']),
  remote_id: Str(),
  data_url: Type.String({ description: 'Where to download the file; atsgate-served links are signed and expire.' }),
  file_name: Str(),
  content_type: Str(),
  remote_created_at: Nullable(DateTime()),
  remote_updated_at: Nullable(DateTime()),
});

export const CandidateAttachmentsResponse = ActionSuccess(
  Type.Object({ results: Type.Array(Attachment) }),
  "The candidate's attachments, fetched live from the ATS.",
);

/** An application's files, in Kombo's shape for this endpoint (no candidate_id/application_id). */
export const ApplicationAttachment = Type.Omit(Attachment, ['application_id', 'candidate_id']);

export const ApplicationAttachmentsResponse = ActionSuccess(
  Type.Object({ results: Type.Array(ApplicationAttachment) }),
  "The application's attachments, fetched live from the ATS (its candidate's, with a warning, where the ATS keeps files on the person).",
);

/** The write-backs answer `{ status, data: {}, warnings }`; warnings say what was adapted. */
export const ActionResponse = ActionSuccess(
  Type.Object({}),
  'The action was carried out in the ATS. `warnings` lists anything that was adapted (a field the ATS lacks, a shortened label...).',
);

// ---------------------------------------------------------------------------------------------
// General endpoints
// ---------------------------------------------------------------------------------------------

export const CheckApiKeyResponse = Success(
  Type.Object({
    environment_id: Str(),
    customer_id: Type.Optional(Type.String({ description: 'atsgate extension: the account of the key.' })),
  }),
  'The API key is valid.',
);

const FieldCoverage = Type.Object({
  id: Str(),
  is_available: Bool(),
  coverage_status: Enum(COVERAGE),
  scope_config_setting: Enum(SCOPE_SETTING),
  opted_out_by_customer: Bool(),
});

export const IntegrationResponse = Success(
  Type.Object({
    id: Str(),
    tool: Type.Object({ id: Str(), label: Str(), internal_label: Nullable(Str()), logo_url: Str(), icon_url: Str() }),
    category: Enum(['HRIS', 'ATS', 'ASSESSMENT', 'LMS']),
    status: Enum(['ACTIVE', 'INVALID', 'INACTIVE']),
    setup_status: Enum(['INCOMPLETE', 'FINAL_SYNC_PENDING', 'COMPLETED']),
    end_user: Type.Object({ organization_name: Str(), creator_email: Nullable(Str()), origin_id: Nullable(Str()) }),
    scope_config: Type.Object({ id: Str(), name: Nullable(Str()) }),
    data_expired_at: Nullable(DateTime()),
    created_at: DateTime(),
    beta: Bool(),
    read_models: Type.Array(
      Type.Object({
        id: Str(),
        label: Str(),
        is_available: Bool(),
        coverage_status: Enum(COVERAGE),
        scope_config_setting: Enum(SCOPE_SETTING),
        opted_out_by_customer: Bool(),
        fields: Type.Array(FieldCoverage),
      }),
    ),
    write_actions: Type.Array(
      Type.Object({
        id: Str(),
        label: Str(),
        is_available: Bool(),
        coverage_status: Enum(COVERAGE),
        scope_config_setting: Enum(SCOPE_SETTING),
        opted_out_by_customer: Bool(),
        fields: Type.Array(Type.Object({ id: Str(), is_available: Bool(), coverage_status: Enum(COVERAGE) })),
      }),
    ),
  }),
  'The integration, its status and what it supports.',
);

export const DeleteIntegrationResponse = Success(Type.Object({}), 'The integration and its synced data are deleted.');

/** PUT /integrations/:id/enabled answers `{status, data: {}}` (Kombo's PutIntegrationsIntegrationIdEnabledPositiveResponse). */
export const SetIntegrationEnabledResponse = Success(Type.Object({}), 'The integration is enabled or disabled as asked.');

/** Kombo's PostPassthroughToolApiPositiveResponse: the vendor's answer, whatever its status. */
export const PassthroughResponse = ActionSuccess(
  Type.Object({
    url: Type.String({ description: 'The full URL that was called.' }),
    status: Type.Integer({ description: "The vendor's HTTP status." }),
    headers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), {
      description: "The vendor's response headers (Set-Cookie and authentication challenges removed).",
    }),
    data: Type.Optional(Type.Unknown({ description: 'The body: parsed JSON, else text; base64 with `response_as_base64`.' })),
  }),
  "The ATS's answer. `data.status` is the ATS's own status: a 4xx there is not an atsgate error.",
);

const FieldType = Enum(['DEFAULT', 'CUSTOM']);

/** Kombo's GetIntegrationsIntegrationIdCustomFieldsPositiveResponse. */
export const CustomFieldsResponse = Success(
  Type.Object({
    results: Type.Array(
      Type.Object({
        id: Str(),
        key: Str(),
        integration_field: Nullable(Type.Object({ id: Str(), key: Str(), type: FieldType, label: Nullable(Str()) })),
        model: Str(),
        label: Nullable(Str()),
        description: Nullable(Str()),
      }),
    ),
    next_cursor: Nullable(Str()),
    next: Nullable(Str()),
  }),
  "The ATS's custom field definitions, read live.",
);

/** Kombo's GetIntegrationsIntegrationIdIntegrationFieldsPositiveResponse. */
export const IntegrationFieldsResponse = Success(
  Type.Object({
    results: Type.Array(
      Type.Object({
        id: Str(),
        key: Str(),
        model: Str(),
        type: FieldType,
        label: Nullable(Str()),
        is_passthrough_enabled: Bool(),
        is_writable: Type.Literal(false),
      }),
    ),
    next_cursor: Nullable(Str()),
    next: Nullable(Str()),
  }),
  'The integration fields.',
);

export const ForceSyncResponse = Success(
  Type.Object({
    already_queued: Type.Boolean({ description: 'A sync was already running; this request joined it.' }),
    sync_id: Str(),
    type: Enum(['FULL', 'DELTA']),
  }),
  'A sync was started (or one was already running).',
);

const CoverageEntry = Type.Object({
  id: Str(),
  label: Str(),
  coverage_status: Enum(COVERAGE),
  fields: Type.Array(Type.Object({ id: Str(), coverage_status: Enum(COVERAGE) })),
});

export const ToolsResponse = Success(
  Type.Object({
    tools: Type.Array(
      Type.Object({
        id: Str(),
        label: Str(),
        internal_label: Nullable(Str()),
        assets: Type.Object({ logo_url: Str(), icon_url: Str(), icon_black_url: Str() }),
        paid_api_details_markdown: Nullable(Str()),
        fast_track_details_markdown: Nullable(Str()),
        partner_only_details_markdown: Nullable(Str()),
        connection_guide_url: Nullable(Str()),
        coverage: Type.Object({
          read_models: Type.Array(CoverageEntry),
          write_actions: Type.Array(CoverageEntry),
          features: Type.Array(Type.Object({ id: Str(), label: Str(), coverage_status: Enum(COVERAGE) })),
        }),
        atsgate: Type.Optional(
          Type.Object(
            {
              result_links: Type.Object(
                {},
                { additionalProperties: true, description: 'Where result links land: native, custom fields or a note.' },
              ),
              attachments: Type.Object({}, { additionalProperties: true, description: 'Which attachments the ATS takes, and how.' }),
              application_writes: Type.Object(
                {
                  notes: Enum(['application', 'candidate', 'unsupported']),
                  attachments: Enum(['application', 'candidate', 'unsupported']),
                },
                {
                  description:
                    'Where notes and files sent to an application land: on the application, on its candidate (with a warning), or nowhere (the ATS cannot take them: INTEGRATION.ACTION_NOT_AVAILABLE).',
                },
              ),
              tags: Type.Optional(
                Type.Object(
                  {
                    candidate: Enum(['native', 'unsupported']),
                    list: Enum(['native', 'candidates', 'none']),
                    summary: Str(),
                    unavailable: Type.Optional(Str()),
                  },
                  {
                    description:
                      "What a tag becomes: the ATS's own tags, or nothing (INTEGRATION.ACTION_NOT_AVAILABLE); and where GET /ats/tags comes from (the ATS's tag list, the tags on its candidates, or none).",
                  },
                ),
              ),
              application_status: Type.Optional(
                Type.Object(
                  {
                    stage_move: Bool(),
                    reject: Bool(),
                    rejection_reasons: Bool(),
                    unavailable: Type.Optional(Str()),
                    summary: Str(),
                  },
                  {
                    description:
                      'Whether PUT .../stage and POST .../reject reach the ATS (false: INTEGRATION.ACTION_NOT_AVAILABLE, `unavailable` says why), whether GET /ats/rejection-reasons has anything to list, and what a move and a rejection become.',
                  },
                ),
              ),
              delta_sync: Bool(),
              users: Type.Optional(
                Type.Object(
                  { read: Bool(), summary: Str() },
                  { description: "Whether the sync reads the ATS's users (GET /v1/ats/users), and what it reads or why it reads none." },
                ),
              ),
              credentials: Type.Array(
                Type.Object({ key: Str(), label: Str(), help: Str(), secret: Bool(), optional: Type.Optional(Bool()) }),
              ),
            },
            { description: 'atsgate extension: how this ATS handles the write-backs, and the credentials it needs.' },
          ),
        ),
      }),
    ),
  }),
  'The tools of a category and what each supports.',
);

/** POST /connect/create-link and POST /integrations/:id/relink: where to send the customer. */
export const ConnectLinkResponse = Success(
  Type.Object({ link: Type.String({ description: 'The Connect page for the customer (embed it or send it).' }) }),
  'A Connect link.',
);

export const ConnectIntegrationResponse = Success(
  Type.Object({
    tool: Str(),
    id: Str(),
    end_user_origin_id: Nullable(Str()),
    end_user_organization_name: Str(),
    end_user_email: Nullable(Str()),
    setup_status: Enum(['INCOMPLETE', 'FINAL_SYNC_PENDING', 'COMPLETED']),
  }),
  'The integration a finished Connect flow created.',
);

// ---------------------------------------------------------------------------------------------
// atsgate extensions: interaction logs, health
// ---------------------------------------------------------------------------------------------

export const LogEntry = Type.Object({
  id: Str(),
  integration_id: Nullable(Str()),
  action: Nullable(Str()),
  method: Str(),
  path: Str(),
  outcome: Enum(['PENDING', 'SUCCESS', 'ERROR', 'UNKNOWN'], {
    description: 'UNKNOWN: the entry stayed PENDING long after its request (the process stopped mid-call).',
  }),
  status_code: Nullable(Int()),
  request: Type.Any({ description: 'The request as received, with file contents and secrets redacted.' }),
  calls: Type.Array(
    Type.Object({
      method: Str(),
      url: Str(),
      status: Nullable(Int()),
      duration_ms: Num(),
      attempt: Int(),
      error: Type.Optional(Str()),
      request_body: Type.Optional(Type.Any()),
      response_body: Type.Optional(Type.Any()),
    }),
    { description: 'The calls made to the ATS for this request.' },
  ),
  warnings: Type.Array(Warning),
  error: Nullable(Type.Object({ code: Str(), message: Str() })),
  created_at: DateTime(),
  completed_at: Nullable(DateTime()),
  duration_ms: Nullable(Int()),
});

export const LogResponse = Success(LogEntry, 'One interaction log entry.');
export const LogsResponse = Success(Type.Object({ results: Type.Array(LogEntry) }), 'The latest interaction log entries, newest first.');

export const HealthLiveResponse = Type.Object({ status: Type.Literal('ok') }, { description: 'The process answers.' });
export const HealthReadyResponse = Type.Object(
  { status: Enum(['ok', 'unavailable']), database: Enum(['pglite', 'postgres']) },
  { description: 'Whether the database answers (503 with status "unavailable" when not).' },
);

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

const ALL_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/**
 * The SDK has two error families with closed code lists: ATS endpoints may answer any code of
 * the catalogue, general endpoints only PLATFORM.* ones (src/api/envelope.ts maps the rest).
 */
const ErrorEnvelope = (codes: readonly string[], description: string) =>
  Type.Object(
    {
      status: Type.Literal('error'),
      error: Type.Object({
        code: Nullable(Enum(codes)),
        title: Nullable(Str()),
        message: Type.String({ description: 'What went wrong, specifically.' }),
        log_url: Nullable(Type.String({ description: 'The interaction log of the request, when one was opened.' })),
      }),
    },
    { description },
  );

export const AtsErrorResponse = ErrorEnvelope(ALL_CODES, 'Error of an /ats endpoint.');
export const GeneralErrorResponse = ErrorEnvelope(
  ALL_CODES.filter((c) => GENERAL_CODES.has(c)),
  'Error of a general endpoint (PLATFORM.* codes only).',
);
