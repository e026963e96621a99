import assert from 'node:assert/strict';
import { AtsgateError } from '../../src/errors.ts';

/**
 * Expects `p` to reject with an AtsgateError of `code` (and a message matching `message`, a
 * RegExp or a substring); returns the error for further checks.
 */
export async function rejectsWithCode(p: Promise<unknown>, code: string, message?: RegExp | string): Promise<AtsgateError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AtsgateError, `expected AtsgateError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (typeof message === 'string') assert.ok(err.message.includes(message), `"${err.message}" should include "${message}"`);
    else if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code}`);
}
