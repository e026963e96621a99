/**
 * Every connector atsgate ships, by tool id. Routes and services look connectors up here and
 * never branch on the tool themselves.
 */
import type { AnyConnector } from './types.ts';
import { connector as sandbox } from './sandbox/index.ts';

const CONNECTORS = [sandbox] as unknown as AnyConnector[];

export const connectors = new Map<string, AnyConnector>(CONNECTORS.map((c) => [c.definition.id, c]));

export function getConnector(tool: string): AnyConnector | undefined {
  return connectors.get(tool);
}
