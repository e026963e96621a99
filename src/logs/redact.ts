/**
 * Redaction for everything that is logged or stored in an interaction log: secrets by key
 * name, file contents by key name, and any very long string (base64 blobs hide in odd places).
 */
const SECRET_KEY = /(authorization|password|secret|token|api[_-]?key|apikey|credential|cookie|client[_-]?secret|x-smarttoken|signature)/i;
const FILE_KEY = /^(data|content|file|body_base64|base64|attachment_data)$/i;
const MAX_STRING = 2048;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) return '[truncated: too deep]';
  if (typeof value === 'string') {
    return value.length > MAX_STRING ? `[redacted: ${value.length} characters]` : value;
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[redacted: ${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEY.test(k)) out[k] = '[redacted]';
      else if (FILE_KEY.test(k) && typeof v === 'string') out[k] = `[redacted: ${v.length} characters]`;
      else out[k] = redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** Query parameters that carry secrets in some vendor APIs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) if (SECRET_KEY.test(key)) u.searchParams.set(key, '[redacted]');
    u.username = u.username ? '[redacted]' : '';
    u.password = u.password ? '[redacted]' : '';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
