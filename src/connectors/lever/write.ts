/**
 * Writing to Lever. Everything lands on opportunities (Lever's candidacies):
 * - result link: POST /opportunities/:id/addLinks puts the URL in the person's Lever links
 *   (links belong to the contact and carry no label), and POST /opportunities/:id/notes adds a
 *   note with the label, URL and attributes, because links cannot show a label and Lever has no
 *   free-form custom fields (its profile forms need a pre-built template with every field set).
 * - attachment: POST /opportunities/:id/files (multipart `file`, perform_as required).
 * Candidate-level calls go to the candidate's current opportunities (open ones, else the newest).
 */
import { FormData } from '../../http/client.ts';
import type { HttpClient } from '../../http/client.ts';
import { AtsgateError } from '../../errors.ts';
import { currentApplications, resultNoteText, warn } from '../helpers/result-link.ts';
import type {
  ApplicationRef,
  AttachmentInput,
  AttachmentType,
  CandidateRef,
  NoteInput,
  PageStream,
  RejectInput,
  RemoteAttachment,
  RemoteRejectionReason,
  ResultLinkInput,
  StageMoveInput,
  WriteResult,
  RemoteCustomField,
} from '../types.ts';
import { secondaryStep } from '../helpers/secondary.ts';
import { candidateOf } from '../helpers/application-level.ts';
import {
  leverAll,
  leverClient,
  leverPages,
  leverExt,
  leverMs,
  performAs,
  type LeverArchiveReason,
  type LeverContext,
  type LeverFile,
  type LeverResume,
} from './client.ts';
import { contactOpportunities } from './read.ts';
import { attachmentBlob, contentTypeFromName } from '../helpers/files.ts';

const TOOL = 'Lever';

const labelWarning = (where: string) =>
  `Lever links have no display label and belong to the person (they show on all of their opportunities); ` +
  `the URL was added to the candidate's links and the label, URL and attributes were written into a note on ${where}.`;

// ---------------------------------------------------------------------------------------------
// Which opportunities a candidate-level write goes to
// ---------------------------------------------------------------------------------------------

/** The candidate's current opportunities; asks Lever when the last sync knew of none. */
async function currentOpportunityIds(client: HttpClient, candidate: CandidateRef): Promise<string[]> {
  const known = currentApplications(candidate).map((a) => a.remote_id);
  if (known.length) return known;
  const live = await contactOpportunities(client, candidate.remote_id);
  const open = live.filter((o) => !o.archived?.archivedAt);
  const chosen = open.length ? open : live.slice(0, 1);
  if (!chosen.length)
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `candidate ${candidate.remote_id} was not found in Lever (no opportunities for this contact).`,
      { status: 404 },
    );
  return chosen.map((o) => o.id);
}

/** Every opportunity of the candidate (for listing files), synced or live. */
async function allOpportunityIds(client: HttpClient, candidate: CandidateRef): Promise<string[]> {
  if (candidate.applications.length) return candidate.applications.map((a) => a.remote_id);
  const live = await contactOpportunities(client, candidate.remote_id);
  if (!live.length)
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `candidate ${candidate.remote_id} was not found in Lever (no opportunities for this contact).`,
      { status: 404 },
    );
  return live.map((o) => o.id);
}

// ---------------------------------------------------------------------------------------------
// Result links
// ---------------------------------------------------------------------------------------------

async function addLink(client: HttpClient, opportunityId: string, url: string, user: string | undefined, what: string): Promise<void> {
  await client.request({
    method: 'POST',
    path: `opportunities/${encodeURIComponent(opportunityId)}/addLinks`,
    query: { perform_as: user },
    json: { links: [url] },
    notFound: what,
  });
}

async function addNote(client: HttpClient, opportunityId: string, text: string, user: string | undefined, what: string): Promise<void> {
  await client.request({
    method: 'POST',
    path: `opportunities/${encodeURIComponent(opportunityId)}/notes`,
    query: { perform_as: user },
    json: { value: text },
    notFound: what,
  });
}

function resultWarnings(link: ResultLinkInput, where: string): string[] {
  const warnings = [labelWarning(where)];
  if (link.details?.attributes.length) warnings.push(warn.attributesAsNote(TOOL));
  return warnings;
}

export async function addApplicationResultLink(
  ctx: LeverContext,
  application: ApplicationRef,
  link: ResultLinkInput,
): Promise<WriteResult> {
  const client = leverClient(ctx);
  const user = performAs(ctx, link.remote_fields);
  const what = `application ${application.remote_id}`;
  await addLink(client, application.remote_id, link.url, user, what);
  await addNote(client, application.remote_id, resultNoteText(link), user, what);
  return { warnings: resultWarnings(link, 'the opportunity') };
}

export async function addCandidateResultLink(ctx: LeverContext, candidate: CandidateRef, link: ResultLinkInput): Promise<WriteResult> {
  const client = leverClient(ctx);
  const user = performAs(ctx, link.remote_fields);
  const opportunityIds = await currentOpportunityIds(client, candidate);
  const what = (id: string) => `application ${id} of candidate ${candidate.remote_id}`;
  // Links are stored on the contact, so one addLinks call covers every opportunity.
  await addLink(client, opportunityIds[0], link.url, user, what(opportunityIds[0]));
  for (const id of opportunityIds) await addNote(client, id, resultNoteText(link), user, what(id));
  const n = opportunityIds.length;
  return {
    warnings: [warn.fannedOut(TOOL, n), ...resultWarnings(link, n === 1 ? 'that opportunity' : 'each of them')],
  };
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

export async function addCandidateAttachment(
  ctx: LeverContext,
  candidate: CandidateRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  const user = performAs(ctx, attachment.remote_fields);
  if (!user) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      'Lever requires a user to upload files as (perform_as): pass remote_fields.lever.perform_as or set the ' +
        "integration's default perform_as user id.",
    );
  }
  const client = leverClient(ctx);
  const opportunityIds = await currentOpportunityIds(client, candidate);
  for (const id of opportunityIds) {
    const form = new FormData();
    form.append('file', attachmentBlob(attachment), attachment.name);
    await client.request({
      method: 'POST',
      path: `opportunities/${encodeURIComponent(id)}/files`,
      query: { perform_as: user },
      body: form,
      redactBody: true,
      notFound: `application ${id} of candidate ${candidate.remote_id}`,
    });
  }
  const n = opportunityIds.length;
  const warnings = [
    `Lever keeps files on opportunities; the file was uploaded to ${n} current opportunit${n === 1 ? 'y' : 'ies'} of the candidate.`,
  ];
  if (attachment.type !== 'OTHER') {
    warnings.push(
      `Lever files have no document type and resumes can only be added when an opportunity is created; the ${attachment.type === 'CV' ? 'CV' : 'cover letter'} was uploaded as a file.`,
    );
  }
  return { warnings };
}

/** `ref` handed to ctx.signedFileUrl: which download endpoint serves the bytes. */
type FileRef = { kind: 'files' | 'resumes'; opportunityId: string; id: string; name: string; ext: string | null };
const encodeRef = (r: FileRef) => Buffer.from(JSON.stringify(r)).toString('base64url');
function decodeRef(ref: string): FileRef {
  try {
    const r = JSON.parse(Buffer.from(ref, 'base64url').toString('utf8')) as FileRef;
    if ((r.kind === 'files' || r.kind === 'resumes') && r.opportunityId && r.id) return r;
  } catch {
    // fall through
  }
  throw new AtsgateError('PLATFORM.INPUT_INVALID', 'The file reference is not a Lever file reference.');
}

export async function listCandidateAttachments(
  ctx: LeverContext,
  candidate: CandidateRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  const client = leverClient(ctx);
  const attachments: RemoteAttachment[] = [];
  const add = (r: FileRef, type: AttachmentType, uploadedAtRaw: number | string | null | undefined) => {
    const uploadedAt = leverMs(uploadedAtRaw);
    attachments.push({
      remote_id: r.id,
      application_remote_id: r.opportunityId,
      type,
      file_name: r.name,
      content_type: contentTypeFromName(r.ext || r.name),
      // Lever's downloadUrl needs the API key, so callers get an atsgate-signed URL instead.
      data_url: ctx.signedFileUrl(encodeRef(r)),
      remote_created_at: uploadedAt === null ? null : new Date(uploadedAt),
      remote_updated_at: uploadedAt === null ? null : new Date(uploadedAt),
    });
  };
  for (const opp of await allOpportunityIds(client, candidate)) {
    const base = `opportunities/${encodeURIComponent(opp)}`;
    const what = `application ${opp} of candidate ${candidate.remote_id}`;
    for (const r of await leverAll<LeverResume>(client, `${base}/resumes`, {}, what)) {
      if (r.file)
        add(
          { kind: 'resumes', opportunityId: opp, id: r.id, name: r.file.name, ext: leverExt(r.file.ext) },
          'CV',
          r.file.uploadedAt ?? r.createdAt,
        );
    }
    for (const f of await leverAll<LeverFile>(client, `${base}/files`, {}, what)) {
      add({ kind: 'files', opportunityId: opp, id: f.id, name: f.name, ext: leverExt(f.ext) }, 'OTHER', f.uploadedAt);
    }
  }
  const warnings = attachments.some((a) => a.type === 'OTHER')
    ? ['Lever files carry no document type; resumes are reported as CV and every other file as OTHER.']
    : [];
  return { attachments, warnings };
}

export async function downloadAttachment(
  ctx: LeverContext,
  ref: string,
): Promise<{ content_type: string; file_name: string; data: Buffer }> {
  const r = decodeRef(ref);
  const client = leverClient(ctx);
  const res = await client.request<Buffer>({
    method: 'GET',
    path: `opportunities/${encodeURIComponent(r.opportunityId)}/${r.kind}/${encodeURIComponent(r.id)}/download`,
    headers: { accept: '*/*' },
    responseType: 'buffer',
    notFound: `${r.kind === 'resumes' ? 'resume' : 'file'} ${r.id}`,
  });
  return {
    content_type: res.headers['content-type']?.split(';')[0] || contentTypeFromName(r.ext || r.name),
    file_name: r.name,
    data: res.data,
  };
}

// ---------------------------------------------------------------------------------------------
// Application notes and files (an application is a Lever opportunity: both are native there)
// ---------------------------------------------------------------------------------------------

/** POST /opportunities/:id/notes on the application's own opportunity, as `perform_as`. */
export async function addApplicationNote(ctx: LeverContext, application: ApplicationRef, note: NoteInput): Promise<WriteResult> {
  await addNote(
    leverClient(ctx),
    application.remote_id,
    note.content,
    performAs(ctx, note.remote_fields),
    `application ${application.remote_id}`,
  );
  return { warnings: [] };
}

/**
 * The candidate-level upload, given this opportunity as the candidate's only current one, so it
 * uploads to this opportunity and nowhere else; its sentence about fanning out does not apply.
 */
export async function addApplicationAttachment(
  ctx: LeverContext,
  application: ApplicationRef,
  attachment: AttachmentInput,
): Promise<WriteResult> {
  const out = await addCandidateAttachment(ctx, candidateOf(application), attachment);
  return { warnings: out.warnings.filter((w) => !w.startsWith('Lever keeps files on opportunities')) };
}

/** This opportunity's resumes and files (the candidate listing, narrowed to one opportunity). */
export async function listApplicationAttachments(
  ctx: LeverContext,
  application: ApplicationRef,
): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }> {
  return listCandidateAttachments(ctx, candidateOf(application));
}

/** A profile form template [LV, Profile Form Templates]; its `fields` are what a profile form holds. */
interface LeverFormTemplate {
  id: string;
  text?: string | null;
  fields?: { id?: string | null; text?: string | null; type?: string | null }[] | null;
}

/**
 * GET /v1/integrations/:id/custom-fields: Lever's custom data on an opportunity lives in profile
 * forms, each made from a profile form template (GET /form_templates: "all active profile form
 * templates for an account", with their fields [LV, Profile Form Templates]). Every template
 * field is listed, named "<template>: <field>", on applications (opportunities). Lever takes
 * no writes to single fields (a profile form is created whole), so result-link attributes still
 * go into the note; this list is what a vendor sees of the account's form setup. A key without
 * the Form Templates permission is refused (403), which the endpoint reports.
 */
export async function listCustomFields(ctx: LeverContext): Promise<RemoteCustomField[]> {
  const out: RemoteCustomField[] = [];
  for await (const page of leverPages<LeverFormTemplate>(leverClient(ctx), 'form_templates')) {
    for (const t of page) {
      for (const f of t.fields ?? []) {
        if (!f?.id || !f.text) continue;
        out.push({ remote_id: `${t.id}:${f.id}`, name: `${t.text ?? t.id}: ${f.text}`, model: 'ats_applications' });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stage moves and rejections (an application is an opportunity; rejecting is archiving)
// ---------------------------------------------------------------------------------------------

/**
 * PUT /opportunities/:id/stage `{stage}` as `perform_as` [LV, Opportunities: update stage]. Lever's
 * stages are account-wide, so any stage of the pipeline is one of the posting's. An archived
 * opportunity keeps its archive state: a warning says so.
 */
export async function moveApplicationToStage(ctx: LeverContext, application: ApplicationRef, move: StageMoveInput): Promise<WriteResult> {
  await leverClient(ctx).request({
    method: 'PUT',
    path: `opportunities/${encodeURIComponent(application.remote_id)}/stage`,
    query: { perform_as: performAs(ctx, move.remote_fields) },
    json: { stage: move.stage.remote_id },
    notFound: `opportunity ${application.remote_id}`,
  });
  return {
    warnings:
      application.outcome === 'PENDING' || application.outcome === null
        ? []
        : [`Opportunity ${application.remote_id} is archived in Lever; its stage changed but it stays archived.`],
  };
}

/**
 * Rejecting is archiving with a non-hired archive reason: PUT /opportunities/:id/archived
 * `{reason}` as `perform_as` [LV, Opportunities: update archived state]. Lever's archive takes no
 * text, so a note goes to the opportunity's notes afterwards (a secondary step) and a warning says so.
 */
export async function rejectApplication(ctx: LeverContext, application: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  const client = leverClient(ctx);
  const user = performAs(ctx, reject.remote_fields);
  await client.request({
    method: 'PUT',
    path: `opportunities/${encodeURIComponent(application.remote_id)}/archived`,
    query: { perform_as: user },
    json: { reason: reject.reason.remote_id },
    notFound: `opportunity ${application.remote_id}`,
  });
  const warnings: string[] = [];
  if (reject.note) {
    const done = await secondaryStep(warnings, 'Adding the rejection note to the Lever opportunity', () =>
      addNote(client, application.remote_id, reject.note!, user, `opportunity ${application.remote_id}`),
    );
    if (done.ok) warnings.push("Lever's archive takes no note; the rejection note was added as a note on the opportunity.");
  }
  return { warnings };
}

/** Archive reasons of type non-hired: the ones that reject (the hired ones mark a hire). */
export async function* readRejectionReasons(ctx: LeverContext): PageStream<RemoteRejectionReason> {
  const reasons = await leverAll<LeverArchiveReason>(leverClient(ctx), 'archive_reasons');
  yield reasons.filter((r) => r.type !== 'hired').map((r) => ({ remote_id: r.id, name: r.text, remote_data: { '/archive_reasons': r } }));
}
