/**
 * npm run schema:print  → writes apps/api/schema.graphql from the code.
 * npm run schema:check  → exits 1 when the committed schema.graphql is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaSDL } from '../schema/index.ts';

const file = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
const sdl = printSchemaSDL();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (committed !== sdl) {
    console.error('apps/api/schema.graphql is stale: run `npm run schema:print` and commit it');
    process.exit(1);
  }
  console.log('apps/api/schema.graphql is up to date');
} else {
  writeFileSync(file, sdl);
  console.log(`wrote ${file}`);
}
