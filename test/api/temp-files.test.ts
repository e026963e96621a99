/**
 * Attachment files a crashed process left in the temp directory are swept at start, but only
 * when old: another process on the same host may be streaming its own right now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, utimesSync, existsSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepStaleTempFiles } from '../../src/uploads/temp-files.ts';

test('stale atsgate temp files are removed; fresh ones and other files are kept', async () => {
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
    assert.equal(await sweepStaleTempFiles(60 * 60 * 1000, dir), 1);
    assert.ok(!existsSync(stale), 'the crashed request\'s file is gone');
    assert.ok(existsSync(fresh), 'a file that may be in use is kept');
    assert.ok(existsSync(foreign) && existsSync(lookalike), 'files atsgate did not name are kept');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
