/**
 * The newest few candidates with their profile `fields` (only the single-candidate payload has
 * them): what GET /v1/integrations/:id/custom-fields reads Recruitee's template fields from.
 */
import type { HttpClient } from '../../http/client.ts';
import { fetchCandidate, type RecruiteeCandidate } from './read.ts';

/** How many profiles the common field names are taken from (one GET each). */
export const CANDIDATE_SAMPLE = 3;

export async function sampleCandidates(http: HttpClient, n: number): Promise<RecruiteeCandidate[]> {
  const res = await http.request<{ candidates?: RecruiteeCandidate[] }>({
    method: 'GET',
    path: 'candidates',
    query: { limit: n, offset: 0, sort: 'by_date' },
  });
  const out: RecruiteeCandidate[] = [];
  for (const c of (res.data?.candidates ?? []).slice(0, n)) {
    const full = await fetchCandidate(http, String(c.id));
    if (full) out.push(full);
  }
  return out;
}
