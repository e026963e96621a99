/**
 * For ATSs that keep one display name per person (Lever, Recruitee, Workable, Teamtailor):
 * Kombo's records have a first and a last name, so the first word is the first name and the
 * rest the last name ("Mary Ann Smith" → "Mary", "Ann Smith"); one word is a first name only.
 */
export function splitName(raw: string | null | undefined): { first_name: string | null; last_name: string | null } {
  const parts = (raw ?? '').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return { first_name: null, last_name: null };
  return { first_name: parts[0], last_name: parts.slice(1).join(' ') || null };
}
