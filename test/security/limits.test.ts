/**
 * Every input limit is enforced with a clear error that names the field and the limit: body
 * size, decoded attachment size, number of attributes, string lengths, page size, nesting
 * depth. Each is PLATFORM.INPUT_INVALID (413 for sizes), and one past the limit fails while
 * the limit itself passes.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { LIMITS } from '../../src/api/schemas.ts';
import { MAX_JSON_DEPTH } from '../../src/api/validation.ts';

const DEMO = 'sandbox:demo';
const BODY_LIMIT = 256 * 1024;
const ATTACHMENT_LIMIT = 64 * 1024;

for (const kind of databaseKinds()) {
  describe(`input limits on ${kind}`, () => {
    let s: TestServer;
    let cand: string;
    before(async () => {
      s = await startTestServer(kind, {
        env: { ATSGATE_BODY_LIMIT_BYTES: String(BODY_LIMIT), ATSGATE_ATTACHMENT_MAX_BYTES: String(ATTACHMENT_LIMIT) },
      });
      cand = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: DEMO })).body.data.results[0].id;
    });
    after(() => s?.close());

    const link = (body: unknown) => s.call('POST', `/v1/ats/candidates/${cand}/result-links`, { integrationId: DEMO, body });
    const expectLimit = (r: { status: number; body: any }, status: number, message: RegExp) => {
      assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 300));
      assert.equal(r.body.status, 'error');
      assert.equal(r.body.error.code, 'PLATFORM.INPUT_INVALID');
      assert.match(r.body.error.message, message);
    };

    test('request body size: over ATSGATE_BODY_LIMIT_BYTES is a 413 naming the limit', async () => {
      expectLimit(
        await link({ label: 'x', url: 'https://x.example', pad: 'p'.repeat(BODY_LIMIT) }),
        413,
        new RegExp(`larger than the limit of ${BODY_LIMIT} bytes`),
      );
    });

    test('attachment size is checked on the decoded bytes: the limit passes, one byte more is a 413', async () => {
      const post = (bytes: number) =>
        s.call('POST', `/v1/ats/candidates/${cand}/attachments`, {
          integrationId: DEMO,
          body: {
            attachment: {
              name: 'f.bin',
              type: 'OTHER',
              content_type: 'application/octet-stream',
              data: Buffer.alloc(bytes, 1).toString('base64'),
            },
          },
        });
      assert.equal((await post(ATTACHMENT_LIMIT)).status, 200);
      expectLimit(await post(ATTACHMENT_LIMIT + 1), 413, new RegExp(`larger than ${ATTACHMENT_LIMIT} bytes.*ATSGATE_ATTACHMENT_MAX_BYTES`));
    });

    test(`number of attributes: ${LIMITS.attributes} pass, ${LIMITS.attributes + 1} are refused naming the field and limit`, async () => {
      const attrs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
      assert.equal(
        (
          await link({
            label: 'x',
            url: 'https://x.example',
            details: { custom_field_name_prefix: 'P', attributes: attrs(LIMITS.attributes) },
          })
        ).status,
        200,
      );
      expectLimit(
        await link({
          label: 'x',
          url: 'https://x.example',
          details: { custom_field_name_prefix: 'P', attributes: attrs(LIMITS.attributes + 1) },
        }),
        400,
        new RegExp(`"details.attributes" must have at most ${LIMITS.attributes} items`),
      );
    });

    test('string lengths: each field names itself and its maximum', async () => {
      const base = { label: 'x', url: 'https://x.example' };
      const cases: [unknown, RegExp][] = [
        [{ ...base, label: 'l'.repeat(LIMITS.label + 1) }, new RegExp(`"label" must be at most ${LIMITS.label} characters`)],
        [{ ...base, url: 'https://x.example/' + 'u'.repeat(LIMITS.url) }, new RegExp(`"url" must be at most ${LIMITS.url} characters`)],
        [
          { ...base, details: { custom_field_name_prefix: 'p'.repeat(LIMITS.prefix + 1), attributes: [] } },
          new RegExp(`"details.custom_field_name_prefix" must be at most ${LIMITS.prefix} characters`),
        ],
        [
          { ...base, details: { custom_field_name_prefix: 'P', attributes: [{ key: 'k'.repeat(LIMITS.attributeKey + 1), value: 'v' }] } },
          new RegExp(`"details.attributes\\[0\\].key" must be at most ${LIMITS.attributeKey} characters`),
        ],
        [
          { ...base, details: { custom_field_name_prefix: 'P', attributes: [{ key: 'k', value: 'v'.repeat(LIMITS.attributeValue + 1) }] } },
          new RegExp(`"details.attributes\\[0\\].value" must be at most ${LIMITS.attributeValue} characters`),
        ],
        [
          { ...base, remote_fields: { greenhouse: { post_headers: { 'On-Behalf-Of': '1'.repeat(201) } } } },
          /"remote_fields.greenhouse.post_headers.On-Behalf-Of" must be at most 200 characters/,
        ],
      ];
      for (const [body, message] of cases) expectLimit(await link(body), 400, message);
      assert.equal((await link({ ...base, label: 'l'.repeat(LIMITS.label) })).status, 200, 'exactly at the limit passes');
      const longName = await s.call('POST', `/v1/ats/candidates/${cand}/attachments`, {
        integrationId: DEMO,
        body: { attachment: { name: 'n'.repeat(LIMITS.fileName + 1), type: 'CV', content_type: 'application/pdf', data: 'QUJD' } },
      });
      expectLimit(longName, 400, new RegExp(`"attachment.name" must be at most ${LIMITS.fileName} characters`));
    });

    test(`page size: 1..${LIMITS.pageSize}, outside is refused naming page_size and the range`, async () => {
      assert.equal((await s.call('GET', `/v1/ats/candidates?page_size=${LIMITS.pageSize}`, { integrationId: DEMO })).status, 200);
      for (const v of [String(LIMITS.pageSize + 1), '0', '100000']) {
        expectLimit(
          await s.call('GET', `/v1/ats/candidates?page_size=${v}`, { integrationId: DEMO }),
          400,
          new RegExp(`"page_size" must be from 1 to ${LIMITS.pageSize}`),
        );
      }
      expectLimit(await s.call('GET', '/v1/ats/jobs?page_size=-1', { integrationId: DEMO }), 400, /"page_size" must be a whole number/);
    });

    test(`nesting depth: JSON nested deeper than ${MAX_JSON_DEPTH} levels is refused naming where`, async () => {
      const nested = (n: number): unknown => (n === 0 ? 'leaf' : { a: nested(n - 1) });
      assert.equal(
        (await link({ label: 'x', url: 'https://x.example', remote_fields: { other_ats: nested(MAX_JSON_DEPTH - 3) } })).status,
        200,
      );
      expectLimit(
        await link({ label: 'x', url: 'https://x.example', remote_fields: { other_ats: nested(MAX_JSON_DEPTH) } }),
        400,
        new RegExp(`"remote_fields.other_ats(\\.a)+" is nested more than ${MAX_JSON_DEPTH} levels deep`),
      );
    });
  });
}
