/**
 * Attachments on their way to the ATS wait on disk, not in memory: a `data_url` download and
 * a base64 `data` field are streamed into a temporary file (private to this user, in the OS
 * temp directory), and connectors get a Blob backed by that file, which undici streams from
 * disk when it sends a form (again on a retry). Every such file belongs to the request that
 * made it (RequestFiles) and is removed when the request ends, however it ends.
 *
 * Each process keeps its files in a directory of its own, `<tmp>/atsgate-uploads/p<pid>-<id>`
 * (mode 0700), so that what a killed process left is recognisable: at start and then every ten
 * minutes, `sweepTempFiles` removes the directories whose process is gone, whatever their age.
 */
import { createWriteStream, mkdirSync, openAsBlob, type WriteStream } from 'node:fs';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `attachment.data` as read from the body: the verdict on it and, if valid, its bytes on disk. */
export interface SpooledBase64 {
  /** What the body carries in place of the string: `attachment.data === marker`. */
  marker: string;
  /** Length of the string (UTF-16 code units, as `data.length` was). */
  chars: number;
  /** Decoded bytes, counted on even when more than were kept. */
  bytes: number;
  /** Whether the string is base64 that decodeBase64 accepts. */
  valid: boolean;
  /** The decoded bytes, complete when valid and bytes <= the keep limit; null when nothing was kept. */
  file: TempFile | null;
}

/** Removed or being removed: nothing may be written or read any more. */
export class TempFileGone extends Error {
  constructor() {
    super('The temporary file of this request was already removed (the request ended).');
  }
}

/** One temporary file, written front to back with backpressure, then read as a Blob. */
export class TempFile {
  /** Paths of this process's temporary files that exist (or are being created) now. */
  static readonly live = new Set<string>();
  readonly path = join(processTempDir(), `atsgate-${randomUUID()}.tmp`);
  /** Bytes written so far. */
  size = 0;
  private stream: WriteStream | null = null;
  private failure: Error | null = null;
  private disposing: Promise<void> | null = null;

  /** Appends bytes; resolves once the stream can take more (the caller must not write concurrently). */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.disposing) throw new TempFileGone();
    if (this.failure) throw this.failure;
    this.stream ??= this.open();
    this.size += chunk.length;
    if (!this.stream.write(chunk)) await this.drained();
  }

  /** Flushes and closes the file (creating it if nothing was written). */
  async finish(): Promise<void> {
    if (this.disposing) throw new TempFileGone();
    if (this.failure) throw this.failure;
    const s = (this.stream ??= this.open());
    if (!s.writableFinished) {
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.end(() => {
          s.off('error', reject);
          resolve();
        });
      });
    }
    if (this.failure) throw this.failure;
  }

  /** The file as a Blob read from disk on demand (call finish() first). */
  async blob(type: string): Promise<Blob> {
    if (this.disposing) throw new TempFileGone();
    return openAsBlob(this.path, { type });
  }

  /** The whole file in memory (for callers that keep no temporary file). */
  async read(): Promise<Buffer> {
    if (this.disposing) throw new TempFileGone();
    return readFile(this.path);
  }

  /** Stops writing and removes the file; safe to call more than once, never throws. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      const s = this.stream;
      if (s && !s.closed) {
        // Wait for the descriptor to close, so that an open still in flight cannot create the file after the unlink.
        await new Promise<void>((resolve) => {
          s.once('close', resolve);
          s.destroy();
        });
      }
      await rm(this.path, { force: true }).catch(() => undefined);
      TempFile.live.delete(this.path);
    })();
    return this.disposing;
  }

  private open(): WriteStream {
    TempFile.live.add(this.path);
    const s = createWriteStream(this.path, { flags: 'wx', mode: 0o600 });
    // A write error with nobody waiting must not crash the process; the next call reports it.
    s.on('error', (err) => (this.failure ??= err));
    return s;
  }

  private drained(): Promise<void> {
    const s = this.stream!;
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        s.off('drain', done);
        s.off('error', done);
        s.off('close', done);
        if (err) reject(err);
        else if (this.failure) reject(this.failure);
        else if (this.disposing) reject(new TempFileGone());
        else resolve();
      };
      s.on('drain', done);
      s.on('error', done);
      s.on('close', done);
    });
  }
}

/**
 * The temporary files of one request. The route ends the request's scope when its response is
 * closed (sent, or the client went away); files are removed then, but not while the handler
 * still holds the scope (a connector may still be streaming a file to the ATS).
 */
export class RequestFiles {
  /** `attachment.data`, decoded into a temporary file while the body was read (src/uploads/json-spool.ts). */
  spooledData: SpooledBase64 | null = null;
  private readonly files = new Set<TempFile>();
  private holds = 0;
  private ended = false;
  private disposed = false;

  /** A new temporary file of this request; throws when the request has ended already. */
  create(): TempFile {
    return this.track(new TempFile());
  }

  /** Makes `file` this request's to remove; when the request has ended already, removes it and throws. */
  track(file: TempFile): TempFile {
    if (this.disposed) {
      void file.dispose();
      throw new TempFileGone();
    }
    this.files.add(file);
    return file;
  }

  /** Runs `fn` with the files kept, even if the request ends meanwhile. */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    this.holds++;
    try {
      return await fn();
    } finally {
      this.holds--;
      if (this.ended && this.holds === 0) void this.dispose();
    }
  }

  /** The request is over: remove every file now, or when the last hold is released. */
  end(): void {
    this.ended = true;
    if (this.holds === 0) void this.dispose();
  }

  /** Removes every file now (also for callers outside a route). */
  async dispose(): Promise<void> {
    this.disposed = true;
    const files = [...this.files];
    this.files.clear();
    await Promise.all(files.map((f) => f.dispose()));
  }
}

const UPLOADS = 'atsgate-uploads';
const OWN = `p${process.pid}-${randomUUID().slice(0, 8)}`;
let ownDir: string | null = null;

/** This process's directory for temporary files, created on first use (mode 0700). */
export function processTempDir(): string {
  if (ownDir) return ownDir;
  const dir = join(tmpdir(), UPLOADS, OWN);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return (ownDir = dir);
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what crashed processes left: every per-process directory whose process is gone,
 * whatever its age, and in the directories of live processes (another atsgate, or an unrelated
 * process that reused a dead one's pid) only files older than `olderThanMs`, which no request
 * lives to see. Also the flat `atsgate-<uuid>.tmp` files of older versions, by the same age rule.
 * Returns how many files and directories were removed.
 */
export async function sweepTempFiles(opts: { root?: string; olderThanMs?: number } = {}): Promise<number> {
  const root = opts.root ?? tmpdir();
  const olderThanMs = opts.olderThanMs ?? 60 * 60 * 1000;
  let removed = 0;
  const base = join(root, UPLOADS);
  for (const name of await readdir(base).catch(() => [] as string[])) {
    const m = /^p(\d+)-[0-9a-f]{8}$/.exec(name);
    if (!m || name === OWN) continue;
    const dir = join(base, name);
    if (!alive(Number(m[1]))) {
      await rm(dir, { recursive: true, force: true }).then(
        () => removed++,
        () => undefined,
      );
      continue;
    }
    removed += await removeOld(dir, olderThanMs);
  }
  removed += await removeOld(root, olderThanMs);
  return removed;
}

async function removeOld(dir: string, olderThanMs: number): Promise<number> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^atsgate-[0-9a-f-]{36}\.tmp$/.test(n));
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    const st = await stat(path).catch(() => null);
    if (!st || !st.isFile() || Date.now() - st.mtimeMs < olderThanMs) continue;
    await rm(path, { force: true }).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

/** Sweeps at once and then every `everyMs` (unref'd); returns the stop function. */
export function startTempSweeper(everyMs = 10 * 60 * 1000): () => void {
  const run = () => void sweepTempFiles().catch(() => undefined);
  run();
  const t = setInterval(run, everyMs);
  t.unref();
  return () => clearInterval(t);
}
