/**
 * JSON:API "related" links. Teamtailor documents no candidate filter on `GET /job-applications`
 * (stage-type, created-at, updated-at, changed-stage-at only) nor on `GET /uploads` (job only),
 * but every candidate it returns names its relationships' related URLs, e.g.
 * `relationships["job-applications"].links.related =
 * "https://api.teamtailor.com/v1/candidates/576/job-applications"` (Teamtailor/docs
 * candidates/_list example; Teamtailor/teamtailor-rb spec/fixtures/v1/candidate.json also for
 * `uploads`). So we follow the URL the API hands out, whatever its shape; only when a candidate
 * carries no such link do we build the JSON:API-conventional `<type>/<id>/<relationship>`.
 */
import type { Resource } from './client.ts';

/**
 * Where to read `resource`'s related `rel` resources. A link on another origin than the API is
 * never followed (the API key would go with it): the conventional path is used instead.
 */
export function relatedPath(resource: Resource, rel: string, apiBaseUrl: string): string {
  const conventional = `${resource.type}/${encodeURIComponent(resource.id)}/${rel}`;
  const link = resource.relationships?.[rel]?.links?.related;
  if (typeof link !== 'string' || !link) return conventional;
  try {
    return new URL(link).origin === new URL(apiBaseUrl).origin ? link : conventional;
  } catch {
    return conventional;
  }
}
