// Rewrites the connector table in README.md from the connector definitions.
import { readFileSync, writeFileSync } from 'node:fs';
import { withTable, withUsersTable } from '../src/docs/connectors-table.ts';

writeFileSync('README.md', withUsersTable(withTable(readFileSync('README.md', 'utf8'))));
console.log('README.md connector table updated.');
