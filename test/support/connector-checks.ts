/**
 * What the connector unit tests (test/connectors/<ats>.test.ts) ask of atsgate's own surfaces for
 * one connector: the connect page a customer would fill in, and the write coverage it advertises.
 */
import type { ConnectorDefinition } from '../../src/connectors/types.ts';
import { formPage } from '../../src/connect/page.ts';
import { coverage } from '../../src/connectors/coverage.ts';
import { pendingConnectLink } from './connect-link.ts';

/** The connect page's HTML for a pending link to this connector, as the customer sees it (no base URL field). */
export function connectPage(definition: ConnectorDefinition): string {
  return formPage(pendingConnectLink(definition.id), 'tok', definition, { allowBaseUrl: false, picked: true });
}

/** The coverage status of each write action, by its id (the map the README row is built from). */
export function writeCoverage(definition: ConnectorDefinition): Record<string, string> {
  return Object.fromEntries(coverage(definition).write_actions.map((w) => [w.id, w.coverage_status]));
}
