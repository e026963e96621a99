/**
 * The connector interface: what every ATS implements. A connector is data (its definition)
 * plus small functions. Connectors never see atsgate IDs, HTTP requests from our clients or
 * the database: they get remote IDs, a context with their credentials and an HTTP client,
 * and they return remote records and warnings.
 */
import type { TObject, Static } from '@sinclair/typebox';
import type { HttpClient, HttpClientOptions } from '../http/client.ts';
import type { Transport, TransportRequestOptions } from '../http/transport.ts';

// ---------------------------------------------------------------------------------------------
// Definition (data)
// ---------------------------------------------------------------------------------------------

/** How a write lands in the ATS; surfaced in GET /v1/tools/ats and the README table. */
export type ResultLinkMode =
  | 'native' // the ATS has a result/link/assessment feature that shows label + url
  | 'custom_fields' // url and attributes are written to custom fields
  | 'note' // a note/comment carrying label, url and attributes
  | 'unsupported';

export interface ConnectorCapabilities {
  resultLinks: {
    candidate: ResultLinkMode;
    application: ResultLinkMode;
    /** Where `details.attributes` go ('unsupported': nowhere, the ATS takes no result links at all). */
    attributes: 'native' | 'custom_fields' | 'note' | 'unsupported';
    /** One line for the README/tools table: what a result link becomes in this ATS. */
    summary: string;
  };
  attachments: {
    candidate: boolean;
    /** When `candidate` is false: what the ATS lacks, in the INTEGRATION.ACTION_NOT_AVAILABLE message. */
    unavailable?: string;
    /** Vendor's own document type for each Kombo attachment type. */
    types: Record<AttachmentType, string>;
    /** Largest decoded file the vendor accepts, enforced before upload. */
    maxBytes: number;
    /** 'json_base64' | 'multipart' | 'url' ...: how the file travels, for the docs. */
    upload: string;
  };
  reads: { jobs: boolean; candidates: boolean; applications: boolean; candidateAttachments: boolean };
  /**
   * Where a note or a file sent to one application lands: on the application itself, or (the
   * ATS keeps them on the person only) on its candidate, with a warning saying so.
   */
  applicationWrites: { notes: ApplicationWriteTarget; attachments: ApplicationWriteTarget };
  /** The reader honours `updatedAfter`, so delta syncs are possible. */
  deltaSync: boolean;
  /**
   * PUT /ats/applications/:id/stage and POST /ats/applications/:id/reject, and whether
   * GET /ats/rejection-reasons has anything to list. `unavailable`: what the ATS lacks, in the
   * INTEGRATION.ACTION_NOT_AVAILABLE message of an action it cannot take.
   */
  applicationStatus: {
    stageMove: boolean;
    reject: boolean;
    rejectionReasons: boolean;
    unavailable?: string;
    /** One line for the README/tools table: what a move and a rejection become in this ATS. */
    summary: string;
  };
  /**
   * GET /v1/ats/users: whether the sync reads the ATS's users (`readUsers`), and one line for
   * the README/tools table saying what is read, or why nothing is (the API has no such list).
   */
  users: { read: boolean; summary: string };
  /** POST/DELETE /ats/candidates/:id/tags and GET /ats/tags in this ATS. */
  tags: TagCapability;
}

/**
 * What a Kombo tag becomes: the ATS's own tags ('native'), nothing ('unsupported':
 * INTEGRATION.ACTION_NOT_AVAILABLE naming what the ATS lacks). `list` says where GET /ats/tags
 * comes from: the ATS's tag list ('native'), the tags seen on the synced candidates where the
 * ATS has no list of its own ('candidates'), or none at all ('none', an empty list).
 */
export interface TagCapability {
  candidate: 'native' | 'unsupported';
  list: 'native' | 'candidates' | 'none';
  /** When `candidate` is 'unsupported': what the ATS lacks, in the INTEGRATION.ACTION_NOT_AVAILABLE message. */
  unavailable?: string;
  /** One line for the README/tools table: what a tag becomes in this ATS. */
  summary: string;
}

/** Where an application-level note or file lands; 'unsupported': the ATS has no way to take it (INTEGRATION.ACTION_NOT_AVAILABLE). */
export type ApplicationWriteTarget = 'application' | 'candidate' | 'unsupported';

export interface CredentialField {
  key: string;
  label: string;
  /** Where the customer finds it in the ATS's UI (shown on the connect page). */
  help: string;
  secret: boolean;
  optional?: boolean;
}

/** The credential fields of a connector's schema, for its transport. */
export type CredentialKey<S extends TObject> = Extract<keyof Static<S>, string>;

/**
 * An OAuth 2.0 authorization-code connection the connect page runs (src/connect/oauth.ts), as
 * data: `{placeholder}`s in the URLs are credential fields the customer enters before signing in.
 */
export interface OAuthConnect {
  /** The vendor's consent page (`client_id`, `redirect_uri`, `state`, `scope` are added). */
  authorizeUrl: string;
  /** Where the code is exchanged (`grant_type=authorization_code`, form-encoded). */
  tokenUrl: string;
  scopes: string[];
  /** How the vendor joins scopes (Zoho: ","; RFC 6749: " "). */
  scopeSeparator: string;
  /** Extra authorize parameters (Zoho: access_type=offline, prompt=consent). */
  authorizeParams?: Record<string, string>;
  /** Credential fields filled from the token answer (credential key -> token answer field). */
  fills: Record<string, string>;
  /** Button label: "Sign in with <label>". */
  label: string;
  /**
   * Vendors that send the user's own accounts host back with the code (Zoho's
   * `accounts-server`): the query parameter, the hosts trusted (the client secret goes there;
   * group 1 is the value of `credential`), and the token path on that host.
   */
  callbackServer?: { param: string; pattern: RegExp; credential: string; tokenPath: string };
}

export interface ConnectorDefinition<S extends TObject = TObject> {
  /** Tool id, the prefix of integration ids: `greenhouse`, `lever`... */
  id: string;
  label: string;
  /** TypeBox schema of the credentials object; validated on integration create. */
  credentialSchema: S;
  /** Human guidance for each credential, in display order. */
  credentialFields: CredentialField[];
  /** An OAuth sign-in the connect page offers instead of pasting the `fills` fields. */
  oauth?: OAuthConnect;
  /** Production base URL; an integration may override it (regional hosts, tests). */
  defaultBaseUrl: string;
  /** Documented vendor rate limit, enforced by the shared client (per integration). */
  rateLimit: { requests: number; perMs: number };
  /**
   * How the vendor is spoken to, as data (src/http/transport.ts): auth scheme and header, static
   * headers, the base URL made from the credentials, rate-limit headers, error-body shape.
   * ctx.http() builds every client from it. Absent: the connector supplies all of it itself.
   * Write it as `{...} satisfies Transport<CredentialKey<typeof credentialSchema>>` so that it
   * can only name fields the credentials have (typed loosely here: the registry holds every
   * connector as ConnectorDefinition<TObject>, and a key type would make S invariant).
   */
  transport?: Transport;
  capabilities: ConnectorCapabilities;
  /**
   * When the candidate is re-read after a write so readers see it at once: 'inline', before
   * answering, where the read is cheap (the sandbox's own tables); otherwise (the default) in
   * the background after the answer, since for a real ATS it costs more vendor calls than the
   * write itself (src/writes/read-back.ts).
   */
  refreshAfterWrite?: 'inline' | 'background';
  /** Vendor documentation this connector follows (cited in the README). */
  docs: string[];
  /**
   * The vendor APIs POST /v1/passthrough/:tool/:api may reach, by Kombo's `:api` id, and the
   * paths allowed under each (src/passthrough). Absent: no passthrough for this tool.
   */
  passthrough?: Readonly<Record<string, PassthroughApi>>;
}

/** One vendor API a passthrough may call, on the base URL the connector's own client uses. */
export interface PassthroughApi {
  /** One line for the docs: which API, on which base URL. */
  description: string;
  /** The vendor documentation the allowed paths come from. */
  docs: readonly string[];
  /**
   * Path prefixes, relative to the base URL, that a passthrough may reach. A prefix matches
   * itself and anything after a following "/" (`/candidates` → `/candidates/12/notes`); one
   * ending in "." or "/" matches anything after it (Ashby's RPC `/candidate.` → `/candidate.info`).
   */
  paths: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Context (what an operation gets)
// ---------------------------------------------------------------------------------------------

export interface ConnectorContext<C = Record<string, unknown>> {
  integrationId: string;
  credentials: C;
  baseUrl: string;
  /**
   * Builds the shared outbound client for this integration from the definition's transport:
   * auth, vendor headers, base URL, rate limiting (adapting to the vendor's headers), retries,
   * redirects, error mapping and call recording are done there. The connector adds only what
   * the transport cannot say (an OAuth token provider, an RPC-style error reader).
   */
  http(opts: VendorHttpOptions): HttpClient;
  /** An atsgate URL that serves `downloadAttachment(ref)` behind a signed, expiring token. */
  signedFileUrl(ref: string): string;
  /**
   * For vendors that take a file only as a URL they fetch: atsgate keeps the bytes (sealed, in
   * its database, so any process can serve them) and returns a public signed URL that serves
   * them until `ttlMs` passes.
   */
  publishFile(file: { data: Buffer; content_type: string; file_name: string }, ttlMs: number): Promise<string>;
  /** A small per-integration cache (OAuth tokens); lives as long as the process. */
  cache: Map<string, unknown>;
  /**
   * atsgate's own database. Only for the built-in sandbox ATS, whose "remote" data lives
   * there; real connectors talk to their vendor through `http` and must not use it.
   */
  localStore?: import('../store/db.ts').Queryable;
  signal?: AbortSignal;
}

export type VendorHttpOptions = Omit<
  HttpClientOptions,
  'baseUrl' | 'rateLimit' | 'limiterKey' | 'limiter' | 'recorder' | 'tool' | 'signal' | 'credentialHeaders' | 'rateLimitHeaders'
> &
  TransportRequestOptions & {
    /** Used as it is (no transport template): a token endpoint, a storage host. */
    baseUrl?: string;
  };

// ---------------------------------------------------------------------------------------------
// Remote models (what readers return; the sync turns them into Kombo-shaped records)
// ---------------------------------------------------------------------------------------------

export type Outcome = 'PENDING' | 'HIRED' | 'DECLINED';
export type AttachmentType = 'CV' | 'COVER_LETTER' | 'OTHER';

export interface RemoteStage {
  remote_id: string;
  name: string | null;
  index?: number | null;
}
export interface RemoteLocation {
  city?: string | null;
  country?: string | null;
  raw?: string | null;
  state?: string | null;
  street_1?: string | null;
  street_2?: string | null;
  zip_code?: string | null;
}
/** ISO-8601 strings or Dates; the sync normalises. */
export type Timestamp = string | Date | null | undefined;

export interface RemoteJob {
  remote_id: string;
  name?: string | null;
  job_code?: string | null;
  description?: string | null;
  confidential?: boolean | null;
  weekly_hours?: number | null;
  employment_type?: 'FULL_TIME' | 'PART_TIME' | 'CONTRACT' | 'SEASONAL' | 'INTERNSHIP' | null;
  status?: 'OPEN' | 'CLOSED' | 'DRAFT' | 'ARCHIVED' | null;
  visibility?: 'PUBLIC' | 'INTERNAL' | 'UNLISTED' | 'CONFIDENTIAL' | null;
  category?: string | null;
  department?: string | null;
  post_url?: string | null;
  location?: RemoteLocation | null;
  custom_fields?: Record<string, unknown> | null;
  remote_url?: string | null;
  opened_at?: Timestamp;
  closed_at?: Timestamp;
  remote_created_at?: Timestamp;
  remote_updated_at?: Timestamp;
  stages?: RemoteStage[];
}

export interface RemoteCandidate {
  remote_id: string;
  first_name?: string | null;
  last_name?: string | null;
  company?: string | null;
  title?: string | null;
  confidential?: boolean | null;
  source?: string | null;
  email_addresses?: { email_address: string; type: string | null }[];
  phone_numbers?: { phone_number: string; type: string | null }[];
  social_media?: { link?: string | null; type?: string | null; username?: string | null }[];
  location?: RemoteLocation | null;
  custom_fields?: Record<string, unknown> | null;
  remote_url?: string | null;
  remote_created_at?: Timestamp;
  remote_updated_at?: Timestamp;
  tags?: { remote_id: string | null; name: string | null }[];
  /** Raw vendor data, keyed by the endpoint path it came from (Kombo's `remote_data`). */
  remote_data?: Record<string, unknown> | null;
}

export interface RemoteApplication {
  remote_id: string;
  candidate_remote_id: string;
  job_remote_id?: string | null;
  current_stage?: RemoteStage | null;
  outcome?: Outcome | null;
  rejection_reason_name?: string | null;
  rejected_at?: Timestamp;
  custom_fields?: Record<string, unknown> | null;
  remote_url?: string | null;
  remote_created_at?: Timestamp;
  remote_updated_at?: Timestamp;
  /** Raw vendor data, keyed by the endpoint path it came from (Kombo's `remote_data`). */
  remote_data?: Record<string, unknown> | null;
}

export interface RemoteAttachment {
  remote_id: string;
  /** null: attached to the candidate itself. */
  application_remote_id: string | null;
  type: AttachmentType;
  file_name: string;
  content_type: string;
  /** A URL the caller can download from: the vendor's (pre-signed) URL or ctx.signedFileUrl(). */
  data_url: string;
  remote_created_at?: Timestamp;
  remote_updated_at?: Timestamp;
}

/** Kombo's user system roles: a role the ATS gives a user, mapped where the mapping is clear. */
export interface RemoteSystemRole {
  remote_id: string | null;
  remote_label: string | null;
  scope: 'SYSTEM' | 'JOB' | null;
  unified_type: 'HIRING_MANAGER' | 'RECRUITER' | 'COORDINATOR' | 'SOURCER' | 'INTERVIEWER' | 'ADMIN' | null;
}

/** A user of the ATS (a recruiter, hiring manager, admin): Kombo's `ats_users`. */
export interface RemoteUser {
  remote_id: string;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  status?: 'ACTIVE' | 'INACTIVE' | null;
  system_roles?: RemoteSystemRole[];
  remote_created_at?: Timestamp;
  remote_updated_at?: Timestamp;
  /** Raw vendor data, keyed by the endpoint path it came from (Kombo's `remote_data`). */
  remote_data?: Record<string, unknown> | null;
}

export interface ReadOptions {
  /** Only records changed at or after this instant (delta sync). Absent: everything. */
  updatedAfter?: Date;
}

/** Readers yield pages so that memory does not grow with the tenant. */
export type PageStream<T> = AsyncIterable<T[]>;

// ---------------------------------------------------------------------------------------------
// Write inputs (remote IDs resolved and synced context attached by the write service)
// ---------------------------------------------------------------------------------------------

/** What atsgate knows about a candidate from the last sync. */
export interface CandidateRef {
  remote_id: string;
  /** The candidate's synced applications, newest first. */
  applications: ApplicationRef[];
}

export interface ApplicationRef {
  remote_id: string;
  candidate_remote_id: string;
  job_remote_id: string | null;
  outcome: Outcome | null;
}

/** `remote_fields` with the spellings normalised (Greenhouse `On-Behalf-Of`/`on_behalf_of`). */
export interface RemoteFields {
  greenhouse?: { on_behalf_of?: string | null; rejection_email?: Record<string, unknown> };
  workable?: { on_behalf_of_user_remote_id?: string };
  lever?: { perform_as?: string };
  teamtailor?: { user_id?: string };
  [tool: string]: Record<string, unknown> | undefined;
}

export interface ResultLinkInput {
  label: string;
  url: string;
  /** `details`, if given. Custom field names are `${prefix} ${key}`. */
  details: { custom_field_name_prefix: string; attributes: { key: string; value: string }[] } | null;
  remote_fields: RemoteFields;
}

export interface AttachmentInput {
  name: string;
  type: AttachmentType;
  content_type: string;
  /**
   * The file (decoded from `data` or downloaded from `data_url`), its size is `file.size`.
   * Usually backed by a temporary file on disk that lives until the request ends: hand it to a
   * FormData as it is (streamed from disk, re-readable on a retry), or read it with
   * attachmentBytes() (src/connectors/helpers/files.ts) where the vendor needs the bytes.
   */
  file: Blob;
  remote_fields: RemoteFields;
}

/** POST /ats/applications/:id/notes: Kombo's `content` (plain text only, as in Kombo). */
export interface NoteInput {
  content: string;
  content_type: 'PLAIN_TEXT';
  remote_fields: RemoteFields;
}

/** POST/DELETE /ats/candidates/:id/tags: the tag by name (matched to the ATS's own, or created). */
export interface TagInput {
  name: string;
  remote_fields: RemoteFields;
}

/** A tag of the ATS's tag list (GET /ats/tags). remote_id null: the ATS names tags by text only. */
export interface RemoteTag {
  remote_id: string | null;
  name: string;
  remote_data?: Record<string, unknown> | null;
}

/** PUT /ats/applications/:id/stage: the target stage, resolved from the application's synced job. */
export interface StageMoveInput {
  stage: RemoteStage;
  remote_fields: RemoteFields;
}

/** POST /ats/applications/:id/reject: the synced rejection reason, the optional free-text note. */
export interface RejectInput {
  reason: RemoteRejectionReason;
  note: string | null;
  remote_fields: RemoteFields;
}

/** A rejection reason of the ATS (GET /ats/rejection-reasons), as a reader returns it. */
export interface RemoteRejectionReason {
  remote_id: string;
  name: string | null;
  /** Raw vendor data, keyed by the endpoint path it came from (Kombo's `remote_data`). */
  remote_data?: Record<string, unknown> | null;
}

export interface WriteResult {
  /** Human sentences, each saying what was done instead of the obvious thing. */
  warnings: string[];
  /** A tag write: the ATS's tag it added (perhaps just created), so GET /ats/tags lists it before the next sync. */
  tag?: RemoteTag;
}

// ---------------------------------------------------------------------------------------------
// The connector
// ---------------------------------------------------------------------------------------------

export interface Connector<S extends TObject = TObject> {
  definition: ConnectorDefinition<S>;

  /** Throws AtsgateError INTEGRATION.AUTHENTICATION_INVALID / PERMISSION_MISSING (naming what). */
  checkCredentials(ctx: ConnectorContext<Static<S>>): Promise<void>;

  addCandidateResultLink(ctx: ConnectorContext<Static<S>>, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult>;
  addApplicationResultLink(ctx: ConnectorContext<Static<S>>, application: ApplicationRef, link: ResultLinkInput): Promise<WriteResult>;
  addCandidateAttachment(ctx: ConnectorContext<Static<S>>, candidate: CandidateRef, attachment: AttachmentInput): Promise<WriteResult>;
  listCandidateAttachments(
    ctx: ConnectorContext<Static<S>>,
    candidate: CandidateRef,
  ): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }>;
  addApplicationNote(ctx: ConnectorContext<Static<S>>, application: ApplicationRef, note: NoteInput): Promise<WriteResult>;
  addApplicationAttachment(
    ctx: ConnectorContext<Static<S>>,
    application: ApplicationRef,
    attachment: AttachmentInput,
  ): Promise<WriteResult>;
  /** The application's files (or its candidate's, with a warning, where files live on the person). */
  listApplicationAttachments(
    ctx: ConnectorContext<Static<S>>,
    application: ApplicationRef,
  ): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }>;
  /** Serves a file for ctx.signedFileUrl(ref); only connectors that use signed URLs need it. */
  downloadAttachment?(ctx: ConnectorContext<Static<S>>, ref: string): Promise<{ content_type: string; file_name: string; data: Buffer }>;

  /**
   * Adds the tag named `tag.name` to the candidate: the ATS's tag of that name (compared without
   * regard to case), created first where none exists. Already there: nothing changes.
   */
  addCandidateTag(ctx: ConnectorContext<Static<S>>, candidate: CandidateRef, tag: TagInput): Promise<WriteResult>;
  /** Removes the tag of that name from the candidate; succeeds (with a warning) where the candidate does not have it, as in Kombo. */
  removeCandidateTag(ctx: ConnectorContext<Static<S>>, candidate: CandidateRef, tag: TagInput): Promise<WriteResult>;
  /**
   * Optional: the ATS's own tag list, for GET /ats/tags (capabilities.tags.list 'native').
   * Without it the sync derives the list from the synced candidates' tags ('candidates').
   */
  readTags?(ctx: ConnectorContext<Static<S>>): PageStream<RemoteTag>;
  /**
   * Moves the application to one of its job's stages (the service checked that the stage is
   * the job's). Where the ATS cannot do exactly that, a warning says what was done instead.
   */
  moveApplicationToStage(ctx: ConnectorContext<Static<S>>, application: ApplicationRef, move: StageMoveInput): Promise<WriteResult>;
  /** Rejects (archives, disqualifies) the application with the reason; the note where the ATS takes one. */
  rejectApplication(ctx: ConnectorContext<Static<S>>, application: ApplicationRef, reject: RejectInput): Promise<WriteResult>;
  /** Optional: the ATS's rejection reasons, synced like jobs (absent: the list stays empty). */
  readRejectionReasons?(ctx: ConnectorContext<Static<S>>, opts: ReadOptions): PageStream<RemoteRejectionReason>;

  readJobs(ctx: ConnectorContext<Static<S>>, opts: ReadOptions): PageStream<RemoteJob>;
  readCandidates(ctx: ConnectorContext<Static<S>>, opts: ReadOptions): PageStream<RemoteCandidate>;
  readApplications(ctx: ConnectorContext<Static<S>>, opts: ReadOptions): PageStream<RemoteApplication>;
  /**
   * The ATS's users, where its API lists them (`definition.capabilities.users.read`). Always a
   * full read (user lists are small); a list the credentials may not see is empty or refused,
   * as each connector documents.
   */
  readUsers?(ctx: ConnectorContext<Static<S>>, opts: ReadOptions): PageStream<RemoteUser>;
  /** Optional: re-read one candidate (and its applications) so a write is visible at once. */
  readCandidate?(
    ctx: ConnectorContext<Static<S>>,
    remoteId: string,
  ): Promise<{ candidate: RemoteCandidate; applications: RemoteApplication[] } | null>;
  /**
   * Optional: the client a passthrough uses, where the transport alone cannot authenticate (an
   * OAuth token the connector mints). Default: ctx.http({}), the transport's client. A promise
   * where the base URL is known only after a login (Bullhorn's session restUrl).
   */
  passthroughClient?(ctx: ConnectorContext<Static<S>>): HttpClient | Promise<HttpClient>;
  /**
   * Optional: the ATS's custom field definitions (GET /v1/integrations/:id/custom-fields), read
   * live with the same call the write path uses to find "<prefix> <key>" fields.
   */
  listCustomFields?(ctx: ConnectorContext<Static<S>>): Promise<RemoteCustomField[]>;
  /**
   * Optional: the ATS's own webhooks (src/webhooks/vendor/), so that a change reaches atsgate
   * within seconds instead of at the next delta sync. Facts and small functions only; the
   * shared route, de-duplication and re-read are atsgate's.
   */
  webhooks?: VendorWebhooks<Static<S>>;
  /**
   * Optional, where `webhooks` is absent: why the ATS sends no webhook atsgate could take for
   * candidate or application changes (its webhooks cover other records only, or none exist),
   * with the vendor pages that say so. Shown by GET /v1/tools/ats, the integration's
   * vendor-webhook view and the dashboard: the periodic delta sync is the path for changes.
   */
  webhooksUnavailable?: { reason: string; docs: string[] };
}

// ---------------------------------------------------------------------------------------------
// Inbound vendor webhooks
// ---------------------------------------------------------------------------------------------

/** A request the vendor sent to the integration's webhook URL. */
export interface InboundVendorRequest {
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string | undefined>;
  /** The body exactly as received: signatures are computed over these bytes. */
  rawBody: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
  /** The URL's query parameters (vendors that append their parameters to the URL: Zoho Recruit). */
  query?: Record<string, string | undefined>;
}

/**
 * What an event asks atsgate to re-read. Only ids are taken from a payload: the records
 * themselves are always read again from the vendor's API.
 */
export interface VendorEventTargets {
  /** The vendor's own event id (de-duplication); absent: a hash of the signed content stands in. */
  eventId?: string | null;
  /** Candidate remote ids, re-read with `readCandidate`. */
  candidates?: string[];
  /** Application remote ids; re-read through their candidate (as synced), or by a delta sync if unknown. */
  applications?: string[];
  /** Something changed that no targeted read covers (a job, a record atsgate has not seen): queue a delta sync. */
  resync?: boolean;
}

export type VendorWebhookAnswer =
  /** A test or ping from the vendor: acknowledged, nothing is read. */
  { kind: 'ping' } | ({ kind: 'event' } & VendorEventTargets);

/** What a registration with the vendor produced. */
export interface VendorWebhookRegistration {
  /** Secrets the vendor issued (Lever's signatureToken, SmartRecruiters' secret key); accepted besides atsgate's own. */
  secrets: string[];
  /** The vendor's ids for what was registered (not secret), handed back to `unregister`. */
  registrations: unknown[];
}

export interface VendorWebhooks<C = Record<string, unknown>> {
  /** 'api': atsgate registers its URL through the vendor's API; 'manual': the customer pastes URL (and secret) into the ATS. */
  setup: 'api' | 'manual';
  /** For the connect page and dashboard: where in the ATS the URL goes and which events to tick. */
  instructions: string;
  /** Whether the customer must also paste atsgate's secret into the ATS (the vendor signs with a key the customer enters). */
  showSecret: boolean;
  /** Vendor documentation the signature, payloads and registration follow (cited in the README). */
  docs: string[];
  /**
   * Where the ATS generates the signing key itself and shows it to the customer when the webhook
   * is created in its UI (Teamtailor, Recruitee): the customer pastes that key into atsgate
   * (PUT /v1/integrations/:id/vendor-webhook, the dashboard or the connect page). It is kept
   * sealed and handed to `verify` after atsgate's own secret; until it is saved every delivery
   * fails verification (401). `label` names the key as the ATS does.
   */
  vendorSecret?: { label: string };
  /**
   * A set-up request that must be answered before any signature exists (SmartRecruiters'
   * X-Hook-Secret handshake): the headers to answer with, or null when it is not one.
   */
  handshake?(req: InboundVendorRequest): Record<string, string> | null;
  /**
   * Whether the request is the vendor's: its signature checks out with one of the endpoint's
   * secrets (atsgate's own, then the vendor-issued ones), or with the integration's credentials
   * where the vendor signs with those (Workable). Never throws: a malformed header is `false`.
   */
  verify(req: InboundVendorRequest, secrets: readonly string[], credentials: () => C): boolean;
  /** The ids to re-read, from a verified request. */
  parse(req: InboundVendorRequest): VendorWebhookAnswer;
  /** Registers `url` with the vendor (setup 'api'). Throws on refusal: the integration is kept, with a warning. */
  register?(ctx: ConnectorContext<C>, endpoint: { url: string; secret: string }): Promise<VendorWebhookRegistration>;
  /** Removes what `register` created (integration deleted). */
  unregister?(ctx: ConnectorContext<C>, registrations: readonly unknown[]): Promise<void>;
  /**
   * Where the vendor queues events for the client to fetch instead of pushing them (Bullhorn's
   * event subscriptions): what is new since the last call, each then handled like a pushed
   * event (de-duplicated by event id, re-read). atsgate calls it every minute for each
   * integration whose registration succeeded (src/webhooks/vendor/poll.ts).
   */
  poll?(ctx: ConnectorContext<C>, registrations: readonly unknown[]): Promise<VendorEventTargets[]>;
}

/** A custom field definition of the ATS, on candidates or applications. */
export interface RemoteCustomField {
  remote_id: string;
  name: string;
  model: 'ats_candidates' | 'ats_applications';
}

/** Erases the credential type so connectors of different tools fit in one registry. */
export type AnyConnector = Connector<TObject>;
