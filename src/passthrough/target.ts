/**
 * Where a passthrough request may go: only under the base URL the connector's own client uses,
 * only under a path prefix its definition allows for that API, and only on that origin. The
 * path is checked as text before any URL is built, so nothing a URL parser would "normalise"
 * (dot segments, encoded slashes, backslashes, a second scheme) gets a chance to move the
 * request elsewhere: such paths are refused, not repaired.
 */
import { inputInvalid } from '../errors.ts';
import type { PassthroughApi } from '../connectors/types.ts';

const MAX_PATH = 2048;

/** Escapes that would reintroduce a separator or a dot segment after decoding, or a second round of decoding. */
const DANGEROUS_ESCAPE = /%(2e|2f|5c|25|00|3f|23)/i;

/** The full URL of a passthrough call, or PLATFORM.INPUT_INVALID saying why not. */
export function passthroughUrl(baseUrl: string, api: PassthroughApi, rawPath: string, params: Record<string, string> = {}): URL {
  const path = checkedPath(rawPath);
  const [pathPart, query = ''] = splitOnce(path, '?');
  if (!allowedBy(api.paths, pathPart)) {
    throw inputInvalid(`path "${clip(pathPart)}" is outside the paths this API allows: ${api.paths.join(', ')}.`);
  }
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const url = new URL(`${base.origin}${basePath}${pathPart}${query ? `?${query}` : ''}`);
  // Belt and braces: the parser must agree that the URL stayed where the text said.
  if (
    url.origin !== base.origin ||
    !url.pathname.startsWith(`${basePath}/`) ||
    !allowedBy(api.paths, url.pathname.slice(basePath.length))
  ) {
    throw inputInvalid(`path "${clip(pathPart)}" does not resolve under the API's base URL.`);
  }
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  return url;
}

function checkedPath(path: string): string {
  if (path.length === 0) throw inputInvalid('path must not be empty.');
  if (path.length > MAX_PATH) throw inputInvalid(`path is longer than ${MAX_PATH} characters.`);
  if (!path.startsWith('/'))
    throw inputInvalid('path must start with "/" and be relative to the API\'s base URL (absolute URLs are not allowed).');
  if (path.startsWith('//')) throw inputInvalid('path must not start with "//" (a host-relative URL).');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f\\#]/.test(path))
    throw inputInvalid('path must not contain whitespace, control characters, backslashes or "#".');
  const [pathPart] = splitOnce(path, '?');
  if (DANGEROUS_ESCAPE.test(pathPart)) throw inputInvalid('path must not contain encoded ".", "/", "\\", "%", "?", "#" or NUL characters.');
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    throw inputInvalid('path has a malformed %-escape.');
  }
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..')) throw inputInvalid('path must not contain "." or ".." segments.');
  if (segments.slice(0, -1).some((s) => s === '')) throw inputInvalid('path must not contain empty segments ("//").');
  return path;
}

/** A prefix matches itself and what follows a "/"; one ending in "/" or "." matches what follows it. */
export function allowedBy(prefixes: readonly string[], pathPart: string): boolean {
  return prefixes.some((p) => {
    if (p.endsWith('/') || p.endsWith('.')) return pathPart.startsWith(p) && pathPart.length > p.length;
    return pathPart === p || pathPart === `${p}/` || pathPart.startsWith(`${p}/`);
  });
}

function splitOnce(s: string, sep: string): [string, string?] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

const clip = (s: string) => (s.length > 120 ? `${s.slice(0, 120)}…` : s);
