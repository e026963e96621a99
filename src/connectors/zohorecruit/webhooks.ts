/**
 * Zoho Recruit's webhooks [ZR-WH]: configured only in Zoho Recruit (Setup → Automation →
 * Workflow → Webhooks, then associated with a workflow rule that fires on create/edit); there
 * is no API to register them (Zoho's `actions/watch` notification API is Zoho CRM's, not
 * Recruit's). Zoho signs nothing: a webhook sends "request parameters" — entity parameters (a
 * record's fields) and custom parameters, which Zoho says are "mainly used to send the Auth
 * tokens, security tokens". So atsgate's secret goes in a custom parameter `atsgate_secret`,
 * and the record id in an entity parameter. Zoho's "Preview URL" shows them appended to the URL;
 * they are read from the query, a form body or a JSON body, whichever carries them.
 *
 * No event id exists: `modified_time` (an entity parameter) makes a redelivery recognisable;
 * without it every delivery is taken (a re-read too many is harmless). The ids only trigger a
 * read from the API (a delta sync: the connector has no one-candidate read).
 */
import type { InboundVendorRequest, VendorWebhooks } from '../types.ts';
import { sameText } from '../helpers/webhook-signature.ts';
import type { ZohoCredentials } from './definition.ts';
import { randomUUID } from 'node:crypto';

/** The parameters of a delivery: query first, then a form or JSON body. */
function paramsOf(req: InboundVendorRequest): Map<string, string> {
  const out = new Map<string, string>();
  const put = (k: string, v: unknown) => {
    if (typeof v === 'string' && !out.has(k)) out.set(k, v);
    else if (typeof v === 'number' && !out.has(k)) out.set(k, String(v));
  };
  for (const [k, v] of Object.entries(req.query ?? {})) put(k, v);
  if (req.json && typeof req.json === 'object' && !Array.isArray(req.json)) {
    for (const [k, v] of Object.entries(req.json as Record<string, unknown>)) put(k, v);
  } else if (req.rawBody.length && req.rawBody.length < 64 * 1024) {
    for (const [k, v] of new URLSearchParams(req.rawBody.toString('utf8'))) put(k, v);
  }
  return out;
}

export const webhooks: VendorWebhooks<ZohoCredentials> = {
  setup: 'manual',
  showSecret: true,
  instructions:
    'In Zoho Recruit, Setup → Automation → Workflow → Webhooks → Configure Webhook: URL to Notify = this URL, Method POST, Module Applications (and a second one for Candidates); Append Entity Parameters: "application_id" = the Application Id (for the Candidates webhook, "candidate_id" = the Candidate Id) and "modified_time" = Modified Time; Append Custom Parameters: "atsgate_secret" = this secret. Then in Workflow → Rules, create a rule on that module for "Create or Edit" and associate the webhook as an instant action.',
  docs: [
    'https://www.zoho.com/recruit/userguide/automation/webhooks.html',
    'https://help.zoho.com/portal/en/kb/recruit/automation/workflow/webhooks/articles/zoho-recruit-webhooks',
  ],
  verify(req, secrets) {
    const given = paramsOf(req).get('atsgate_secret');
    return !!given && secrets.some((s) => s !== '' && sameText(given, s));
  },
  parse(req) {
    const p = paramsOf(req);
    const candidate = p.get('candidate_id')?.trim();
    const application = p.get('application_id')?.trim();
    const modified = p.get('modified_time')?.trim();
    const subject = application || candidate;
    return {
      kind: 'event',
      eventId: subject && modified ? `${subject}@${modified}` : randomUUID(),
      candidates: candidate ? [candidate] : [],
      applications: application ? [application] : [],
      resync: true,
    };
  },
};
