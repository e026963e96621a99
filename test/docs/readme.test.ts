import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withTable, withUsersTable } from '../../src/docs/connectors-table.ts';
import { connectors } from '../../src/connectors/registry.ts';

test('the README connector table matches the connector definitions (npm run docs:connectors)', () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.equal(readme, withTable(readme));
  for (const c of connectors.values()) assert.ok(readme.includes(`| ${c.definition.label} |`), c.definition.label);
});

test('the README users table matches the connector definitions (npm run docs:connectors)', () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.equal(readme, withUsersTable(readme));
});
