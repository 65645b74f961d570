/**
 * npm run create-admin -- --username <name> [--display-name <name>]
 * Creates the first system administrator of a new deployment (production loads no demo accounts).
 * The password is read from standard input (one line), never from the command line or the environment,
 * so it stays out of shell history and process lists. Refused once an administrator exists.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '@vtc/config';
import { createFirstAdministrator } from '@vtc/core';
import { createPrisma } from '@vtc/db';
import { isDomainError } from '@vtc/domain';

const { values } = parseArgs({ options: { username: { type: 'string' }, 'display-name': { type: 'string' } } });
if (!values.username) {
  console.error('usage: npm run create-admin -- --username <name> [--display-name <name>]  (password on standard input)');
  process.exit(2);
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password for the new administrator: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

const config = loadConfig();
const prisma = createPrisma(config.DATABASE_URL, { max: 1 });
try {
  const user = await createFirstAdministrator(prisma, {
    username: values.username,
    displayName: values['display-name'] ?? values.username,
    password: await readPassword(),
  });
  console.log(`created system administrator ${user.username}`);
} catch (err) {
  if (!isDomainError(err)) throw err;
  console.error(`${err.code}: ${err.localized.zh} / ${err.localized.en}`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
