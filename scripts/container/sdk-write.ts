/**
 * The container smoke check's client: against a running atsgate (the image's embedded default
 * with ATSGATE_API_KEY set, so the sandbox:demo integration exists), waits for /health/ready,
 * then writes one application result link through the official @kombo-api/sdk. Exits non-zero on any failure.
 *
 *   node --import tsx scripts/container/sdk-write.ts http://127.0.0.1:3000 demo_key_0123456789
 */
import assert from 'node:assert/strict';
import { Kombo } from '@kombo-api/sdk';

const [base = 'http://127.0.0.1:3000', apiKey = 'demo_key_0123456789'] = process.argv.slice(2);

async function waitReady(deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(`${base}/health/ready`);
      if (res.status === 200) return console.log(`GET /health/ready: 200 ${await res.text()}`);
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${base}/health/ready did not answer 200 within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

await waitReady(180_000);
const kombo = new Kombo({ api_key: apiKey, server_url: `${base}/v1`, integration_id: 'sandbox:demo' });
const page = await kombo.ats.getApplications({ page_size: 1 });
const application = page.result.data.results[0];
assert.ok(application, 'the demo integration has applications');
const label = `Container smoke ${new Date().toISOString()}`;
const res = await kombo.ats.addApplicationResultLink({
  application_id: application.id,
  body: {
    label,
    url: 'https://assess.example.com/r/container',
    details: { custom_field_name_prefix: 'Smoke:', attributes: [{ key: 'Score', value: '93%' }] },
  },
});
assert.equal(res.status, 'success');
console.log(
  `POST /v1/ats/applications/${application.id}/result-links through @kombo-api/sdk: ${res.status}, warnings ${JSON.stringify(res.warnings)}`,
);
