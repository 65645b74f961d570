/**
 * npm run bench -- <name> [--key=value ...]
 * Runs one benchmark against the local Postgres and Redis and ends with one line:
 *   RESULT <name> key=value key=value ...
 * Each benchmark creates and drops its own database, so it never touches demo or test data.
 */
import { identifiers } from './identifiers.ts';
import { graphqlRead } from './graphql-read.ts';
import { certificates } from './certificates.ts';
import { rosterImport } from './roster-import.ts';
import { claims } from './claims.ts';
import { employmentChecks } from './employment-checks.ts';
import { paymentBatch } from './payment-batch.ts';

export type Bench = (opts: Record<string, string>) => Promise<Record<string, string | number>>;

const BENCHES: Record<string, { describe: string; run: Bench }> = {
  identifiers: { describe: 'resident ID and credit code validations per second (pure domain code)', run: identifiers },
  'graphql-read': { describe: 'scoped trainees page over HTTP: requests/s and latency', run: graphqlRead },
  certificates: { describe: 'certificate PDFs per second (CJK font vs Helvetica), size and RSS; --docs=N', run: certificates },
  'roster-import': { describe: '100,000-row roster import: rows/s beside a plain COPY of the same rows', run: rosterImport },
  claims: { describe: 'fileClaim for a 500-person class and a 35,000-trainee year (700 × 50): seconds and SQL statements', run: claims },
  'payment-batch': { describe: 'a payment batch of 500 approved claims × 20 lines: add, confirm paid; seconds and SQL statements', run: paymentBatch },
  'employment-checks': {
    describe: 'daily employment-check run over 1M enrollments / 12M contributions: checks/s beside one SQL join, jobs, RSS',
    run: employmentChecks,
  },
};

const [name, ...rest] = process.argv.slice(2);
if (!name || !BENCHES[name]) {
  console.error(`usage: npm run bench -- <name>\n${Object.entries(BENCHES).map(([n, b]) => `  ${n.padEnd(16)} ${b.describe}`).join('\n')}`);
  process.exit(2);
}
const opts = Object.fromEntries(rest.map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const result = await BENCHES[name].run(opts);
console.log(`RESULT ${name} ${Object.entries(result).map(([k, v]) => `${k}=${v}`).join(' ')}`);
process.exit(0);
