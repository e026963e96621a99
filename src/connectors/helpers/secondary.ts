/**
 * The write rule shared by every connector: a secondary step (custom fields, properties,
 * profile fields, a second note target) never costs the primary write. A connector writes its
 * primary effect (the note, the link, the file) and runs each secondary step through
 * `secondaryStep`: a failure there becomes a warning naming what failed and why, and the
 * call still succeeds. An error reaches the caller only when nothing reached the ATS.
 *
 * Cancellation is not a failure of the step: an aborted request still throws.
 */
import { AtsgateError } from '../../errors.ts';

export interface SecondaryStepResult<T> {
  ok: boolean;
  value?: T;
}

/**
 * Runs `step`; on failure pushes `"<what> failed: <reason>"` (plus `fallback`, e.g. "the
 * attributes were written into the note instead") to `warnings` and returns `{ ok: false }`.
 */
export async function secondaryStep<T>(
  warnings: string[],
  what: string,
  step: () => Promise<T>,
  opts: { fallback?: string; signal?: AbortSignal } = {},
): Promise<SecondaryStepResult<T>> {
  try {
    return { ok: true, value: await step() };
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (!(err instanceof AtsgateError)) throw err; // a bug in atsgate, not a vendor refusal: surface it
    warnings.push(`${what} failed: ${err.message}${opts.fallback ? ` ${opts.fallback}` : ''}`);
    return { ok: false };
  }
}
