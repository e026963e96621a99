/**
 * Bullhorn's application status: a JobSubmission has no stage entity, only `status`, a String(30)
 * whose "allowable values are available in the response of the settings/jobResponseStatusList
 * operation" (entity reference, JobSubmission). atsgate maps:
 *   stages            = the list's values that are not rejections, in the list's order (every job
 *                       lists the same ones: the list is the corporation's, not a job's)
 *   rejection reasons = the list's values that read as rejections ("Client Rejected", …), the
 *                       same rule read.ts uses for an application's outcome
 *   move / reject     = `POST entity/JobSubmission/{id}` with `{ status }` [BH-ENTITY]
 * Bullhorn has no rejection-reason field: the rejection status is the reason, and a rejection
 * note goes into a Note about the candidate tied to the application's JobOrder.
 */
import type { HttpClient } from '../../http/client.ts';
import { secondaryStep } from '../helpers/secondary.ts';
import type {
  ApplicationRef,
  Outcome,
  PageStream,
  RejectInput,
  RemoteRejectionReason,
  RemoteStage,
  StageMoveInput,
  WriteResult,
} from '../types.ts';
import { bullhornClient, type BullhornContext } from './client.ts';
import { addNote } from './write.ts';

const TOOL = 'Bullhorn';
export const STATUS_SETTING = 'jobResponseStatusList';

/** A status entry as the setting may give it: a string (the documented value type) or a value/label pair. */
function statusText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['value', 'label', 'name']) if (typeof o[k] === 'string' && (o[k] as string).trim()) return (o[k] as string).trim();
  }
  return null;
}

const unique = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))];

/**
 * The corporation's JobSubmission statuses: `GET settings/jobResponseStatusList` ([BH-SETTINGS]:
 * `{ <setting>: value }`). Where that answers nothing usable (refused, empty), the `status`
 * field's options from `GET meta/JobSubmission?fields=status` ([BH-META]: "options … value/label
 * pairs"). Neither: an empty list (jobs then list no stages, and there are no rejection reasons).
 */
export async function jobResponseStatuses(client: HttpClient): Promise<string[]> {
  const setting = await client.request<Record<string, unknown>>({
    method: 'GET',
    path: `settings/${STATUS_SETTING}`,
    accept: [400, 403, 404],
  });
  const listed = setting.status < 300 ? setting.data?.[STATUS_SETTING] : null;
  const fromSetting = Array.isArray(listed) ? unique(listed.map(statusText)) : [];
  if (fromSetting.length) return fromSetting;
  const meta = await client.request<{ fields?: { name?: string; options?: unknown[] }[] }>({
    method: 'GET',
    path: 'meta/JobSubmission',
    query: { fields: 'status' },
    accept: [400, 403, 404],
  });
  const field = meta.status < 300 ? meta.data?.fields?.find((f) => f?.name === 'status') : undefined;
  return Array.isArray(field?.options) ? unique(field.options.map(statusText)) : [];
}

/**
 * JobSubmission `status` values come from the customer's jobResponseStatusList; Bullhorn's
 * defaults include "Placed" and rejection wording ("Client Rejected", "Candidate Rejected",
 * "Not Interested"). Anything else is pending (README "Outcome").
 */
export function outcomeOf(status: string | null): Outcome {
  if (!status) return 'PENDING';
  if (/\bplaced\b|\bhired\b/i.test(status)) return 'HIRED';
  if (/reject|declin|not interested|withdrawn/i.test(status)) return 'DECLINED';
  return 'PENDING';
}

const isRejection = (status: string) => outcomeOf(status) === 'DECLINED';

/** The stages every job lists: the statuses that are not rejections. */
export function stagesOf(statuses: string[]): RemoteStage[] {
  return statuses.filter((s) => !isRejection(s)).map((s, index) => ({ remote_id: s, name: s, index }));
}

/** GET /ats/rejection-reasons: the statuses that are rejections. */
export async function* readRejectionReasons(ctx: BullhornContext): PageStream<RemoteRejectionReason> {
  const statuses = await jobResponseStatuses(await bullhornClient(ctx));
  yield statuses.filter(isRejection).map((s) => ({ remote_id: s, name: s, remote_data: { [`/settings/${STATUS_SETTING}`]: s } }));
}

/** `POST entity/JobSubmission/{id}` with the new status (an update: `changeType: "UPDATE"`). */
async function setStatus(client: HttpClient, application: ApplicationRef, status: string): Promise<void> {
  await client.request({
    method: 'POST',
    path: `entity/JobSubmission/${encodeURIComponent(application.remote_id)}`,
    json: { status },
    notFound: `application ${application.remote_id}`,
  });
}

export async function moveApplicationToStage(
  ctx: BullhornContext,
  application: ApplicationRef,
  move: StageMoveInput,
): Promise<WriteResult> {
  await setStatus(await bullhornClient(ctx), application, move.stage.remote_id);
  return { warnings: [] };
}

export async function rejectApplication(ctx: BullhornContext, application: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  const client = await bullhornClient(ctx);
  await setStatus(client, application, reject.reason.remote_id);
  const warnings: string[] = [];
  if (reject.note) {
    const target = { candidateId: application.candidate_remote_id, jobOrderId: application.job_remote_id };
    const done = await secondaryStep(warnings, `Adding the rejection note as a ${TOOL} Note`, () =>
      addNote(client, target, reject.note!, null, warnings),
    );
    if (done.ok)
      warnings.push(
        `${TOOL}'s JobSubmission status takes no note; the rejection note was added as a Note about the candidate` +
          (application.job_remote_id ? `, tied to job ${application.job_remote_id}.` : '.'),
      );
  }
  return { warnings };
}
