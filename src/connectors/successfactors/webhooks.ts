/**
 * SuccessFactors' Intelligent Services events, sent by an Integration Center integration
 * [SF-ISC]: in the Intelligent Services Center the customer's admin opens a Recruiting event
 * (e.g. "Update of Job Application Status"), adds an *Integration* activity with Destination
 * Type REST and Format JSON, picks the fields the JSON carries (Configure Fields), and in
 * Destination Settings enters the REST API URL and an Authentication Type. SuccessFactors has
 * no API that creates these, so nothing is registered here.
 *
 * Verification: Basic authentication, the Authentication Type third-party receivers of these
 * integrations ask for (OnLink, "Select Basic Authentication and enter username and
 * password"; the SAP guide [SF-ISC] shows the same field set to OAuth for SAP BTP). The
 * password is atsgate's secret for the integration (shown on the connect page and dashboard);
 * the user name is not a secret and is not checked. A request without it, or with another
 * password, is refused (401). SAP documents no signature, delivery id or retry policy for these
 * calls, so the de-duplication key is the hash of the body (the default); the instructions ask
 * for the application's `lastModifiedDateTime` among the fields so that two changes of one
 * application never share a body.
 *
 * Payload: whatever the admin configured, so ids are looked for by name anywhere in the JSON
 * (objects and arrays, a few levels deep): `candidateId`/`candidate_id` and
 * `applicationId`/`application_id` — the JobApplication entity's property names, and the shape
 * Cronofy's SuccessFactors guide uses (`{"job_application":{"application_id":…,"candidate_id":…}}`).
 * Only Int64-shaped ids are taken; the records are read again from OData. A verified request
 * naming neither asks for a delta sync.
 */
import type { VendorWebhooks } from '../types.ts';
import { idOf, sameText } from '../helpers/webhook-signature.ts';
import type { SuccessFactorsCredentials } from './definition.ts';

const BASIC = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i;
const INT64 = /^[0-9]{1,19}$/;
const MAX_DEPTH = 6;
const MAX_IDS = 100;

/** The password of a Basic Authorization header; null when the header is anything else. */
function basicPassword(header: string | undefined): string | null {
  const m = BASIC.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/** `candidateId`, `candidate_id`, `CandidateID` → `candidateid`. */
const keyName = (k: string) => k.replace(/_/g, '').toLowerCase();

/** Int64 ids under the keys named, anywhere in the configured JSON. */
function idsNamed(json: unknown, key: 'candidateid' | 'applicationid'): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, depth: number) => {
    if (depth > MAX_DEPTH || out.size >= MAX_IDS || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      const id = keyName(k) === key ? idOf(x)?.trim() : null;
      if (id && INT64.test(id)) out.add(id);
      else walk(x, depth + 1);
    }
  };
  walk(json, 0);
  return [...out];
}

export const webhooks: VendorWebhooks<SuccessFactorsCredentials> = {
  setup: 'manual',
  showSecret: true,
  instructions:
    'In SuccessFactors (an admin with access to the Intelligent Services Center and Integration Center): open Intelligent Services Center, ' +
    'choose the Recruiting event "Update of Job Application Status" (and any other Recruiting event your tenant lists that you want reported), ' +
    'add the activity Integration > Create New Integration with Destination Type REST and Format JSON. Under Configure Fields add the ' +
    "job application's fields applicationId, candidateId and lastModifiedDateTime (nested objects and the names application_id / candidate_id " +
    'work too). Under Destination Settings use this URL as REST API URL, Authentication Type Basic Authentication, any user name (e.g. atsgate) ' +
    'and this secret as password; save and activate the flow. Requests without that password are refused.',
  docs: [
    'https://github.com/SAP-docs/btp-neo-environment/blob/main/docs/40-extensions-neo/create-a-new-integration-3abd9ce.md',
    'https://learning.sap.com/courses/sap-successfactors-recruiting-recruiter-experience-administration/applying-intelligent-services-and-events',
    'https://docs.cronofy.com/integrations/success-factors/create-integration-trigger/',
  ],
  verify(req, secrets) {
    const password = basicPassword(req.headers.authorization);
    return password !== null && password !== '' && secrets.some((s) => s !== '' && sameText(password, s));
  },
  parse(req) {
    const candidates = idsNamed(req.json, 'candidateid');
    const applications = idsNamed(req.json, 'applicationid');
    return { kind: 'event', candidates, applications, resync: !candidates.length && !applications.length };
  },
};
