/**
 * The error catalogue. Every error atsgate returns is one of Kombo's codes (the SDK parses
 * `error.code` against a closed list, so an invented code would break clients), with the HTTP
 * status we chose for it and a static title. `message` is the dynamic, specific part.
 */
export const ERROR_CATALOGUE = {
  'PLATFORM.RATE_LIMIT_EXCEEDED': { status: 429, title: 'Rate limit exceeded.' },
  'PLATFORM.CONCURRENCY_LIMIT_EXCEEDED': { status: 429, title: 'Too many concurrent actions for this integration.' },
  'PLATFORM.INTEGRATION_NOT_FOUND': { status: 404, title: 'Integration not found.' },
  'PLATFORM.INPUT_INVALID': { status: 400, title: 'The input is invalid.' },
  'PLATFORM.UNKNOWN_ERROR': { status: 500, title: 'An unknown error occurred.' },
  'PLATFORM.IP_NOT_WHITELISTED': { status: 403, title: 'IP address not allowed.' },
  'PLATFORM.AUTHENTICATION_INVALID': { status: 401, title: 'The API key is missing or invalid.' },
  'PLATFORM.TASK_TIMED_OUT': { status: 504, title: 'The task timed out.' },
  'INTEGRATION.PERMISSION_MISSING': { status: 403, title: 'The ATS refused the action: a permission or scope is missing.' },
  'INTEGRATION.AUTHENTICATION_INVALID': { status: 403, title: "The integration's ATS credentials are invalid." },
  'INTEGRATION.QA_FAILED': { status: 409, title: 'Quality assurance failed.' },
  'INTEGRATION.SETUP_SYNC_PENDING': { status: 409, title: 'The first sync of this integration has not finished yet.' },
  'INTEGRATION.SETUP_INCOMPLETE': { status: 409, title: 'The integration setup is incomplete.' },
  'INTEGRATION.INACTIVE': { status: 409, title: 'The integration is inactive.' },
  'INTEGRATION.MODEL_NOT_AVAILABLE': { status: 400, title: "This data model isn't supported for the selected integration." },
  'INTEGRATION.MODEL_DISABLED': { status: 403, title: 'This data model is disabled.' },
  'INTEGRATION.ACTION_NOT_AVAILABLE': { status: 400, title: "This action isn't supported for the selected integration." },
  'INTEGRATION.ACTION_DISABLED': { status: 403, title: 'This action is disabled.' },
  'REMOTE.SERVICE_UNAVAILABLE': { status: 503, title: 'The ATS is unavailable.' },
  'REMOTE.RATE_LIMIT_EXCEEDED': { status: 429, title: "The ATS's rate limit was exceeded." },
  'REMOTE.INPUT_INVALID': { status: 400, title: 'The ATS rejected the input.' },
  'REMOTE.UNKNOWN_HTTP_ERROR': { status: 502, title: 'The ATS returned an unexpected error.' },
  'ATS.JOB_CLOSED': { status: 400, title: 'The job is closed.' },
  'ATS.APPLICATION_ALREADY_EXISTS': { status: 409, title: 'The application already exists.' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Codes the SDK accepts on general (non-/ats) endpoints. */
export const GENERAL_CODES = new Set<ErrorCode>([
  'PLATFORM.RATE_LIMIT_EXCEEDED',
  'PLATFORM.CONCURRENCY_LIMIT_EXCEEDED',
  'PLATFORM.INTEGRATION_NOT_FOUND',
  'PLATFORM.INPUT_INVALID',
  'PLATFORM.UNKNOWN_ERROR',
  'PLATFORM.IP_NOT_WHITELISTED',
  'PLATFORM.AUTHENTICATION_INVALID',
  'PLATFORM.TASK_TIMED_OUT',
]);

export class AtsgateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers, e.g. Retry-After on 429s. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, opts: { status?: number; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'AtsgateError';
    this.code = code;
    this.status = opts.status ?? ERROR_CATALOGUE[code].status;
    this.headers = opts.headers ?? {};
  }

  get title(): string {
    return ERROR_CATALOGUE[this.code].title;
  }
}

export const inputInvalid = (message: string, status = 400) => new AtsgateError('PLATFORM.INPUT_INVALID', message, { status });
export const notFoundInput = (what: string) => new AtsgateError('PLATFORM.INPUT_INVALID', `${what} was not found.`, { status: 404 });
