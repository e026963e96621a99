/**
 * Zoho Recruit statuses as stages: the account's candidate statuses are the stages of every job
 * (Zoho's statuses are per account, not per job: [KOMBO]), read from the `Candidate_Status`
 * picklist of the fields metadata ([ZR-META]; picklist entries as [ZCRM] field-meta gives them).
 * A move or a rejection is Zoho's documented "Change Status" for a candidate with respect to a
 * job opening ([ZR-STATUS]: `PUT /Candidates/status`, `ids` + `jobids` + `Candidate_Status` +
 * `comments`). Rejection reasons are the statuses that mean a rejection. README "Statuses".
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { warn } from '../helpers/result-link.ts';
import type {
  ApplicationRef,
  PageStream,
  ReadOptions,
  RejectInput,
  RemoteFields,
  RemoteJob,
  RemoteRejectionReason,
  RemoteStage,
  StageMoveInput,
  WriteResult,
} from '../types.ts';
import { zohoClient, type ZohoContext } from './client.ts';
import { outcomeOf, readJobs } from './read.ts';

const TOOL = 'Zoho Recruit';

/** The picklists that hold the status, in the order they are looked for. */
const STATUS_FIELDS = [
  { module: 'Candidates', field: 'Candidate_Status' },
  { module: 'Applications', field: 'Application_Status' },
] as const;

/**
 * The account's statuses, from the first status picklist found. `actual_value` is what Zoho
 * stores and takes back; `display_value` the label ([ZCRM] field-meta). A metadata read the
 * token may not make (no settings scope) is an AtsgateError the callers decide about.
 */
export async function statusValues(client: HttpClient): Promise<string[]> {
  for (const { module, field } of STATUS_FIELDS) {
    const res = await client.request<{ fields?: any[] }>({ method: 'GET', path: 'settings/fields', query: { module } });
    const f = (Array.isArray(res.data?.fields) ? res.data.fields : []).find((x) => x?.api_name === field);
    const values: string[] = (Array.isArray(f?.pick_list_values) ? f.pick_list_values : [])
      .map((v: any) => (typeof v === 'string' ? v : (v?.actual_value ?? v?.display_value)))
      .filter((v: unknown): v is string => typeof v === 'string' && v.trim() !== '' && v !== '-None-');
    if (values.length) return [...new Set(values)];
  }
  return [];
}

/**
 * Jobs with the account's statuses as their stages. The status list is an extra: where the token
 * may not read it (no settings scope: PERMISSION_MISSING) the jobs are synced without stages. Any
 * other failure fails the read, so a passing outage never syncs jobs without their stages.
 */
export async function* readJobsWithStages(ctx: ZohoContext, opts: ReadOptions): PageStream<RemoteJob> {
  let stages: RemoteStage[] | null = null;
  try {
    stages = (await statusValues(zohoClient(ctx))).map((s, index) => ({ remote_id: s, name: s, index }));
  } catch (err) {
    if (!(err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING')) throw err;
  }
  for await (const page of readJobs(ctx, opts)) {
    yield stages?.length ? page.map((j) => ({ ...j, stages: stages!.map((s) => ({ ...s })) })) : page;
  }
}

/** The statuses that mean a rejection (by their words, as the outcome is read), as rejection reasons. */
export async function* readRejectionReasons(ctx: ZohoContext, _opts: ReadOptions): PageStream<RemoteRejectionReason> {
  const reasons = (await statusValues(zohoClient(ctx)))
    .filter((s) => outcomeOf(s) === 'DECLINED')
    .map((s) => ({ remote_id: s, name: s, remote_data: { '/settings/fields': { Candidate_Status: s } } }));
  if (reasons.length) yield reasons;
}

function ignoredRemoteFields(remoteFields: RemoteFields | undefined): string[] {
  return Object.entries(remoteFields ?? {})
    .filter(([tool, v]) => tool !== 'zohorecruit' && v && Object.keys(v).length > 0)
    .map(([tool]) => warn.ignoredRemoteField(TOOL, tool));
}

/**
 * `PUT /Candidates/status` with `{ data: [{ ids: [candidate], jobids: [job], Candidate_Status,
 * comments }] }` ([ZR-STATUS] sample 2: a candidate's status with respect to a job opening, which
 * is the application's status). The answer nests its entries (`data: [[{ status, code, message }]]`);
 * any entry with `status: "error"` is a refusal whatever the HTTP status.
 */
async function changeStatus(client: HttpClient, application: ApplicationRef, status: string, comments: string | null): Promise<void> {
  const job = application.job_remote_id;
  if (!job) {
    throw new AtsgateError(
      'PLATFORM.INPUT_INVALID',
      `Application ${application.remote_id} has no job opening in the last sync; Zoho Recruit changes a status with respect to a job opening.`,
    );
  }
  const entry: Record<string, unknown> = { ids: [application.candidate_remote_id], jobids: [job], Candidate_Status: status };
  if (comments?.trim()) entry.comments = comments;
  const res = await client.request<any>({
    method: 'PUT',
    path: 'Candidates/status',
    json: { data: [entry] },
    notFound: `candidate ${application.candidate_remote_id}`,
  });
  const entries = (Array.isArray(res.data?.data) ? res.data.data : []).flat();
  const refused = entries.find((e: any) => String(e?.status).toLowerCase() === 'error');
  if (refused) {
    throw new AtsgateError(
      'REMOTE.INPUT_INVALID',
      `Zoho Recruit refused the status "${status}" for application ${application.remote_id}: ${refused.message ?? refused.code ?? 'error'}${refused.code ? ` (${refused.code})` : ''}.`,
    );
  }
}

export async function moveApplicationToStage(ctx: ZohoContext, application: ApplicationRef, move: StageMoveInput): Promise<WriteResult> {
  await changeStatus(zohoClient(ctx), application, move.stage.remote_id, null);
  return { warnings: ignoredRemoteFields(move.remote_fields) };
}

/** A rejection is the change to the rejecting status the reason names, with the note as the change's comment. */
export async function rejectApplication(ctx: ZohoContext, application: ApplicationRef, reject: RejectInput): Promise<WriteResult> {
  await changeStatus(zohoClient(ctx), application, reject.reason.remote_id, reject.note);
  return { warnings: ignoredRemoteFields(reject.remote_fields) };
}
