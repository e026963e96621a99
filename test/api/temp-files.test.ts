/**
 * Attachment files a crashed process left behind: each process writes into a directory of its
 * own, and the sweep (at start, then every ten minutes) removes the directories of processes
 * that are gone, whatever their age. Live processes' files are kept unless older than an hour.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, utimesSync, existsSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processTempDir, sweepTempFiles, TempFile } from '../../src/uploads/temp-files.ts';

const MODULE = fileURLToPath(new URL('../../src/uploads/temp-files.ts', import.meta.url));

test('flat temp files of older versions: stale ones are removed; fresh ones and other files are kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
  try {
    const file = (name: string, ageMs: number) => {
      const p = join(dir, name);
      writeFileSync(p, 'x');
      const t = (Date.now() - ageMs) / 1000;
      utimesSync(p, t, t);
      return p;
    };
    const stale = file(`atsgate-${randomUUID()}.tmp`, 2 * 60 * 60 * 1000);
    const fresh = file(`atsgate-${randomUUID()}.tmp`, 60 * 1000);
    const foreign = file('something-else.tmp', 2 * 60 * 60 * 1000);
    const lookalike = file('atsgate-notauuid.tmp', 2 * 60 * 60 * 1000);
    assert.equal(await sweepTempFiles({ root: dir }), 1);
    assert.ok(!existsSync(stale), "the crashed request's file is gone");
    assert.ok(existsSync(fresh), 'a file that may be in use is kept');
    assert.ok(existsSync(foreign) && existsSync(lookalike), 'files atsgate did not name are kept');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a process killed mid-upload (kill -9) leaves its directory; the next sweep removes it at once, and keeps this process's own file", async () => {
  const root = mkdtempSync(join(tmpdir(), 'sweep-kill-'));
  try {
    // A child with TMPDIR=root writes half an attachment into its own directory, says where, and waits.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `
      const { TempFile } = await import(${JSON.stringify(MODULE)});
      const f = new TempFile();
      await f.write(Buffer.alloc(64 * 1024, 1));
      console.log(f.path);
      setInterval(() => {}, 1000);
    `,
      ],
      { env: { ...process.env, TMPDIR: root }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const path = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c) => {
        out += c;
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`child exited ${code} before writing`)));
    });
    assert.ok(existsSync(path), 'the half-written file exists');
    assert.equal(dirname(dirname(path)), join(root, 'atsgate-uploads'), "in the child's own directory");
    assert.equal(statSync(dirname(path)).mode & 0o777, 0o700, 'private to its user');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(existsSync(path), 'kill -9 ran no cleanup');

    // A live process's (ours, under the same root) fresh file is kept; the dead one's directory goes, though seconds old.
    const mine = join(root, 'atsgate-uploads', `p${process.pid}-0000abcd`);
    mkdirSync(mine, { recursive: true });
    const live = join(mine, `atsgate-${randomUUID()}.tmp`);
    writeFileSync(live, 'in use');
    assert.ok((await sweepTempFiles({ root })) >= 1);
    assert.ok(!existsSync(dirname(path)), "the dead process's directory is gone, whatever its age");
    assert.ok(existsSync(live), "a live process's fresh file is kept");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("this process's files live in its own private directory, and are removed when disposed", async () => {
  const f = new TempFile();
  await f.write(Buffer.from('x'));
  await f.finish();
  assert.equal(dirname(f.path), processTempDir());
  assert.match(processTempDir(), new RegExp(`atsgate-uploads/p${process.pid}-[0-9a-f]{8}$`));
  await f.dispose();
  assert.ok(!existsSync(f.path));
});
