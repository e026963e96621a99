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
import type { Integration } from '../../src/store/integrations.ts';

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
  const integration = {
    id: 'greenhouse:abc',
    tool: 'greenhouse',
    organization_name: 'Acme',
    status: 'ACTIVE',
    setup_status: 'COMPLETED',
    config: {},
    created_at: new Date(),
  } as unknown as Integration;
  const base = {
    accountId: 'a',
    integration,
    records: { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 },
    failed24h: 0,
    syncs: [],
    recent: [],
  };
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

test('the dashboard says why an ATS without webhooks (UKG Pro Recruiting) relies on the periodic sync, with its docs', () => {
  const integration = {
    id: 'ukgpro:abc',
    tool: 'ukgpro',
    organization_name: 'Acme',
    status: 'ACTIVE',
    setup_status: 'COMPLETED',
    config: {},
    created_at: new Date(),
  } as unknown as Integration;
  const page = integrationPage({
    accountId: 'a',
    integration,
    records: { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 },
    failed24h: 0,
    syncs: [],
    recent: [],
    vendorWebhook: null,
  });
  const none = getConnector('ukgpro')!.webhooksUnavailable!;
  assert.ok(page.includes('ATS webhooks') && page.includes('periodic sync'), 'the panel is there');
  assert.ok(page.includes('https://developer.ukg.com/general/docs/ukg-webhooks-events-catalog'), 'with the vendor docs');
  assert.ok(none.reason.length > 20);
  // A tool with neither webhooks nor a declaration shows no panel.
  const sandbox = integrationPage({
    accountId: 'a',
    integration: { ...integration, id: 'sandbox:abc', tool: 'sandbox' } as Integration,
    records: { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 },
    failed24h: 0,
    syncs: [],
    recent: [],
    vendorWebhook: null,
  });
  assert.ok(!sandbox.includes('ATS webhooks'));
});
