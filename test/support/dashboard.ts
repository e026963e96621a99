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
