// The demo accounts prisma/seed.ts creates, and the banner `npm start` prints once the API is ready.
// Keep this list in step with prisma/seed.ts and the README's demo account table. With
// NODE_ENV=production the seed creates no demo account, and the banner lists none.
import { c, setting } from './common.mjs';

export const DEMO_ACCOUNTS = [
  ['admin', 'system administrator: everything'],
  ['shanxi.bureau', '山西省人社厅 (140000): the province and below; may reveal ID numbers (audited)'],
  ['linfen.bureau', '临汾市人社局 (141000): Linfen and its counties; may reveal ID numbers (audited)'],
  ['yaodu.bureau', '尧都区人社局 (141002): Yaodu district only'],
  ['xiangfen.bureau', '襄汾县人社局 (141023): Xiangfen county only'],
  ['bayannur.bureau', '巴彦淖尔市人社局 (150800): Bayannur and its counties'],
  ['institution1', 'training institution in 尧都区 141002: its own classes and trainees'],
  ['institution2', 'training institution in 襄汾县 141023: its own classes and trainees'],
  ['hetao.school', '河套职业技能培训学校 (临河区 150802): the Bayannur cook class and its claims'],
  ['college1', 'vocational college in 临汾市 141000: its own classes and students'],
  ['evaluator1', 'evaluation body: its assessments and candidates'],
  ['enterprise1', 'enterprise: its training orders, apprentices and hires'],
  ['trainee1', 'trainee enrolled at institution1: themself'],
];

/** Quote a string for a POSIX shell. */
function shellQuote(s) {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A curl command that logs in as `username` and prints the token. */
export function loginCurl(port, username, password) {
  // login returns a union (LoginPayload | DomainError): a wrong password answers with a code, not a token.
  const input = `{username: ${JSON.stringify(username)}, password: ${JSON.stringify(password)}}`;
  const query = `mutation { login(input: ${input}) { ... on LoginPayload { token } ... on DomainError { code message } } }`;
  const body = JSON.stringify({ query });
  return `curl -s localhost:${port}/graphql -H 'content-type: application/json' -d ${shellQuote(body)}`;
}

export function banner({ port, pids, detached, production = setting('NODE_ENV') === 'production' }) {
  const base = `http://localhost:${port}`;
  const width = Math.max(...DEMO_ACCOUNTS.map(([u]) => u.length)) + 2;
  const rule = c.dim('─'.repeat(100));
  const lines = [
    '',
    rule,
    `  ${c.bold(c.green('VTC is running'))}  ${c.dim(`api pid ${pids.api}, worker pid ${pids.worker}`)}`,
    '',
    `  GraphQL   ${c.bold(`${base}/graphql`)}  ${c.dim('(POST)')}`,
    `  Health    ${base}/healthz   ${base}/readyz`,
  ];
  if (process.env.PUBLIC_URL) lines.push(`  Public    ${process.env.PUBLIC_URL}`);
  if (production) {
    lines.push(
      '',
      `  ${c.bold('Production')} (NODE_ENV=production): no demo accounts; the seed loaded reference data only.`,
      '',
    );
  } else {
    const password = setting('DEMO_PASSWORD');
    lines.push('', `  Demo accounts, all with password ${c.bold(password)}:`);
    for (const [user, scope] of DEMO_ACCOUNTS) lines.push(`    ${c.cyan(user.padEnd(width))}${scope}`);
    lines.push('', '  Log in (prints a token):', `    ${loginCurl(port, 'admin', password)}`, '');
  }
  if (detached) {
    lines.push(`  Running in the background; logs in .vtc/logs/api.log and .vtc/logs/worker.log.`);
    lines.push(`  Stop with: ${c.bold('npm run stop')}`);
  } else {
    lines.push(`  Stop with Ctrl-C.`);
  }
  lines.push(rule, '');
  return lines.join('\n');
}
