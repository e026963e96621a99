/**
 * Reading Workday Recruiting (v26.1 Recruiting web service):
 * - jobs: Get_Job_Requisitions, with Transaction_Log_Criteria_Data (Updated_From/Updated_Through)
 *   for a delta sync;
 * - candidates and their job applications: Get_Candidates (Candidate_Data/Job_Application_Data/
 *   Job_Applied_To_Data). Get_Candidates v26.1 has no updated-since criterion (only Applied_From,
 *   which misses stage changes), so candidates and applications are always read in full: a delta
 *   sync gets a superset, never less.
 */
import { mapPages } from '../helpers/pagination.ts';
import type { Outcome, ReadOptions, RemoteApplication, RemoteCandidate, RemoteJob } from '../types.ts';
import { pages, refId, text, wid, type WdNode, type WorkdayContext } from './client.ts';

/** Job_Requisition_Status_ID values (tenant-configurable reference IDs; Workday's delivered ones are Open, Filled, Closed, Frozen). */
function jobStatus(ref: any): RemoteJob['status'] {
  const id = (refId(ref, 'Job_Requisition_Status_ID') ?? ref?.['@_Descriptor'] ?? '').toLowerCase();
  if (!id) return null;
  if (id.includes('open')) return 'OPEN';
  if (/fill|close|frozen|cancel/.test(id)) return 'CLOSED';
  return null;
}

export function jobFrom(j: any): RemoteJob | null {
  const id = wid(j.Job_Requisition_Reference);
  if (!id) return null;
  const data = j.Job_Requisition_Data ?? {};
  const detail = data.Job_Requisition_Detail_Data ?? {};
  return {
    remote_id: id,
    name: text(detail.Job_Posting_Title),
    job_code: refId(j.Job_Requisition_Reference, 'Job_Requisition_ID'),
    description: text(detail.Job_Description) ?? text(detail.Job_Description_Summary),
    status: jobStatus(data.Job_Requisition_Status_Reference),
    department: text(data.Supervisory_Organization_Reference?.['@_Descriptor']),
    // Workday's recruiting stages are Workday-owned and the same for every requisition; a job's
    // business process decides which it passes through, which the web service does not list.
    stages: [],
  };
}

export function readJobs(ctx: WorkdayContext, opts: ReadOptions) {
  const head: WdNode | undefined = opts.updatedAfter
    ? {
        Request_Criteria: {
          Transaction_Log_Criteria_Data: {
            Transaction_Date_Range_Data: { Updated_From: opts.updatedAfter.toISOString(), Updated_Through: new Date().toISOString() },
          },
        },
      }
    : undefined;
  return mapPages(
    pages(ctx, 'Get_Job_Requisitions', { head, group: { Include_Reference: true, Include_Job_Requisition_Definition_Data: true } }, (d) =>
      Array.isArray(d.Job_Requisition) ? d.Job_Requisition : [],
    ),
    jobFrom,
  );
}

/** Every candidate, full (see the file comment on why there is no delta). */
export function candidatePages(ctx: WorkdayContext) {
  return pages(ctx, 'Get_Candidates', { group: { Include_Reference: true } }, (d) => (Array.isArray(d.Candidate) ? d.Candidate : []));
}

function appliedTo(c: any): any[] {
  const apps: any[] = Array.isArray(c.Candidate_Data?.Job_Application_Data) ? c.Candidate_Data.Job_Application_Data : [];
  return apps.flatMap((a) => (Array.isArray(a.Job_Applied_To_Data) ? a.Job_Applied_To_Data : []));
}

/**
 * The record for remote_data without inline file content: Get_Candidates v26.1 returns each job
 * application's Resume_Attachment_Data with File_Content (base64) and cannot leave it out.
 */
function withoutFileContent(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutFileContent);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => k !== 'File_Content')
      .map(([k, x]) => [k, withoutFileContent(x)]),
  );
}

const times = (xs: (string | null)[]) => xs.filter((x): x is string => !!x && !Number.isNaN(Date.parse(x))).sort();

export function candidateFrom(c: any): RemoteCandidate | null {
  const id = wid(c.Candidate_Reference);
  if (!id) return null;
  const data = c.Candidate_Data ?? {};
  const contact = data.Contact_Data ?? {};
  const loc = contact.Location_Data;
  const applied = appliedTo(c);
  const stamps = times(applied.flatMap((a) => [text(a.Job_Application_Date), text(a.Status_Timestamp)]));
  const email = text(contact.Email_Address);
  const phone = text(contact.Phone_Number);
  const sites: any[] = Array.isArray(contact.Website_Data) ? contact.Website_Data : [];
  return {
    remote_id: id,
    first_name: text(data.Name_Data?.First_Name),
    last_name: text(data.Name_Data?.Last_Name),
    email_addresses: email ? [{ email_address: email, type: null }] : [],
    phone_numbers: phone ? [{ phone_number: phone, type: null }] : [],
    social_media: sites.map((s) => ({ link: text(s.URL_Address) })).filter((s) => s.link),
    location: loc
      ? {
          city: text(loc.City),
          street_1: text(loc.Address_Line_1),
          street_2: text(loc.Address_Line_2),
          zip_code: text(loc.Postal_Code),
          state: text(loc.Country_Region_Reference?.['@_Descriptor']),
          country: refId(loc.Country_Reference, 'ISO_3166-1_Alpha-2_Code') ?? text(loc.Country_Reference?.['@_Descriptor']),
        }
      : null,
    source: text(applied[0]?.Source_Reference?.['@_Descriptor']),
    remote_created_at: stamps[0] ?? null,
    remote_updated_at: stamps[stamps.length - 1] ?? null,
    tags: [],
    remote_data: { Get_Candidates: withoutFileContent(c) },
  };
}

/**
 * Disposition_Reference set: the application was dispositioned (declined). Stage "Hired"/"Hire":
 * hired (Recruiting_Stage_ID values are Workday-owned; the delivered list is not in the WSDL, so
 * both the ID and the descriptor are compared).
 */
function outcomeOf(a: any): Outcome {
  if (a.Disposition_Reference) return 'DECLINED';
  const stage = `${refId(a.Stage_Reference, 'Recruiting_Stage_ID') ?? ''} ${a.Stage_Reference?.['@_Descriptor'] ?? ''}`;
  if (/(^|\s)hired?(\s|$)/i.test(stage)) return 'HIRED';
  return 'PENDING';
}

export function applicationsFrom(c: any): RemoteApplication[] {
  const candidate = wid(c.Candidate_Reference);
  if (!candidate) return [];
  const out: RemoteApplication[] = [];
  for (const a of appliedTo(c)) {
    const id = wid(a.Job_Application_Reference);
    if (!id) continue;
    const stageId = wid(a.Stage_Reference);
    const outcome = outcomeOf(a);
    out.push({
      remote_id: id,
      candidate_remote_id: candidate,
      job_remote_id: wid(a.Job_Requisition_Reference),
      current_stage: stageId ? { remote_id: stageId, name: text(a.Stage_Reference?.['@_Descriptor']) } : null,
      outcome,
      rejection_reason_name: outcome === 'DECLINED' ? text(a.Disposition_Reference?.['@_Descriptor']) : null,
      rejected_at: outcome === 'DECLINED' ? text(a.Status_Timestamp) : null,
      remote_created_at: text(a.Job_Application_Date),
      remote_updated_at: text(a.Status_Timestamp) ?? text(a.Job_Application_Date),
      remote_data: { Get_Candidates: withoutFileContent(a) },
    });
  }
  return out;
}

export function readCandidates(ctx: WorkdayContext, _opts: ReadOptions) {
  return mapPages(candidatePages(ctx), candidateFrom);
}

export async function* readApplications(ctx: WorkdayContext, _opts: ReadOptions): AsyncGenerator<RemoteApplication[]> {
  for await (const page of candidatePages(ctx)) {
    const apps = page.flatMap(applicationsFrom);
    if (apps.length) yield apps;
  }
}

/** One candidate by WID (Request_References), for the re-read after a write; null when Workday has none. */
export async function readCandidate(ctx: WorkdayContext, remoteId: string) {
  for await (const page of pages(
    ctx,
    'Get_Candidates',
    {
      head: {
        Request_References: { '@_Skip_Non_Existing_Instances': true, Candidate_Reference: { ID: { '@_type': 'WID', '#text': remoteId } } },
      },
      group: { Include_Reference: true },
    },
    (d) => (Array.isArray(d.Candidate) ? d.Candidate : []),
  )) {
    for (const c of page) {
      const candidate = candidateFrom(c);
      if (candidate?.remote_id === remoteId) return { candidate, applications: applicationsFrom(c) };
    }
  }
  return null;
}
