/**
 * Where the customer must add the ATS's webhook by hand, the connect page (after connecting)
 * and the dashboard's integration page show the URL and the secret to paste; where atsgate
 * registered it, the dashboard says so and shows no secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedPage } from '../../src/connect/page.ts';
import { integrationPage } from '../../src/dashboard/pages.ts';
import { getConnector } from '../../src/connectors/registry.ts';
import type { ConnectLink } from '../../src/store/connect-links.ts';
import { integrationPageInput } from '../support/dashboard.ts';

const URL_ = 'https://atsgate.example.com/v1/vendor-webhooks/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';
const SECRET = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978';

test('the connect page shows the URL and secret to paste into Greenhouse', () => {
  const gh = getConnector('greenhouse')!;
  const html = connectedPage({ kind: 'NEW' } as unknown as ConnectLink, 'tok', gh.definition, {
    url: URL_,
    secret: SECRET,
    instructions: gh.webhooks!.instructions,
  });
  assert.ok(html.includes(URL_) && html.includes(SECRET), 'URL and secret on the page');
  assert.match(html, /id="vendor-webhook" class="help">/, 'the box is visible');
  const none = connectedPage({ kind: 'NEW' } as unknown as ConnectLink, 'tok', gh.definition, null);
  assert.match(none, /id="vendor-webhook" class="help" hidden>/, 'nothing to paste: hidden until the status says otherwise');
});

test('the dashboard shows a manual webhook with its secret, and a registered one without', () => {
  const base = integrationPageInput('greenhouse:abc');
  const view = {
    setup: 'manual' as const,
    url: URL_,
    secret: SECRET,
    instructions: 'Paste it.',
    docs: [],
    last_event_at: null,
    last_error: null,
  };
  const manual = integrationPage({ ...base, vendorWebhook: view });
  assert.ok(manual.includes(URL_) && manual.includes(SECRET));
  const registered = integrationPage({ ...base, vendorWebhook: { ...view, setup: 'registered', secret: null } });
  assert.ok(registered.includes(URL_) && !registered.includes(SECRET) && registered.includes('Registered with the ATS by atsgate'));
});

test('where the ATS generates the signing key, the connect page and the dashboard ask for it', () => {
  const tt = getConnector('teamtailor')!;
  const label = tt.webhooks!.vendorSecret!.label;
  const w = { url: URL_, secret: null, instructions: tt.webhooks!.instructions, vendor_secret: { label, saved: false } };
  const connect = connectedPage({ kind: 'NEW' } as unknown as ConnectLink, 'tok', tt.definition, w);
  assert.match(connect, /<form id="vendor-webhook-key" method="post" action="\/connect\/tok\/vendor-webhook-secret">/);
  assert.ok(connect.includes(label));
  const gh = connectedPage({ kind: 'NEW' } as unknown as ConnectLink, 'tok', getConnector('greenhouse')!.definition, {
    url: URL_,
    secret: SECRET,
    instructions: 'Paste it.',
  });
  assert.match(gh, /<form id="vendor-webhook-key"[^>]* hidden>/, 'no key to take back where atsgate chose the secret');

  const base = integrationPageInput('teamtailor:abc');
  const view = {
    setup: 'manual' as const,
    url: URL_,
    secret: null,
    instructions: 'Add it.',
    docs: [],
    last_event_at: null,
    last_error: null,
  };
  const unsaved = integrationPage({
    ...base,
    vendorWebhook: { ...view, vendor_secret: { label, saved: false } },
  });
  assert.match(unsaved, /action="\/dashboard\/integrations\/teamtailor%3Aabc\/vendor-webhook-secret"/);
  assert.match(unsaved, /Not saved yet/);
  const saved = integrationPage({
    ...base,
    vendorWebhook: { ...view, vendor_secret: { label, saved: true } },
  });
  assert.match(saved, /<dd>Saved<\/dd>/);
});

test('where the ATS has no webhook for recruiting records, the dashboard says the periodic sync is the path', () => {
  for (const tool of ['bamboohr', 'personio', 'ukgpro']) {
    const none = getConnector(tool)!.webhooksUnavailable!;
    assert.ok(none.docs.length > 0 && /employee/i.test(none.reason), `${tool}: a reason and the vendor pages`);
    const page = integrationPage({ ...integrationPageInput(`${tool}:x`), vendorWebhook: null });
    assert.match(page, /ATS webhooks/);
    assert.match(page, /periodic sync/);
    assert.ok(page.includes(none.docs[0]), 'the vendor page is linked');
  }
  // Every connector either has webhooks or says why not, or neither (not yet researched): never both.
  for (const tool of ['teamtailor', 'recruitee', 'bamboohr', 'personio', 'pinpoint', 'icims', 'zohorecruit', 'bullhorn', 'ukgpro']) {
    const c = getConnector(tool)!;
    assert.ok(!!c.webhooks !== !!c.webhooksUnavailable, tool);
  }
});
