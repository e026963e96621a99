/**
 * The attachments route's streaming JSON parser (src/uploads/json-spool.ts) against the same
 * job done with stream-json (a maintained streaming JSON tokenizer): read a body of
 * `{"attachment": {..., "data": "<base64>"}}` arriving in 64 KiB chunks, decode `data` into a
 * temporary file as it arrives, and hand back the rest of the body. Each measurement runs in a
 * child process of its own, so peak memory is that parser's alone.
 *
 *   node --import tsx bench/json-parsers.ts [--sizes 28,50] [--runs 3]
 *
 * What is measured per run: wall time of the parse (the body is generated as it is read: the
 * generator's randomBytes/base64 cost is in both parsers' times alike), throughput in MB of body per second, peak RSS and peak
 * heap above the level before the parse (sampled every 5 ms), and the longest event-loop stall.
 * The stream-json variant is given the easier job: it decodes base64 without the exact
 * validation (alphabet mixing, padding rules, NUL/surrogate marking) the atsgate parser does.
 */
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { parseJsonSpoolingData } from '../src/uploads/json-spool.ts';
import { RequestFiles, TempFile } from '../src/uploads/temp-files.ts';

const CHUNK = 64 * 1024;

/**
 * The body, generated as it is read (never whole in memory, so that RSS above the start is the
 * parser's): a JSON head, the base64 of random bytes in 48 KiB pieces (64 KiB of text each),
 * and the JSON tail.
 */
function body(mb: number): { stream: Readable; length: number } {
  const head = Buffer.from('{"attachment": {"name": "result.pdf", "type": "OTHER", "content_type": "application/pdf", "data": "');
  const tail = Buffer.from('"}}');
  const total = mb * 1024 * 1024;
  const piece = (CHUNK / 4) * 3;
  let left = total;
  let started = false;
  const stream = new Readable({
    read() {
      if (!started) return ((started = true), void this.push(head));
      if (left > 0) {
        const n = Math.min(piece, left);
        left -= n;
        return void this.push(Buffer.from(randomBytes(n).toString('base64')));
      }
      if (left === 0) return ((left = -1), void this.push(tail));
      this.push(null);
    },
  });
  return { stream, length: head.length + Math.ceil(total / 3) * 4 + tail.length };
}

/** The same job with stream-json: tokens in, `attachment.data` decoded into a file, the rest assembled. */
async function withStreamJson(input: Readable, files: RequestFiles): Promise<{ body: unknown; file: TempFile }> {
  const { parser } = await import('stream-json');
  const tokens = input.pipe(
    parser.asStream({
      packKeys: true,
      streamKeys: false,
      packStrings: false,
      streamStrings: true,
      packNumbers: true,
      streamNumbers: false,
    }),
  );
  const file = files.create();
  const stack: { value: any; key: string | null }[] = [];
  let root: unknown;
  let key: string | null = null;
  let str: string[] | null = null;
  let inData = false;
  let carry = '';
  const put = (v: unknown) => {
    const top = stack[stack.length - 1];
    if (!top) root = v;
    else if (Array.isArray(top.value)) top.value.push(v);
    else top.value[key!] = v;
  };
  for await (const t of tokens as AsyncIterable<{ name: string; value?: any }>) {
    switch (t.name) {
      case 'startObject':
      case 'startArray': {
        const v = t.name === 'startObject' ? {} : [];
        put(v);
        stack.push({ value: v, key });
        break;
      }
      case 'endObject':
      case 'endArray':
        key = stack.pop()!.key;
        break;
      case 'keyValue':
        key = t.value;
        break;
      case 'startString':
        inData = stack.length === 2 && key === 'data';
        str = inData ? null : [];
        break;
      case 'stringChunk':
        if (!inData) str!.push(t.value);
        else {
          const s = carry + (t.value as string).replace(/\s+/g, '');
          const cut = s.length - (s.length % 4);
          carry = s.slice(cut);
          if (cut) await file.write(Buffer.from(s.slice(0, cut), 'base64'));
        }
        break;
      case 'endString':
        if (inData) {
          if (carry) await file.write(Buffer.from(carry, 'base64'));
          put('<spooled>');
        } else put(str!.join(''));
        break;
      case 'numberValue':
        put(Number(t.value));
        break;
      case 'trueValue':
      case 'falseValue':
      case 'nullValue':
        put(t.name === 'trueValue' ? true : t.name === 'falseValue' ? false : null);
        break;
    }
  }
  await file.finish();
  return { body: root, file };
}

async function measure(impl: string, mb: number): Promise<void> {
  const { stream, length } = body(mb);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 5);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const files = new RequestFiles();
  const t0 = performance.now();
  let bytes: number;
  if (impl === 'atsgate') {
    await parseJsonSpoolingData(stream, { bodyLimit: length + 1, keepBytes: mb * 1024 * 1024, files });
    const s = files.spooledData!;
    if (!s.valid || !s.file) throw new Error('atsgate parser: data not spooled');
    bytes = statSync(s.file.path).size;
  } else {
    const r = await withStreamJson(stream, files);
    bytes = statSync(r.file.path).size;
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  loop.disable();
  await files.dispose();
  if (bytes !== mb * 1024 * 1024) throw new Error(`${impl}: spooled ${bytes} bytes, expected ${mb * 1024 * 1024}`);
  const MB = 1024 * 1024;
  console.log(
    JSON.stringify({
      impl,
      mb,
      body_mb: +(length / MB).toFixed(1),
      ms: Math.round(ms),
      mb_per_s: +(length / MB / (ms / 1000)).toFixed(1),
      peak_rss_mb: +((peakRss - base.rss) / MB).toFixed(1),
      peak_heap_mb: +((peakHeap - base.heapUsed) / MB).toFixed(1),
      max_stall_ms: +(loop.max / 1e6).toFixed(1),
    }),
  );
}

const { values } = parseArgs({
  options: {
    impl: { type: 'string' },
    mb: { type: 'string' },
    sizes: { type: 'string', default: '28,50' },
    runs: { type: 'string', default: '3' },
  },
});
if (values.impl) {
  await measure(values.impl, Number(values.mb));
} else {
  const rows: Record<string, number | string>[] = [];
  for (const mb of values.sizes!.split(',').map(Number)) {
    for (let run = 0; run < Number(values.runs); run++) {
      for (const impl of ['atsgate', 'stream-json']) {
        const r = spawnSync(
          process.execPath,
          ['--expose-gc', '--import', 'tsx', new URL(import.meta.url).pathname, '--impl', impl, '--mb', String(mb)],
          { encoding: 'utf8' },
        );
        if (r.status !== 0) throw new Error(`${impl} ${mb} MB failed: ${r.stderr}`);
        rows.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
      }
    }
  }
  console.table(rows);
  // Medians per parser and size.
  const keys = ['ms', 'mb_per_s', 'peak_rss_mb', 'peak_heap_mb', 'max_stall_ms'] as const;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const groups = new Map<string, Record<string, number | string>[]>();
  for (const r of rows) groups.set(`${r.impl} ${r.mb}`, [...(groups.get(`${r.impl} ${r.mb}`) ?? []), r]);
  console.log('\nmedian of runs:');
  for (const [g, rs] of groups) console.log(g.padEnd(16), keys.map((k) => `${k}=${median(rs.map((r) => r[k] as number))}`).join('  '));
}
