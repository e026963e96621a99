/** A pending connect link for one tool, as the connect page receives it (for page-rendering tests). */
import type { ConnectLink } from '../../src/store/connect-links.ts';

export function pendingConnectLink(tool: string, now = new Date()): ConnectLink {
  return {
    id: 'l1',
    account_id: 'default',
    kind: 'CONNECT',
    link_type: 'EMBEDDED',
    end_user_email: 'a@b.example',
    end_user_organization_name: 'Acme',
    end_user_origin_id: null,
    integration_tool: tool,
    integration_id: null,
    options: {},
    expires_at: new Date(now.getTime() + 3600_000),
    created_at: now,
    completed_at: null,
  } as ConnectLink;
}
