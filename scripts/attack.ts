/**
 * `npm run attack -- [--url=http://127.0.0.1:4000] [--pid=<api pid>] [--max-requests=6000]
 *                    [--max-seconds=300] [--bomb-mb=256] [--per-type=4] [--victim=trainee1]`
 *
 * Attacks a started system from outside, in its own process, over loopback only: the authorisation
 * matrix of every demo account (and an anonymous caller), forged tokens, hostile GraphQL documents,
 * hostile files, bad percent-encoding on the public pages and a login flood; then checks that the API
 * is still up. One `FINDING` line per finding (what was sent, as whom, what came back; ID numbers,
 * phones and tokens shortened), then
 *
 *   RESULT attack requests=<n> internal_errors=<n> http_500=<n> leaks=<n> api_up=<true|false>
 *
 * and exit code 0 only when there are no internal errors, no 500s, no leaks and the API is up.
 * `leaks` counts every access-control finding: data or existence shown to the wrong caller, a forged
 * token accepted, personal numbers unmasked, and a stranger able to lock a user out.
 * The flood runs last and may leave the victim account locked for a while (never use a shared system).
 */
import { DEMO_ACCOUNTS } from '../prisma/seed/accounts.ts';
import { Attack, BudgetExceeded, outcomeOf } from './attack/client.ts';
import { fileProbe, hostileFiles } from './attack/files.ts';
import { forgedTokens, hostileDocuments, loginFlood, publicRoutes } from './attack/hostile.ts';
import { anonymous, checkNodeConsistency, crossTenant, type Reached, readAll, type Session } from './attack/matrix.ts';
import { INTROSPECTION, type NamedType, Schema } from './attack/schema.ts';

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  const i = process.argv.findIndex((a) => a === `--${name}` || a.startsWith(prefix));
  if (i < 0) return fallback;
  const arg = process.argv[i]!;
  return arg.startsWith(prefix) ? arg.slice(prefix.length) : (process.argv[i + 1] ?? fallback);
}

const url = option('url', 'http://127.0.0.1:4000');
const pid = Number(option('pid', '0')) || undefined;
const maxRequests = Number(option('max-requests', '6000'));
const maxSeconds = Number(option('max-seconds', '300'));
const bombMb = Number(option('bomb-mb', '256'));
const perType = Number(option('per-type', '4'));
const victim = option('victim', 'trainee1');
const password = option('password', process.env.DEMO_PASSWORD ?? 'Vtc@2026demo');

let attack: Attack;
try {
  attack = new Attack(url, { maxRequests, deadline: Date.now() + maxSeconds * 1000 });
} catch (error) {
  console.error(`attack: ${(error as Error).message}`);
  process.exit(2);
}

const LOGIN =
  'mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { __typename ... on LoginPayload { token } ... on DomainError { code } } }';

async function login(username: string): Promise<string | null> {
  const a = await attack.gql(LOGIN, { u: username, p: password }, { describe: `login ${username}` });
  const token = (a.data?.login as { token?: string } | undefined)?.token;
  if (!token) attack.log(`login ${username}: ${outcomeOf(a, 'login')}`);
  return token ?? null;
}

async function phase(name: string, run: () => Promise<void>): Promise<void> {
  const before = attack.requests;
  const started = performance.now();
  try {
    await run();
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    attack.log(`phase ${name}: budget spent, skipping the rest of it`);
  }
  attack.log(`phase ${name}: ${attack.requests - before} requests, ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function apiUp(): Promise<boolean> {
  const probe = async (path: string) => {
    try {
      const res = await fetch(new URL(path, attack.base), { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  };
  attack.requests += 2;
  return (await probe('/healthz')) && (await probe('/readyz'));
}

if (!(await apiUp())) {
  attack.log(`the API at ${attack.base.origin} does not answer /healthz and /readyz with 200`);
  console.log(`RESULT attack requests=${attack.requests} internal_errors=0 http_500=0 leaks=0 api_up=false`);
  process.exit(1);
}

const sessions: Session[] = [];
let schema: Schema | null = null;
const reachedBy = new Map<string, Map<string, Reached>>();
/** One id of each type, for documents that need a real one. */
const someIds: Record<string, string> = {};

await phase('login', async () => {
  for (const account of DEMO_ACCOUNTS) {
    const token = await login(account.username);
    if (!token) continue;
    const v = await attack.gql('query { viewer { canViewIdNumbers } }', undefined, { token, as: account.username });
    const canReveal = (v.data?.viewer as { canViewIdNumbers?: boolean } | null)?.canViewIdNumbers === true;
    sessions.push({ username: account.username, token, canReveal });
  }
  attack.log(`logged in ${sessions.length} of ${DEMO_ACCOUNTS.length} demo accounts`);
  const admin = sessions.find((s) => s.username === 'admin') ?? sessions[0];
  const a = await attack.gql(INTROSPECTION, undefined, { token: admin?.token, as: admin?.username, describe: 'introspection' });
  const types = (a.data?.__schema as { types?: NamedType[] } | undefined)?.types;
  if (types) schema = new Schema(types);
  else attack.log(`introspection refused (${outcomeOf(a, '__schema')}): the matrix is skipped`);
});

await phase('matrix', async () => {
  if (!schema) return;
  for (const s of sessions) {
    const reached = await readAll(attack, schema, s);
    reachedBy.set(s.username, reached);
    for (const r of reached.values()) someIds[r.type] ??= r.id;
    const relation = [...reached.values()].filter((r) => r.viaRelation).length;
    attack.log(`matrix: ${s.username} reached ${reached.size} objects (${relation} through relations)`);
    if (s.username !== 'admin') await checkNodeConsistency(attack, s, reached, perType);
  }
  await anonymous(attack, schema, Object.values(someIds));
});

const institution = sessions.find((s) => s.username === 'institution1');

await phase('tokens', async () => {
  const real = institution ?? sessions[0];
  if (real) await forgedTokens(attack, real, sessions.find((s) => s.username === 'admin'), login);
});

await phase('documents', async () => {
  const s = institution ?? sessions[0];
  if (s) await hostileDocuments(attack, s, someIds);
});

await phase('public-routes', () => publicRoutes(attack));

await phase('files', async () => {
  if (!institution) return;
  const q = (status: string) =>
    attack.gql(`query { classes(first: 1, status: ${status}) { edges { node { id } } } }`, undefined, {
      token: institution.token,
      as: institution.username,
    });
  let classId: string | undefined;
  for (const status of ['DRAFT', 'REJECTED', 'IN_PROGRESS']) {
    const edges = ((await q(status)).data?.classes as { edges?: Array<{ node: { id: string } }> } | undefined)?.edges;
    classId = edges?.[0]?.node.id;
    if (classId) break;
  }
  if (!classId) return attack.log('files: institution1 sees no class; skipped');
  await hostileFiles(attack, institution, classId, { bombMb, pid });
});

await phase('cross-tenant', async () => {
  if (!schema) return;
  await crossTenant(
    attack,
    schema,
    sessions.filter((s) => s.username !== 'admin'),
    reachedBy,
    Math.max(1, Math.floor(perType / 2)),
    fileProbe(attack),
  );
});

await phase('flood', () => loginFlood(attack, victim, password));

const up = await apiUp();
if (!up) attack.log('the API no longer answers /healthz and /readyz with 200');
console.log(
  `RESULT attack requests=${attack.requests} internal_errors=${attack.internalErrors} http_500=${attack.http500} leaks=${attack.leaks} api_up=${up}`,
);
process.exit(attack.internalErrors === 0 && attack.http500 === 0 && attack.leaks === 0 && up ? 0 : 1);
