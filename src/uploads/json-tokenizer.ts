/**
 * The lexical half of the attachments body parser (src/uploads/json-spool.ts): finds the
 * string at `attachment.data` in a JSON body read chunk by chunk, and decodes it as base64 as
 * it goes, without ever holding the string.
 *
 * How the string is found: a small scanner tracks strings (with escapes), nesting depth, and
 * keys vs values in the top two levels. Only a string token that the scanner has lexed in full
 * (closing quote, valid escapes, no raw control characters) is replaced, by another string
 * token, so the rest is valid JSON exactly when the body was.
 *
 * The base64 is validated exactly as decodeBase64 (src/writes/service.ts) does. A NUL or an
 * unpaired surrogate in the string is noted (`unstorable`), so the body can be refused as
 * unstorable, as a whole-body parse would.
 *
 * Measured against stream-json doing the same job (bench/json-parsers.ts, bench/RESULTS.md):
 * about twice the throughput, and memory that stays flat with the size of the body.
 */
import { createHash, type Hash } from 'node:crypto';
import type { TempFile } from './temp-files.ts';

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
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const BOM = [0xef, 0xbb, 0xbf];
const ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };
const hexValue = (b: number) =>
  b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1;

/**
 * Decodes one JSON string's contents as base64, strictly, for a temporary file. Fed the raw
 * bytes of the string token after its opening quote; stops at the closing quote.
 */
export class Base64Spool {
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

/**
 * Scans a body slice by slice. The body's bytes go to `skeleton`, except the contents of each
 * string at attachment.data, whose place there is taken by its Base64Spool.
 */
export class BodyScanner {
  /** The body with each data string cut out: its bytes, and the string's spool in its place. */
  readonly skeleton: (Buffer | Base64Spool)[] = [];
  /** The last string at attachment.data: the one JSON.parse keeps. */
  current: Base64Spool | null = null;
  /** A lexical error inside the data string: the body is not JSON. */
  jsonBad = false;
  private spool: Base64Spool | null = null; // the data string being read
  private depth = 0;
  private readonly kind = [0, 0];
  private readonly expect = [0, 0];
  private readonly key: (string | null)[] = [null, null];
  private rootSeen = false;
  private broken = false; // structure not as valid JSON would have it: intercept nothing more
  private inString = false;
  private stringIsKey = false;
  private keyBytes: number[] | null = null;
  private escaped = false;
  private bomBytes = 0;

  constructor(private readonly keepBytes: number) {}

  /** Whether the body ended inside the data string. */
  get unterminated(): boolean {
    return this.spool !== null;
  }

  /** Scans buf[from..to); `base` is buf[0]'s offset in the body. */
  scan(buf: Buffer, base: number, from: number, to: number): void {
    let i = from;
    let skelFrom = from;
    if (this.spool) {
      const closed = this.spool.scan(buf, i, to);
      if (this.spool.broken) {
        this.jsonBad = true;
        return;
      }
      if (closed < 0) return;
      this.spool = null;
      i = closed + 1;
      skelFrom = i;
      this.expect[1] = AFTER;
    }
    for (; i < to; i++) {
      const b = buf[i];
      // TextDecoder drops a leading byte order mark; so does the scanner.
      if (base + i === this.bomBytes && this.bomBytes < 3 && b === BOM[this.bomBytes]) {
        this.bomBytes++;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true;
        else if (b === 0x22) {
          this.inString = false;
          if (this.stringIsKey) {
            const d = this.depth - 1;
            let k: string | null = null;
            if (this.keyBytes) {
              try {
                k = JSON.parse(`"${Buffer.from(this.keyBytes).toString('utf8')}"`);
              } catch {
                k = null;
              }
            }
            this.key[d] = k;
            this.expect[d] = COLON;
            this.keyBytes = null;
            continue;
          }
          continue;
        }
        if (this.keyBytes) {
          if (this.keyBytes.length < 64) this.keyBytes.push(b);
          else this.keyBytes = null; // longer than any this.key we look for
        }
        continue;
      }
      switch (b) {
        case 0x20:
        case 0x09:
        case 0x0a:
        case 0x0d:
          continue;
        case 0x22: {
          // "
          if (this.depth >= 1 && this.depth <= 2 && !this.broken) {
            const d = this.depth - 1;
            if (this.kind[d] === OBJ && this.expect[d] === KEY) {
              this.inString = true;
              this.stringIsKey = true;
              this.keyBytes = [];
              continue;
            }
            if (this.expect[d] !== VALUE) this.broken = true;
            this.expect[d] = AFTER;
            if (
              this.depth === 2 &&
              !this.broken &&
              this.kind[0] === OBJ &&
              this.key[0] === 'attachment' &&
              this.kind[1] === OBJ &&
              this.key[1] === 'data'
            ) {
              // The string at attachment.data: this.skeleton so far, then the this.spool in its place.
              this.skeleton.push(buf.subarray(skelFrom, i));
              if (this.current) void this.current.file?.dispose();
              this.spool = this.current = new Base64Spool(this.keepBytes);
              this.skeleton.push(this.spool);
              const closed = this.spool.scan(buf, i + 1, to);
              if (this.spool.broken) {
                this.jsonBad = true;
                return;
              }
              if (closed < 0) return;
              this.spool = null;
              i = closed;
              skelFrom = closed + 1;
              continue;
            }
          } else if (this.depth === 0) {
            if (this.rootSeen) this.broken = true;
            this.rootSeen = true;
          }
          this.inString = true;
          this.stringIsKey = false;
          continue;
        }
        case 0x7b:
        case 0x5b: {
          // { [
          if (this.depth === 0) {
            if (this.rootSeen) this.broken = true;
            this.rootSeen = true;
          } else if (this.depth <= 2) {
            if (this.expect[this.depth - 1] !== VALUE) this.broken = true;
            this.expect[this.depth - 1] = AFTER;
          }
          if (this.depth < 2) {
            this.kind[this.depth] = b === 0x7b ? OBJ : ARR;
            this.expect[this.depth] = b === 0x7b ? KEY : VALUE;
            this.key[this.depth] = null;
          }
          this.depth++;
          continue;
        }
        case 0x7d:
        case 0x5d: {
          // } ]
          if (this.depth === 0) this.broken = true;
          else {
            if (this.depth <= 2 && this.kind[this.depth - 1] !== (b === 0x7d ? OBJ : ARR)) this.broken = true;
            this.depth--;
          }
          continue;
        }
        case 0x3a: // :
          if (this.depth >= 1 && this.depth <= 2) {
            if (this.kind[this.depth - 1] !== OBJ || this.expect[this.depth - 1] !== COLON) this.broken = true;
            this.expect[this.depth - 1] = VALUE;
          }
          continue;
        case 0x2c: // ,
          if (this.depth >= 1 && this.depth <= 2) {
            if (this.expect[this.depth - 1] !== AFTER) this.broken = true;
            this.expect[this.depth - 1] = this.kind[this.depth - 1] === OBJ ? KEY : VALUE;
          }
          continue;
        default: // part of a number or literal (or garbage, which JSON.parse will refuse)
          if (this.depth >= 1 && this.depth <= 2) {
            const d = this.depth - 1;
            if (this.expect[d] === VALUE) this.expect[d] = AFTER;
            else if (this.expect[d] !== AFTER) this.broken = true;
          } else if (this.depth === 0) this.rootSeen = true;
      }
    }
    if (!this.spool) this.skeleton.push(buf.subarray(skelFrom, to));
  }
}
