/**
 * A JSON request body parser that never holds one large string member in memory: the body is
 * read chunk by chunk, and the string at `attachment.data` (base64 file contents) is decoded
 * as it arrives into a temporary file, yielding to the event loop between slices. Everything
 * else (a few hundred bytes in practice) is parsed by JSON.parse with the string replaced by a
 * short marker, so schema validation and every later check see an ordinary body.
 *
 * The answers are the same as the whole-body parser's in src/api/app.ts, in the same order:
 * body over the limit → 413; invalid UTF-8 anywhere → 400; not JSON → 400; empty → no body.
 * The base64 is validated exactly as decodeBase64 (src/writes/service.ts) does; the verdict is
 * kept with the file and reported by the write path where an invalid `data` always was, so an
 * unknown candidate is still a 404 before the base64 is judged. A NUL or an unpaired surrogate
 * in the string makes the marker carry a NUL, so it is refused as unstorable, as before.
 *
 * Finding and decoding the string is the tokenizer's (src/uploads/json-tokenizer.ts); this
 * module reads the body, enforces the limits and the UTF-8 check, writes the decoded bytes to
 * the request's temporary file, and parses what is left.
 */
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { errorCodes } from 'fastify';
import { AtsgateError } from '../errors.ts';
import type { RequestFiles } from './temp-files.ts';
import { Base64Spool, BodyScanner } from './json-tokenizer.ts';

export const INVALID_UTF8 = 'Invalid request body: it is not valid UTF-8.';
export const INVALID_JSON = 'Invalid request body: it is not valid JSON.';

export interface SpoolOptions {
  /** Bytes of body accepted (413 beyond). */
  bodyLimit: number;
  /** Decoded bytes kept on disk at most; beyond, only counted (the write is refused as too large anyway). */
  keepBytes: number;
  /** Owns the temporary files. */
  files: RequestFiles;
  /** The Content-Length header, if any. */
  contentLength?: string | undefined;
}

/** Bytes scanned before yielding to the event loop when a chunk is large (inject() passes one). */
const SLICE = 128 * 1024;

/** Reads a JSON body from `payload`, spooling `attachment.data`; returns the parsed body. */
export async function parseJsonSpoolingData(payload: Readable, opts: SpoolOptions): Promise<unknown> {
  const declared = opts.contentLength === undefined ? NaN : Number(opts.contentLength);
  if (declared > opts.bodyLimit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();

  const scanner = new BodyScanner(opts.keepBytes);
  let received = 0;
  let utf8Bad = false;
  let utf8Carry: Buffer | null = null;

  const writeReady = async (s: Base64Spool) => {
    if (!s.ready.length) return;
    const chunks = s.ready;
    s.ready = [];
    if (!s.valid) return;
    s.file ??= opts.files.create();
    for (const c of chunks) await s.file.write(c);
  };

  const checkUtf8 = (chunk: Buffer) => {
    let data = utf8Carry ? Buffer.concat([utf8Carry, chunk]) : chunk;
    utf8Carry = null;
    // Hold back an incomplete sequence at the end for the next chunk.
    let cut = data.length;
    for (let k = 1; k <= 3 && k <= data.length; k++) {
      const b = data[data.length - k];
      if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (need > k) cut = data.length - k;
      break;
    }
    if (cut < data.length) {
      utf8Carry = Buffer.from(data.subarray(cut));
      data = data.subarray(0, cut);
    }
    if (!isUtf8(data)) utf8Bad = true;
  };

  const receivedEncoded = () => (payload as { receivedEncodedLength?: number }).receivedEncodedLength ?? 0;
  try {
    // Leaving early (413) must not destroy the request: the answer still has to be sent on it.
    for await (const raw of payload.iterator({ destroyOnReturn: false })) {
      const chunk: Buffer = typeof raw === 'string' ? Buffer.from(raw) : raw;
      received += chunk.length;
      if (received > opts.bodyLimit || receivedEncoded() > opts.bodyLimit) {
        throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
      }
      if (utf8Bad) continue; // read on only to answer 413 if the body is also too large
      checkUtf8(chunk);
      if (utf8Bad || scanner.jsonBad) continue;
      for (let from = 0; from < chunk.length; from += SLICE) {
        scanner.scan(chunk, received - chunk.length, from, Math.min(chunk.length, from + SLICE));
        if (scanner.jsonBad) break;
        const s = scanner.current;
        if (s) await writeReady(s);
        if (from + SLICE < chunk.length) await new Promise<void>((r) => setImmediate(r));
      }
    }
    if (utf8Carry) utf8Bad = true; // the body ends inside a character
    if (!Number.isNaN(declared) && (receivedEncoded() || received) !== declared) throw new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH();
    if (utf8Bad) throw new AtsgateError('PLATFORM.INPUT_INVALID', INVALID_UTF8);
    if (scanner.jsonBad || scanner.unterminated) throw new AtsgateError('PLATFORM.INPUT_INVALID', INVALID_JSON);

    const markers = new Map<Base64Spool, string>();
    const parts = scanner.skeleton.map((p) => {
      if (!(p instanceof Base64Spool)) return p;
      const marker = markerOf(p);
      markers.set(p, marker);
      return Buffer.from(JSON.stringify(marker));
    });
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(parts));
    } catch {
      throw new AtsgateError('PLATFORM.INPUT_INVALID', INVALID_UTF8); // (checked already; the skeleton is cut at quotes only)
    }
    if (text.trim() === '') return undefined;
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AtsgateError('PLATFORM.INPUT_INVALID', INVALID_JSON);
    }
    const last = scanner.current;
    const marker = last ? markers.get(last) : undefined;
    if (last && marker !== undefined && body?.attachment?.data === marker) {
      const kept = last.valid && last.bytes <= opts.keepBytes;
      if (kept && last.file) await last.file.finish();
      else void last.file?.dispose();
      opts.files.spooledData = { marker, chars: last.chars, bytes: last.bytes, valid: last.valid, file: kept ? last.file : null };
    } else if (last) {
      void last.file?.dispose(); // superseded in the parsed body (a later duplicate key, say)
    }
    return body;
  } catch (err) {
    void scanner.current?.file?.dispose();
    payload.resume(); // the rest of the body, if any, is read and dropped (as fastify does)
    if (
      err instanceof Error &&
      !(err instanceof AtsgateError) &&
      !('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400)
    ) {
      (err as Error & { statusCode: number }).statusCode = 400; // the client's stream failed (aborted): as fastify does
    }
    throw err;
  }
}

/**
 * The string standing in for the data in the parsed body: short, the same for the same data
 * (so Idempotency-Key fingerprints still tell requests apart), with a NUL when the data had
 * one or an unpaired surrogate (so the body is refused as unstorable, as it was).
 */
function markerOf(s: Base64Spool): string {
  return `[base64 data, ${s.chars} characters, sha256 ${s.digest()}]${s.unstorable ? '\u0000' : ''}`;
}
