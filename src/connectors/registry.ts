/**
 * Every connector atsgate ships, by tool id. Routes and services look connectors up here and
 * never branch on the tool themselves.
 */
import type { AnyConnector } from './types.ts';
import { connector as sandbox } from './sandbox/index.ts';
import { connector as greenhouse } from './greenhouse/index.ts';
import { connector as lever } from './lever/index.ts';
import { connector as workable } from './workable/index.ts';
import { connector as smartrecruiters } from './smartrecruiters/index.ts';
import { connector as recruitee } from './recruitee/index.ts';
import { connector as ashby } from './ashby/index.ts';
import { connector as teamtailor } from './teamtailor/index.ts';
import { connector as personio } from './personio/index.ts';
import { connector as bamboohr } from './bamboohr/index.ts';
import { connector as pinpoint } from './pinpoint/index.ts';
import { connector as zohorecruit } from './zohorecruit/index.ts';
import { connector as ukgpro } from './ukgpro/index.ts';
import { connector as icims } from './icims/index.ts';
import { connector as bullhorn } from './bullhorn/index.ts';
import { connector as successfactors } from './successfactors/index.ts';
import { connector as workday } from './workday/index.ts';
import { connector as oraclerecruiting } from './oraclerecruiting/index.ts';

const CONNECTORS = [
  sandbox,
  greenhouse,
  lever,
  ashby,
  workable,
  smartrecruiters,
  teamtailor,
  recruitee,
  personio,
  bamboohr,
  pinpoint,
  zohorecruit,
  ukgpro,
  icims,
  bullhorn,
  successfactors,
  workday,
  oraclerecruiting,
] as unknown as AnyConnector[];

export const connectors = new Map<string, AnyConnector>(CONNECTORS.map((c) => [c.definition.id, c]));

export function getConnector(tool: string): AnyConnector | undefined {
  return connectors.get(tool);
}
