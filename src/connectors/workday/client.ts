/**
 * Talking to Workday's Recruiting web service: SOAP 1.1 documents posted to
 * https://{host}/ccx/service/{tenant}/Recruiting/{version}, signed in with a WS-Security
 * UsernameToken (user@tenant, PasswordText) in the envelope header. Envelopes are built and read
 * with fast-xml-parser (no string templates), faults become AtsgateErrors, and Get_ operations
 * are paged with Response_Filter/Page and Response_Results/Total_Pages.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { transportBaseUrl } from '../../http/transport.ts';
import type { ConnectorContext } from '../types.ts';
import { PAGE_SIZE, SCHEMA_VERSION, definition, type WorkdayCredentials } from './definition.ts';

export type WorkdayContext = ConnectorContext<WorkdayCredentials>;

export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WD_NS = 'urn:com.workday/bsvc';
const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

/** A Workday request body: element names without prefix; attributes as `@_name` (qualified with wd: when sent). */
export type WdNode = { [name: string]: WdValue };
export type WdValue = string | number | boolean | WdNode | WdValue[] | undefined;

/** `v26.1` from "26.1", " v44.0 " or nothing (the version this connector follows). */
export function apiVersion(creds: Pick<WorkdayCredentials, 'api_version'>): string {
  const v = (creds.api_version ?? '').trim();
  if (!v) return SCHEMA_VERSION;
  return v.startsWith('v') ? v : `v${v}`;
}

/** The transport's https://{host}/ccx/service/{tenant} (or the override + that path) + /Recruiting/{version}. */
export function serviceUrl(ctx: Pick<WorkdayContext, 'credentials' | 'baseUrl'>): string {
  return `${transportBaseUrl(definition, ctx)}/Recruiting/${apiVersion(ctx.credentials)}`;
}

/** WS-Security user names are user@tenant; the tenant is added when the customer typed only the user. */
export function wsUsername(creds: Pick<WorkdayCredentials, 'username' | 'tenant'>): string {
  const u = creds.username.trim();
  return u.includes('@') ? u : `${u}@${creds.tenant}`;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
});

/** Prefixes every element with wd: and every attribute with wd: (the schema's attributeFormDefault is qualified). */
function qualify(value: WdValue): unknown {
  if (Array.isArray(value)) return value.map(qualify);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (k === '#text') out[k] = v;
    else if (k.startsWith('@_')) out[`@_wd:${k.slice(2)}`] = v;
    else out[`wd:${k}`] = qualify(v);
  }
  return out;
}

/** The full SOAP envelope for one Workday operation (`Get_Candidates` → Get_Candidates_Request). */
export function envelope(creds: WorkdayCredentials, operation: string, body: WdNode): string {
  const request = { ...(qualify(body) as Record<string, unknown>), '@_xmlns:wd': WD_NS, '@_wd:version': apiVersion(creds) };
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    'env:Envelope': {
      '@_xmlns:env': SOAP_ENV,
      'env:Header': {
        'wsse:Security': {
          '@_xmlns:wsse': WSSE_NS,
          '@_env:mustUnderstand': '1',
          'wsse:UsernameToken': {
            'wsse:Username': wsUsername(creds),
            'wsse:Password': { '@_Type': PASSWORD_TEXT, '#text': creds.password },
          },
        },
      },
      'env:Body': { [`wd:${operation}_Request`]: request },
    },
  };
  return builder.build(doc) as string;
}

/** Elements that may repeat in what this connector reads: always arrays, so one and many read alike. */
const REPEATED = new Set([
  'ID',
  'Job_Requisition',
  'Candidate',
  'Job_Application_Data',
  'Job_Applied_To_Data',
  'Candidate_Attachment',
  'Attachment_Reference',
  'Validation_Error',
  'Website_Data',
  'Additional_Locations_Reference',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

/** Parses a SOAP answer; the Body's child (the `<Operation>_Response` or the Fault). */
export function parseBody(xml: string): Record<string, any> {
  const doc = parser.parse(xml);
  const body = doc?.Envelope?.Body;
  if (!body || typeof body !== 'object')
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', 'Workday answered with something that is not a SOAP envelope.');
  return body;
}

export interface SoapFault {
  code: string;
  message: string;
  /** Validation_Error messages from the fault detail. */
  details: string[];
}

export function faultOf(body: Record<string, any>): SoapFault | null {
  const f = body.Fault;
  if (!f) return null;
  const detail = f.detail ?? {};
  const errors: any[] = detail.Validation_Fault?.Validation_Error ?? [];
  const details = errors.map((e) => [e.Message, e.Detail_Message].filter(Boolean).join(' — ')).filter(Boolean);
  if (detail.Processing_Fault?.Detail_Message) details.push(String(detail.Processing_Fault.Detail_Message));
  return { code: String(f.faultcode ?? ''), message: String(f.faultstring ?? ''), details };
}

/**
 * Workday answers every fault with HTTP 500 and a SOAP Fault: `SOAP-ENV:Client.authenticationError`
 * "invalid username or password"; "Processing error occurred. The task submitted is not authorized."
 * when the user's security group lacks the domain; "Validation error occurred." with
 * Validation_Error details for bad input (README, Faults).
 */
export function faultError(fault: SoapFault, operation: string): AtsgateError {
  const text = [fault.message, ...fault.details].join(' ').replace(/\s+/g, ' ').trim();
  if (/authentication/i.test(fault.code) || /invalid user ?name or password/i.test(text)) {
    return new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `Workday refused the sign-in (${fault.message}). Check the Integration System User (signed in as user@tenant), its password, and that the password has not expired.`,
    );
  }
  if (/not authorized/i.test(text)) {
    return new AtsgateError(
      'INTEGRATION.PERMISSION_MISSING',
      `Workday refused ${operation}: ${fault.message}. ${permissionHint(operation)}`,
    );
  }
  if (/validation/i.test(fault.code) || /validation error/i.test(fault.message)) {
    return new AtsgateError('REMOTE.INPUT_INVALID', `Workday rejected ${operation}: ${text}`);
  }
  return new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', `Workday answered ${operation} with a fault: ${text || fault.code}`);
}

/**
 * Which permission an operation needs, for PERMISSION_MISSING. Workday secures each operation by a
 * domain security policy (and the candidate operations also by the Job Application business
 * process's security policy); the names are those public integration guides list (README:
 * Merge's and Apideck's Workday ATS permission guides; third-party, Workday's own lists are
 * behind its login), so the message also names the task that shows the tenant's own answer.
 */
const SECURED_BY: Record<string, string> = {
  Get_Job_Requisitions: 'Get access to the "Job Requisition Data" domain',
  Get_Candidates:
    'Get access to the "Candidate Data: Job Application" domain, and "Get_Candidates (Web Service)" in the Job Application business process security policy',
  Get_Candidate_Attachments:
    'Get access to the "Candidate Data: Attachments" domain, and "Get_Candidate_Attachments (Web Service)" in the Job Application business process security policy',
  Put_Candidate_Attachment: 'Put access to the "Candidate Data: Attachments" domain',
};

export function permissionHint(operation: string): string {
  const what = SECURED_BY[operation] ?? `access to the domain that secures ${operation}`;
  return (
    `Give the Integration System User's security group ${what} (the task "View Security for Securable Item" on ${operation} shows ` +
    'what secures it in your tenant), then run "Activate Pending Security Policy Changes".'
  );
}

/** The client for the transport's base URL; faults come back as responses (status 500) and are read here. */
export function workdayClient(ctx: WorkdayContext): HttpClient {
  return ctx.http({
    errorMessage: (_status, body) => {
      if (typeof body !== 'string') return undefined;
      try {
        const f = faultOf(parseBody(body));
        return f ? f.message : undefined;
      } catch {
        return undefined;
      }
    },
  });
}

/**
 * One SOAP call: the `<operation>_Request` built from `body`, the `<operation>_Response` returned.
 * A fault (Workday's HTTP 500) becomes an AtsgateError; other 5xx and 429 are retried by the client.
 */
export async function call(
  ctx: WorkdayContext,
  operation: string,
  body: WdNode,
  client = workdayClient(ctx),
): Promise<Record<string, any>> {
  const res = await client.request<string>({
    method: 'POST',
    path: `Recruiting/${apiVersion(ctx.credentials)}`,
    body: envelope(ctx.credentials, operation, body),
    // Gets change nothing; a Put_Candidate_Attachment is not repeated after a lost answer.
    idempotent: operation.startsWith('Get_'),
    redactBody: true,
    accept: [500],
  });
  const text = typeof res.data === 'string' ? res.data : String(res.data ?? '');
  let parsed: Record<string, any>;
  try {
    parsed = parseBody(text);
  } catch (err) {
    if (res.status === 500)
      throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', `Workday answered ${operation} with HTTP 500 and no SOAP fault.`);
    throw err;
  }
  const fault = faultOf(parsed);
  if (fault) throw faultError(fault, operation);
  const out = parsed[`${operation}_Response`];
  if (!out || typeof out !== 'object') {
    if (res.status === 500) throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', `Workday answered ${operation} with HTTP 500.`);
    // An empty element parses to "": a response with nothing in it.
    if (out === '') return {};
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', `Workday's answer to ${operation} has no ${operation}_Response.`);
  }
  return out;
}

/**
 * A Get_ operation, page by page: Response_Filter{Page, Count} in, Response_Results{Total_Pages}
 * out; `items` picks the records of one page out of Response_Data. As_Of_Entry_DateTime is pinned
 * to the first page's moment so that later pages read the same snapshot (Workday's paging advice).
 */
export async function* pages<T>(
  ctx: WorkdayContext,
  operation: string,
  request: { head?: WdNode; group?: WdNode },
  items: (data: Record<string, any>) => T[],
  pageSize = PAGE_SIZE,
): AsyncGenerator<T[]> {
  const client = workdayClient(ctx);
  const asOf = new Date().toISOString();
  for (let page = 1; ; page++) {
    // The XSD's sequence: Request_References or Request_Criteria, Response_Filter, Response_Group.
    const body: WdNode = { ...request.head, Response_Filter: { As_Of_Entry_DateTime: asOf, Page: page, Count: pageSize } };
    if (request.group) body.Response_Group = request.group;
    const res = await call(ctx, operation, body, client);
    const data = res.Response_Data && typeof res.Response_Data === 'object' ? res.Response_Data : {};
    const got = items(data);
    if (got.length) yield got;
    const total = Number(res.Response_Results?.Total_Pages ?? 0);
    if (!Number.isFinite(total) || page >= total || got.length === 0) return;
  }
}

// --------------------------------------------------------------------------------------------
// Reading references
// --------------------------------------------------------------------------------------------

/** The value of the ID of one type in a Workday reference (`<ID wd:type="WID">…</ID>`). */
export function refId(ref: any, type: string): string | null {
  const ids: any[] = Array.isArray(ref?.ID) ? ref.ID : [];
  for (const id of ids) {
    if (id && typeof id === 'object' && id['@_type'] === type && typeof id['#text'] === 'string') return id['#text'];
  }
  return null;
}

/** A reference's WID, else its first ID of any type. */
export function wid(ref: any): string | null {
  return refId(ref, 'WID') ?? (Array.isArray(ref?.ID) && typeof ref.ID[0]?.['#text'] === 'string' ? ref.ID[0]['#text'] : null);
}

/** A reference to send: `{ ID: { @_type: 'WID', #text } }`. */
export function ref(type: string, value: string): WdNode {
  return { ID: { '@_type': type, '#text': value } };
}

export const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
