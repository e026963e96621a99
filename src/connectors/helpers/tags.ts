/**
 * Tags by name, the way Kombo takes them (`tag.name`): matched to the ATS's existing tag without
 * regard to case or surrounding spaces, so "Excellent fit" finds the ATS's "Excellent Fit"
 * instead of creating a near-duplicate.
 */
import { AtsgateError } from '../../errors.ts';
import type { ConnectorDefinition } from '../types.ts';

/** The key two tag names are compared by. */
export const tagKey = (name: string): string => name.trim().toLowerCase();

export const sameTag = (a: string, b: string): boolean => tagKey(a) === tagKey(b);

/** The first of `items` whose name is the tag's, or undefined. */
export function findTag<T>(items: Iterable<T>, name: string, nameOf: (t: T) => string | null | undefined): T | undefined {
  const key = tagKey(name);
  for (const t of items) {
    const n = nameOf(t);
    if (n != null && tagKey(n) === key) return t;
  }
  return undefined;
}

/** Kombo: removing a tag the candidate does not have "will also succeed"; the warning says nothing changed. */
export const notOnCandidate = (name: string, candidateRemoteId: string): string =>
  `Candidate ${candidateRemoteId} has no tag "${name}"; nothing was removed.`;

/** INTEGRATION.ACTION_NOT_AVAILABLE for an ATS without tags, naming what it lacks. */
export function tagsUnavailable(def: ConnectorDefinition): AtsgateError {
  return new AtsgateError(
    'INTEGRATION.ACTION_NOT_AVAILABLE',
    def.capabilities.tags.unavailable ?? `${def.label} has no candidate tags that atsgate can write.`,
  );
}
