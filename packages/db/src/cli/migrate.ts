import { loadConfig } from '@vtc/config';
import { ensureDatabase, migrate } from '../migrate.ts';

const { DATABASE_URL } = loadConfig();
const created = await ensureDatabase(DATABASE_URL);
const { applied, alreadyApplied } = await migrate(DATABASE_URL);
const db = new URL(DATABASE_URL).pathname.slice(1);
console.log(
  `${created ? `created database ${db}; ` : ''}migrations: ${applied.length} applied${applied.length ? ` (${applied.join(', ')})` : ''}, ${alreadyApplied} already applied`,
);
