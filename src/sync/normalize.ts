/**
 * Turns what a connector read (Remote*) into the record we store: Kombo's field set with
 * every required-nullable key present, Kombo IDs derived from remote IDs, ISO timestamps.
 * Relations (a candidate's applications, an application's candidate and job) are stored as
 * IDs and composed at read time, so one change upstream updates one row here.
 */
import { hash } from 'node:crypto';
import { komboId } from '../ids.ts';
import type {
  RemoteApplication,
  RemoteCandidate,
  RemoteJob,
  RemoteRejectionReason,
  RemoteStage,
  RemoteTag,
  RemoteUser,
  Timestamp,
} from '../connectors/types.ts';

export function iso(t: Timestamp): string | null {
  if (t === null || t === undefined || t === '') return null;
  const d = t instanceof Date ? t : new Date(t);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** SHA-256 of the record's JSON text: changed_at moves only when this changes. */
export const hashJson = (json: string) => hash('sha256', json, 'base64url');

/** `data`, its JSON text (stored as is: serialised once per record) and that text's hash. */
function withJson<D>(data: D): { data: D; json: string; hash: string } {
  const json = JSON.stringify(data);
  return { data, json, hash: hashJson(json) };
}

export interface StoredRow {
  id: string;
  remote_id: string;
  data: Record<string, unknown>;
  /** JSON.stringify(data), the text `hash` was computed from. */
  json: string;
  hash: string;
  remote_created_at: string | null;
}

export const stageId = (integrationId: string, s: RemoteStage) => komboId(integrationId, s.remote_id);

function stage(integrationId: string, s: RemoteStage | null | undefined) {
  if (!s) return null;
  return {
    id: stageId(integrationId, s),
    remote_id: s.remote_id,
    name: s.name ?? null,
    index: s.index ?? null,
    status: null,
    custom_fields: null,
  };
}

const nul = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const cleanUrl = (u: string | null | undefined) => (u && /^https?:\/\//i.test(u) ? u : null);

export function normalizeJob(
  integrationId: string,
  j: RemoteJob,
): StoredRow & { name: string | null; status: string | null; job_code: string | null } {
  const data = {
    remote_id: j.remote_id,
    name: nul(j.name),
    job_code: nul(j.job_code),
    description: nul(j.description),
    confidential: nul(j.confidential),
    weekly_hours: nul(j.weekly_hours),
    employment_type: nul(j.employment_type),
    status: nul(j.status),
    visibility: nul(j.visibility),
    category: nul(j.category),
    department: nul(j.department),
    post_url: cleanUrl(j.post_url),
    experience_level: null,
    remote_work_status: null,
    salary_amount: null,
    salary_amount_from: null,
    salary_amount_to: null,
    salary_currency: null,
    salary_period: null,
    location: nul(j.location),
    custom_fields: nul(j.custom_fields),
    integration_fields: [],
    remote_url: cleanUrl(j.remote_url),
    opened_at: iso(j.opened_at),
    closed_at: iso(j.closed_at),
    remote_created_at: iso(j.remote_created_at),
    remote_updated_at: iso(j.remote_updated_at),
    contact_id: null,
    remote_data: null,
    stages: (j.stages ?? []).map((s, i) => ({
      id: stageId(integrationId, s),
      remote_id: s.remote_id,
      name: s.name ?? null,
      index: s.index ?? i,
    })),
    screening_questions: [],
    job_postings: [],
    hiring_team: [],
  };
  return {
    id: komboId(integrationId, j.remote_id),
    remote_id: j.remote_id,
    ...withJson(data),
    remote_created_at: data.remote_created_at,
    name: data.name,
    status: data.status,
    job_code: data.job_code,
  };
}

export function normalizeCandidate(
  integrationId: string,
  c: RemoteCandidate,
): StoredRow & { emails: string[]; first_name_lc: string | null; last_name_lc: string | null } {
  const data = {
    remote_id: c.remote_id,
    first_name: nul(c.first_name),
    last_name: nul(c.last_name),
    company: nul(c.company),
    title: nul(c.title),
    confidential: nul(c.confidential),
    source: nul(c.source),
    phone_numbers: (c.phone_numbers ?? []).filter((p) => p.phone_number),
    // Kombo filters invalid addresses out.
    email_addresses: (c.email_addresses ?? []).filter((e) => /^[^\s@]+@[^\s@]+$/.test(e.email_address)),
    social_media: c.social_media ?? [],
    location: nul(c.location),
    custom_fields: nul(c.custom_fields),
    integration_fields: [],
    remote_url: cleanUrl(c.remote_url),
    remote_created_at: iso(c.remote_created_at),
    remote_updated_at: iso(c.remote_updated_at),
    remote_data: nul(c.remote_data),
    tags: (c.tags ?? []).map((t) => ({ id: komboId(integrationId, tagKey(t)), name: t.name, remote_id: t.remote_id })),
  };
  return {
    id: komboId(integrationId, c.remote_id),
    remote_id: c.remote_id,
    ...withJson(data),
    remote_created_at: data.remote_created_at,
    emails: data.email_addresses.map((e) => e.email_address.toLowerCase()),
    first_name_lc: data.first_name?.toLowerCase() ?? null,
    last_name_lc: data.last_name?.toLowerCase() ?? null,
  };
}

export function normalizeApplication(
  integrationId: string,
  a: RemoteApplication,
): StoredRow & { candidate_id: string; job_id: string | null; current_stage_id: string | null; outcome: string | null } {
  const current_stage = stage(integrationId, a.current_stage);
  const data = {
    remote_id: a.remote_id,
    outcome: nul(a.outcome),
    rejection_reason_name: nul(a.rejection_reason_name),
    rejected_at: iso(a.rejected_at),
    current_stage_id: current_stage?.id ?? null,
    job_id: a.job_remote_id ? komboId(integrationId, a.job_remote_id) : null,
    candidate_id: komboId(integrationId, a.candidate_remote_id),
    candidate_remote_id: a.candidate_remote_id,
    job_remote_id: a.job_remote_id ?? null,
    custom_fields: nul(a.custom_fields),
    integration_fields: [],
    remote_url: cleanUrl(a.remote_url),
    remote_created_at: iso(a.remote_created_at),
    remote_updated_at: iso(a.remote_updated_at),
    remote_data: nul(a.remote_data),
    current_stage,
    screening_question_answers: [],
    interviews: [],
    offers: [],
  };
  return {
    id: komboId(integrationId, a.remote_id),
    remote_id: a.remote_id,
    ...withJson(data),
    remote_created_at: data.remote_created_at,
    candidate_id: data.candidate_id,
    job_id: data.job_id,
    current_stage_id: data.current_stage_id,
    outcome: data.outcome,
  };
}

/** Kombo's user email pattern (GET /ats/users): an address that does not match is sent as null. */
const USER_EMAIL = /^(?!\.)(?!.*\.\.)([\w'+\-.]*)[\w+-]@([\da-z][\da-z-]*\.)+[a-z]{2,}$/;

export const userId = (integrationId: string, remoteId: string) => komboId(integrationId, `user:${remoteId}`);

export function normalizeUser(integrationId: string, u: RemoteUser): StoredRow & { email_lc: string | null } {
  const email = u.email?.trim().toLowerCase() || null;
  const data = {
    remote_id: u.remote_id,
    first_name: nul(u.first_name),
    last_name: nul(u.last_name),
    email: email && USER_EMAIL.test(email) ? email : null,
    status: nul(u.status),
    remote_created_at: iso(u.remote_created_at),
    remote_updated_at: iso(u.remote_updated_at),
    remote_data: nul(u.remote_data),
    system_roles: u.system_roles ?? [],
  };
  return {
    // Namespaced: an ATS may number its users and its candidates alike (Greenhouse), and a
    // Kombo id names one record whatever the model.
    id: userId(integrationId, u.remote_id),
    remote_id: u.remote_id,
    ...withJson(data),
    remote_created_at: data.remote_created_at,
    email_lc: data.email,
  };
}

/**
 * The key a tag is stored under: the ATS's id, or "tag:<name>" where the ATS names tags by text
 * only. A candidate's `tags[].id` and the tag's row in GET /ats/tags derive from the same key.
 */
export const tagKey = (t: { remote_id: string | null; name: string | null }): string => t.remote_id ?? `tag:${t.name}`;

export function normalizeTag(integrationId: string, t: RemoteTag): StoredRow & { name: string } {
  const key = tagKey(t);
  const data = { remote_id: t.remote_id, name: t.name, remote_data: nul(t.remote_data) };
  return { id: komboId(integrationId, key), remote_id: key, ...withJson(data), remote_created_at: null, name: t.name };
}

/**
 * The tag rows a freshly read candidate adds where GET /ats/tags is made of the candidates' tags
 * (`capabilities.tags.list === 'candidates'`): a one-candidate read (after a write, or after a
 * vendor webhook) keeps the list complete until the next sync. None where the ATS has a tag list
 * of its own: the sync reads that.
 */
export function tagsOfCandidate(integrationId: string, tagList: string, candidate: RemoteCandidate): (StoredRow & { name: string })[] {
  if (tagList !== 'candidates') return [];
  return (candidate.tags ?? []).filter((t): t is RemoteTag => !!t.name).map((t) => normalizeTag(integrationId, t));
}

/** A rejection reason: Kombo's fields (changed_at and remote_deleted_at come from the row). */
export function normalizeRejectionReason(integrationId: string, r: RemoteRejectionReason): StoredRow {
  const data = { remote_id: r.remote_id, name: nul(r.name), remote_data: nul(r.remote_data) };
  return { id: komboId(integrationId, r.remote_id), remote_id: r.remote_id, ...withJson(data), remote_created_at: null };
}

/**
 * An application's stored record after a stage move or a rejection that the ATS accepted, so
 * readers see it before the next read-back or sync brings the ATS's own version.
 */
export function changedApplication(
  integrationId: string,
  row: { id: string; remote_id: string; data: Record<string, any> },
  change: { stage: RemoteStage } | { rejected: { reason_name: string | null; at: Date } },
): StoredRow & { candidate_id: string; job_id: string | null; current_stage_id: string | null; outcome: string | null } {
  const data = { ...row.data };
  if ('stage' in change) {
    const s = stage(integrationId, change.stage)!;
    data.current_stage = { ...s, status: data.current_stage?.status ?? null, custom_fields: data.current_stage?.custom_fields ?? null };
    data.current_stage_id = s.id;
  } else {
    data.outcome = 'DECLINED';
    data.rejection_reason_name = change.rejected.reason_name;
    data.rejected_at = change.rejected.at.toISOString();
  }
  return {
    id: row.id,
    remote_id: row.remote_id,
    ...withJson(data),
    remote_created_at: data.remote_created_at ?? null,
    candidate_id: data.candidate_id,
    job_id: data.job_id ?? null,
    current_stage_id: data.current_stage_id ?? null,
    outcome: data.outcome ?? null,
  };
}
