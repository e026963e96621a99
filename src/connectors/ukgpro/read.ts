/**
 * Reading UKG Pro Recruiting. atsgate maps:
 *   job         = opportunity  (GET /opportunities)
 *   candidate   = candidate    (GET /candidates, delta with `updated_after`)
 *   application = application  (GET /applications, delta with `updated_after`)
 * UKG's public reference names the operations, scopes and filters but renders no response
 * schema outside its portal; field names follow third-party clients and UKG's own request
 * models (README "Data model"), and every mapper reads defensively.
 */
import { mapPages } from '../helpers/pagination.ts';
import type { Outcome, PageStream, ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob, RemoteStage } from '../types.ts';
import {
  ukgClient,
  ukgPages,
  type UkgApplication,
  type UkgCandidate,
  type UkgContext,
  type UkgNamed,
  type UkgOpportunity,
} from './client.ts';

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));
const text = (v: string | UkgNamed | null | undefined): string | null =>
  typeof v === 'string' ? str(v) : v ? (str(v.name) ?? str(v.title) ?? str(v.code)) : null;

/**
 * `updated_after` as UKG's own Link headers echo it (ISO-8601 with milliseconds, UTC), one
 * second early: a record changed in the cursor's second is read twice rather than missed.
 */
export function updatedAfter(opts: ReadOptions): Record<string, string | undefined> {
  return opts.updatedAfter ? { updated_after: new Date(opts.updatedAfter.getTime() - 1000).toISOString() } : {};
}

/** Opportunity status words (UKG's list of states is not public): open/published, draft, closed/filled, on hold. */
function jobStatus(o: UkgOpportunity): RemoteJob['status'] {
  const v = (text(o.status) ?? '').toLowerCase();
  if (/draft|pending approval|not published|unpublished/.test(v)) return 'DRAFT';
  if (/archiv|cancel/.test(v)) return 'ARCHIVED';
  if (/clos|fill|hold|inactive/.test(v)) return 'CLOSED';
  if (/open|publish|active|approved/.test(v)) return 'OPEN';
  if (!v && typeof o.is_published === 'boolean') return o.is_published ? 'OPEN' : 'DRAFT';
  return null;
}

export function toJob(o: UkgOpportunity): RemoteJob {
  return {
    remote_id: String(o.id),
    name: text(o.title) ?? str(o.name),
    job_code: str(o.requisition_number),
    description: str(o.description),
    status: jobStatus(o),
    category: text(o.job_category),
    department: text(o.org_unit),
    location: o.location ? { raw: text(o.location) } : null,
    opened_at: str(o.published_at),
    closed_at: str(o.closed_at),
    remote_created_at: str(o.created_at),
    remote_updated_at: str(o.updated_at) ?? str(o.created_at),
  };
}

export function toCandidate(c: UkgCandidate): RemoteCandidate {
  const contact = c.contact_info ?? {};
  const address = contact.address;
  const phones = [contact.phone?.primary, contact.phone?.secondary].filter((p): p is string => typeof p === 'string' && !!p);
  return {
    remote_id: String(c.id),
    first_name: str(c.name?.first),
    last_name: str(c.name?.last),
    email_addresses: contact.email ? [{ email_address: contact.email, type: null }] : [],
    phone_numbers: phones.map((p) => ({ phone_number: p, type: null })),
    social_media: (c.hyperlinks ?? [])
      .filter((h) => typeof h.url === 'string' && h.url)
      .map((h) => ({ link: h.url!, type: /linkedin/i.test(`${h.name} ${h.url}`) ? 'LINKEDIN' : null, username: null })),
    location: address
      ? {
          street_1: str(address.line1),
          street_2: str(address.line2),
          city: str(address.city),
          state: str(address.state?.code),
          zip_code: str(address.postal_code),
          country: str(address.country?.code),
        }
      : null,
    remote_created_at: str(c.created_at),
    remote_updated_at: str(c.updated_at) ?? str(c.created_at),
    remote_data: { [`/candidates/${c.id}`]: c },
  };
}

/**
 * Outcome from the application's status or disposition. UKG's values are not public (README):
 * "hired" (or `is_hired`) → HIRED; dispositioned, rejected, declined, withdrawn → DECLINED;
 * anything else PENDING.
 */
export function outcomeOf(a: UkgApplication): Outcome {
  const words = [text(a.status), text(a.disposition as UkgNamed | string | null)].map((w) => (w ?? '').toLowerCase()).join(' ');
  if (a.is_hired === true || /\bhired\b/.test(words)) return 'HIRED';
  if (/disposition|reject|declin|withdr|not selected|disqualif/.test(words) || (a.disposition && !/\bhired\b/.test(words)))
    return 'DECLINED';
  return 'PENDING';
}

function stageOf(a: UkgApplication): RemoteStage | null {
  const step = a.step;
  const id = str(step?.id) ?? str(step?.name);
  return id ? { remote_id: id, name: str(step?.name) ?? str(step?.title) } : null;
}

export function toApplication(a: UkgApplication): RemoteApplication | null {
  const candidate = str(a.candidate?.id);
  if (!candidate) return null;
  const outcome = outcomeOf(a);
  return {
    remote_id: String(a.id),
    candidate_remote_id: candidate,
    job_remote_id: str(a.opportunity?.id),
    current_stage: stageOf(a),
    outcome,
    rejection_reason_name: outcome === 'DECLINED' ? text(a.disposition as UkgNamed | string | null) : null,
    remote_created_at: str(a.created_at) ?? str(a.applied_date),
    remote_updated_at: str(a.updated_at) ?? str(a.created_at),
    remote_data: { [`/applications/${a.id}`]: a },
  };
}

/** Opportunities are read in full on every sync: a tenant has few, and the filter is not documented for them. */
export function readJobs(ctx: UkgContext, _opts: ReadOptions): PageStream<RemoteJob> {
  return mapPages(ukgPages<UkgOpportunity>(ukgClient(ctx), 'opportunities', {}), toJob);
}

export function readCandidates(ctx: UkgContext, opts: ReadOptions): PageStream<RemoteCandidate> {
  return mapPages(ukgPages<UkgCandidate>(ukgClient(ctx), 'candidates', updatedAfter(opts), ['updated_after']), toCandidate);
}

export function readApplications(ctx: UkgContext, opts: ReadOptions): PageStream<RemoteApplication> {
  return mapPages(ukgPages<UkgApplication>(ukgClient(ctx), 'applications', updatedAfter(opts), ['updated_after']), toApplication);
}
