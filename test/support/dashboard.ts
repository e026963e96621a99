import type { Integration } from '../../src/store/integrations.ts';

/** An integrations-page row (src/dashboard/pages.ts) for an integration with nothing synced yet, for page tests. */
export const integrationSummary = (id: string): any => ({
  id,
  tool: id.split(':')[0],
  organization_name: 'Acme',
  status: 'ACTIVE',
  setup_status: 'COMPLETED',
  last_sync_ended_at: null,
  records: { jobs: 0, candidates: 0, applications: 0 },
  failedWrites24h: 0,
});

/**
 * What integrationPage (src/dashboard/pages.ts) takes for a connected integration with nothing
 * synced yet, `vendorWebhook` aside, for page tests.
 */
export const integrationPageInput = (id: string) => ({
  accountId: 'a',
  integration: {
    id,
    tool: id.split(':')[0],
    organization_name: 'Acme',
    status: 'ACTIVE',
    setup_status: 'COMPLETED',
    config: {},
    created_at: new Date(),
  } as unknown as Integration,
  records: { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 },
  failed24h: 0,
  syncs: [],
  recent: [],
});
