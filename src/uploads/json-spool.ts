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
 * How the string is found: a small scanner tracks strings (with escapes), nesting depth, and
 * keys vs values in the top two levels. Only a string token that the scanner has lexed in full
 * (closing quote, valid escapes, no raw control characters) is replaced, by another string
 * token, so the rest is valid JSON exactly when the body was.
 */
import { createHash, type Hash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { errorCodes } from 'fastify';
import { AtsgateError } from '../errors.ts';
import type { RequestFiles, SpooledBase64, TempFile } from './temp-files.ts';

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
/** Decoded bytes per write to the temporary file. */
const OUT = 3 * 16 * 1024;

// Byte classes inside the data string: base64 sextets (with a flag for which alphabet), else specials.
const STD = 0x100;
const URL_SAFE = 0x200;
const SPECIAL = 0x400;
const B64 = new Uint16Array(256).fill(SPECIAL);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('').forEach((c, i) => (B64[c.charCodeAt(0)] = i));
B64[0x2b] = 62 | STD; // +
B64[0x2f] = 63 | STD; // /
B64[0x2d] = 62 | URL_SAFE; // -
B64[0x5f] = 63 | URL_SAFE; // _

/** JavaScript's \s (what decodeBase64 strips), as code units. */
function isJsSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const BOM = [0xef, 0xbb, 0xbf];
const ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };
const hexValue = (b: number) => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1);

/**
 * Decodes one JSON string's contents as base64, strictly, for a temporary file. Fed the raw
 * bytes of the string token after its opening quote; stops at the closing quote.
 */
class Base64Spool {
  chars = 0;
  bytes = 0;
  valid = true;
  unstorable = false;
  /** A lexical error inside the string: the body is not JSON. */
  broken = false;
  /** Decoded chunks waiting to be written to `file`. */
  ready: Buffer[] = [];
  file: TempFile | null = null;
  private acc = 0;
  private pending = 0; // sextets in acc
  private alphabet = 0; // STD | URL_SAFE seen
  private pad = 0;
  private bodyChars = 0; // base64 characters without whitespace and padding
  private esc = 0; // 0: none, 1: after a backslash, 2..5: reading the \u hex digits
  private hex = 0;
  private utf8Left = 0;
  private cp = 0;
  private highSurrogate = false;
  private out = Buffer.allocUnsafe(OUT);
  private o = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly keepBytes: number) {}

  /** Scans buf[start..end); returns the index of the closing quote, or -1 if the string goes on. */
  scan(buf: Buffer, start: number, end: number): number {
    let i = start;
    let closed = -1;
    while (i < end) {
      if (this.esc === 0 && this.utf8Left === 0 && !this.highSurrogate && this.pad === 0) {
        i = this.run(buf, i, end);
        if (i >= end) break;
      }
      const b = buf[i];
      if (this.esc === 1) {
        if (b === 0x75) {
          this.esc = 2;
          this.hex = 0;
        } else if (ESCAPES[b] !== undefined) {
          this.esc = 0;
          this.unit(ESCAPES[b]);
        } else {
          this.broken = true;
          return -1;
        }
      } else if (this.esc >= 2) {
        const h = hexValue(b);
        if (h < 0) {
          this.broken = true;
          return -1;
        }
        this.hex = (this.hex << 4) | h;
        if (++this.esc === 6) {
          this.esc = 0;
          this.unit(this.hex);
        }
      } else if (this.utf8Left > 0) {
        this.cp = (this.cp << 6) | (b & 0x3f);
        if (--this.utf8Left === 0) this.codePoint(this.cp);
      } else if (b === 0x22) {
        closed = i;
        break;
      } else if (b === 0x5c) {
        this.esc = 1;
      } else if (b < 0x20) {
        this.broken = true; // a raw control character in a string
        return -1;
      } else if (b < 0x80) {
        this.unit(b);
      } else {
        // A multi-byte character (the whole body's UTF-8 is checked separately).
        this.utf8Left = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
        this.cp = b & (b >= 0xf0 ? 0x07 : b >= 0xe0 ? 0x0f : 0x1f);
      }
      i++;
    }
    this.hash.update(buf.subarray(start, closed >= 0 ? closed : end));
    if (closed >= 0) this.close();
    return closed;
  }

  /** The hot loop: a run of base64 characters with nothing pending; returns where it stopped. */
  private run(buf: Buffer, from: number, end: number): number {
    let acc = this.acc;
    let n = this.pending;
    let alphabet = this.alphabet;
    let out = this.out;
    let o = this.o;
    let i = from;
    for (; i < end; i++) {
      const t = B64[buf[i]];
      if (t & SPECIAL) break;
      alphabet |= t;
      acc = (acc << 6) | (t & 63);
      if (++n === 4) {
        out[o++] = acc >> 16;
        out[o++] = (acc >> 8) & 255;
        out[o++] = acc & 255;
        n = 0;
        acc = 0;
        if (o === OUT) {
          this.o = o;
          this.flush();
          out = this.out;
          o = 0;
        }
      }
    }
    this.chars += i - from;
    this.bodyChars += i - from;
    this.acc = acc;
    this.pending = n;
    this.alphabet = alphabet;
    this.o = o;
    return i;
  }

  private codePoint(cp: number): void {
    if (cp > 0xffff) {
      this.unit(0xd800 + ((cp - 0x10000) >> 10));
      this.unit(0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else this.unit(cp);
  }

  /** One UTF-16 code unit of the string, off the hot loop (escapes, whitespace, padding, the rest). */
  private unit(c: number): void {
    this.chars++;
    if (this.highSurrogate) {
      this.highSurrogate = false;
      if (c >= 0xdc00 && c <= 0xdfff) return; // completes a pair (already not base64)
      this.unstorable = true; // the high half stood alone
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      this.highSurrogate = true;
      this.valid = false;
      return;
    }
    if (c === 0 || (c >= 0xdc00 && c <= 0xdfff)) {
      this.unstorable = true;
      this.valid = false;
      return;
    }
    if (isJsSpace(c)) return;
    if (c === 0x3d) {
      if (++this.pad > 2) this.valid = false;
      return;
    }
    const t = c < 0x80 ? B64[c] : SPECIAL;
    if (t & SPECIAL || this.pad > 0) {
      this.valid = false;
      return;
    }
    // A base64 character written as an escape (\/, \u0041) decodes like any other.
    this.alphabet |= t;
    this.acc = (this.acc << 6) | (t & 63);
    this.bodyChars++;
    if (++this.pending === 4) {
      this.out[this.o++] = this.acc >> 16;
      this.out[this.o++] = (this.acc >> 8) & 255;
      this.out[this.o++] = this.acc & 255;
      this.pending = 0;
      this.acc = 0;
      if (this.o === OUT) this.flush();
    }
  }

  private flush(): void {
    if (this.o === 0) return;
    this.bytes += this.o;
    if (this.valid && this.bytes <= this.keepBytes) this.ready.push(this.out.subarray(0, this.o));
    this.out = Buffer.allocUnsafe(OUT);
    this.o = 0;
  }

  /** The closing quote was read: decode what is left and settle the verdict. */
  private close(): void {
    if (this.highSurrogate) this.unstorable = true;
    if ((this.alphabet & STD && this.alphabet & URL_SAFE) || this.bodyChars % 4 === 1) this.valid = false;
    // The last 2 or 3 characters make 1 or 2 bytes; leftover bits are ignored, as Buffer.from does.
    if (this.pending === 2) this.out[this.o++] = (this.acc >> 4) & 255;
    else if (this.pending === 3) {
      this.out[this.o++] = (this.acc >> 10) & 255;
      this.out[this.o++] = (this.acc >> 2) & 255;
    }
    this.pending = 0;
    this.flush();
    if (!this.valid) this.ready = [];
  }

  /** Of the string token's raw bytes (call once, after the closing quote). */
  digest(): string {
    return this.hash.digest('hex');
  }
}

// Scanner states for the top two levels of nesting.
const OBJ = 1;
const ARR = 2;
const KEY = 1; // an object key (or '}') is next
const COLON = 2;
const VALUE = 3; // a value (or ']' in an array) is next
const AFTER = 4; // ',' or the closing bracket is next

/** Reads a JSON body from `payload`, spooling `attachment.data`; returns the parsed body. */
export async function parseJsonSpoolingData(payload: Readable, opts: SpoolOptions): Promise<unknown> {
  const declared = opts.contentLength === undefined ? NaN : Number(opts.contentLength);
  if (declared > opts.bodyLimit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();

  const skeleton: (Buffer | Base64Spool)[] = [];
  let received = 0;
  let utf8Bad = false;
  let utf8Carry: Buffer | null = null;
  let jsonBad = false;

  // Scanner state.
  let depth = 0;
  const kind = [0, 0];
  const expect = [0, 0];
  const key: (string | null)[] = [null, null];
  let rootSeen = false;
  let broken = false; // structure not as valid JSON would have it: intercept nothing more
  let inString = false;
  let stringIsKey = false;
  let keyBytes: number[] | null = null;
  let escaped = false;
  let spool: Base64Spool | null = null;
  let bomBytes = 0;
  let current: Base64Spool | null = null; // the last string at attachment.data: the one JSON.parse keeps

  const writeReady = async (s: Base64Spool) => {
    if (!s.ready.length) return;
    const chunks = s.ready;
    s.ready = [];
    if (!s.valid) return;
    s.file ??= opts.files.create();
    for (const c of chunks) await s.file.write(c);
  };

  /** Scans one slice: the skeleton's bytes are kept, the data string goes to its spool. */
  const scan = (buf: Buffer, base: number, from: number, to: number): void => {
    let i = from;
    let skelFrom = from;
    if (spool) {
      const closed = spool.scan(buf, i, to);
      if (spool.broken) {
        jsonBad = true;
        return;
      }
      if (closed < 0) return;
      spool = null;
      i = closed + 1;
      skelFrom = i;
      expect[1] = AFTER;
    }
    for (; i < to; i++) {
      const b = buf[i];
      // TextDecoder drops a leading byte order mark; so does the scanner.
      if (base + i === bomBytes && bomBytes < 3 && b === BOM[bomBytes]) {
        bomBytes++;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true;
        else if (b === 0x22) {
          inString = false;
          if (stringIsKey) {
            const d = depth - 1;
            let k: string | null = null;
            if (keyBytes) {
              try {
                k = JSON.parse(`"${Buffer.from(keyBytes).toString('utf8')}"`);
              } catch {
                k = null;
              }
            }
            key[d] = k;
            expect[d] = COLON;
            keyBytes = null;
            continue;
          }
          continue;
        }
        if (keyBytes) {
          if (keyBytes.length < 64) keyBytes.push(b);
          else keyBytes = null; // longer than any key we look for
        }
        continue;
      }
      switch (b) {
        case 0x20: case 0x09: case 0x0a: case 0x0d:
          continue;
        case 0x22: { // "
          if (depth >= 1 && depth <= 2 && !broken) {
            const d = depth - 1;
            if (kind[d] === OBJ && expect[d] === KEY) {
              inString = true;
              stringIsKey = true;
              keyBytes = [];
              continue;
            }
            if (expect[d] !== VALUE) broken = true;
            expect[d] = AFTER;
            if (depth === 2 && !broken && kind[0] === OBJ && key[0] === 'attachment' && kind[1] === OBJ && key[1] === 'data') {
              // The string at attachment.data: skeleton so far, then the spool in its place.
              skeleton.push(buf.subarray(skelFrom, i));
              if (current) void current.file?.dispose();
              spool = current = new Base64Spool(opts.keepBytes);
              skeleton.push(spool);
              const closed = spool.scan(buf, i + 1, to);
              if (spool.broken) {
                jsonBad = true;
                return;
              }
              if (closed < 0) return;
              spool = null;
              i = closed;
              skelFrom = closed + 1;
              continue;
            }
          } else if (depth === 0) {
            if (rootSeen) broken = true;
            rootSeen = true;
          }
          inString = true;
          stringIsKey = false;
          continue;
        }
        case 0x7b: case 0x5b: { // { [
          if (depth === 0) {
            if (rootSeen) broken = true;
            rootSeen = true;
          } else if (depth <= 2) {
            if (expect[depth - 1] !== VALUE) broken = true;
            expect[depth - 1] = AFTER;
          }
          if (depth < 2) {
            kind[depth] = b === 0x7b ? OBJ : ARR;
            expect[depth] = b === 0x7b ? KEY : VALUE;
            key[depth] = null;
          }
          depth++;
          continue;
        }
        case 0x7d: case 0x5d: { // } ]
          if (depth === 0) broken = true;
          else {
            if (depth <= 2 && kind[depth - 1] !== (b === 0x7d ? OBJ : ARR)) broken = true;
            depth--;
          }
          continue;
        }
        case 0x3a: // :
          if (depth >= 1 && depth <= 2) {
            if (kind[depth - 1] !== OBJ || expect[depth - 1] !== COLON) broken = true;
            expect[depth - 1] = VALUE;
          }
          continue;
        case 0x2c: // ,
          if (depth >= 1 && depth <= 2) {
            if (expect[depth - 1] !== AFTER) broken = true;
            expect[depth - 1] = kind[depth - 1] === OBJ ? KEY : VALUE;
          }
          continue;
        default: // part of a number or literal (or garbage, which JSON.parse will refuse)
          if (depth >= 1 && depth <= 2) {
            const d = depth - 1;
            if (expect[d] === VALUE) expect[d] = AFTER;
            else if (expect[d] !== AFTER) broken = true;
          } else if (depth === 0) rootSeen = true;
      }
    }
    if (!spool) skeleton.push(buf.subarray(skelFrom, to));
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
      if (utf8Bad || jsonBad) continue;
      for (let from = 0; from < chunk.length; from += SLICE) {
        scan(chunk, received - chunk.length, from, Math.min(chunk.length, from + SLICE));
        if (jsonBad) break;
        const s = current;
        if (s) await writeReady(s);
        if (from + SLICE < chunk.length) await new Promise<void>((r) => setImmediate(r));
      }
    }
    if (utf8Carry) utf8Bad = true; // the body ends inside a character
    if (!Number.isNaN(declared) && (receivedEncoded() || received) !== declared) throw new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH();
    if (utf8Bad) throw new AtsgateError('PLATFORM.INPUT_INVALID', INVALID_UTF8);
    if (jsonBad || spool) throw new AtsgateError('PLATFORM.INPUT_INVALID', INVALID_JSON);

    const markers = new Map<Base64Spool, string>();
    const parts = skeleton.map((p) => {
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
    const last = current as Base64Spool | null;
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
    void (current as Base64Spool | null)?.file?.dispose();
    payload.resume(); // the rest of the body, if any, is read and dropped (as fastify does)
    if (err instanceof Error && !(err instanceof AtsgateError) && !('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400)) {
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
