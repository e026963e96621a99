import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtsgateError } from '../../src/errors.ts';
import { secondaryStep } from '../../src/connectors/helpers/secondary.ts';

test('a refused secondary step becomes a warning naming what failed, and the value of a good one is returned', async () => {
  const warnings: string[] = [];
  const good = await secondaryStep(warnings, 'Setting custom fields', async () => 3);
  assert.deepEqual(good, { ok: true, value: 3 });
  const bad = await secondaryStep(
    warnings,
    'Setting custom field "Acme: Score"',
    async () => {
      throw new AtsgateError('REMOTE.INPUT_INVALID', 'Greenhouse rejected the request (HTTP 422): unknown field.');
    },
    { fallback: 'The attributes are in the note instead.' },
  );
  assert.deepEqual(bad, { ok: false });
  assert.deepEqual(warnings, [
    'Setting custom field "Acme: Score" failed: Greenhouse rejected the request (HTTP 422): unknown field. The attributes are in the note instead.',
  ]);
});

test('a programming error or a cancelled request is not swallowed', async () => {
  await assert.rejects(
    secondaryStep([], 'x', async () => {
      throw new TypeError('bug');
    }),
    TypeError,
  );
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(
    secondaryStep(
      [],
      'x',
      async () => {
        throw new AtsgateError('REMOTE.SERVICE_UNAVAILABLE', 'aborted');
      },
      { signal: ac.signal },
    ),
    /aborted/,
  );
});
