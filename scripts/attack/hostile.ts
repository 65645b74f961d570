/**
 * Forged tokens, hostile GraphQL documents, bad percent-encoding on the public pages, and a login
 * flood. Each answer must be a client error (or UNAUTHENTICATED), never data for a forged token,
 * never an internal error or a 500.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { type Attack, encodeGlobalId, type GqlAnswer, outcomeOf } from './client.ts';
import type { Session } from './matrix.ts';

const b64u = (v: string | Buffer) => Buffer.from(v).toString('base64url');

function jwt(header: object, payload: object, key: string | null): string {
  const head = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  if (key === null) return `${head}.`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
}

function payloadOf(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Keys an attacker would guess; the development default is public in the repository. */
const GUESSED_KEYS = ['secret', 'vtc', 'changeme', 'vtc-secret', 'jwt-secret', 'Vtc@2026demo'];
const DEV_SECRET = 'vtc-development-only-secret-change-me-0123456789';

const VIEWER = 'query { viewer { __typename user { __typename id username } } }';
const PROTECTED = 'query { classes(first: 5) { edges { node { __typename id } } } }';

/** A forged token must be treated as no token: viewer null, protected fields UNAUTHENTICATED. */
async function expectRefused(attack: Attack, label: string, headers: Record<string, string>) {
  for (const [query, field] of [
    [VIEWER, 'viewer'],
    [PROTECTED, 'classes'],
  ] as const) {
    const a = await attack.gql(query, undefined, { headers, as: `forged:${label}`, describe: `${field} with ${label}` });
    const value = a.data?.[field];
    if (value !== null && value !== undefined) {
      attack.finding({ kind: 'leak', what: 'forged-token', as: `forged:${label}`, sent: `query ${field}`, got: JSON.stringify(value).slice(0, 120) });
    } else if (field === 'classes' && !a.failed && a.status < 500 && a.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED') {
      attack.finding({ kind: 'note', what: 'forged-token-code', as: `forged:${label}`, sent: `query ${field}`, got: outcomeOf(a, field) });
    }
  }
}

export async function forgedTokens(attack: Attack, real: Session, other: Session | undefined, login: (u: string) => Promise<string | null>) {
  const p = payloadOf(real.token);
  const now = Math.floor(Date.now() / 1000);
  const base = { sub: p.sub, sid: p.sid, iss: 'vtc', aud: 'vtc-api', iat: now, exp: now + 3600 };
  const [h, body, sig] = real.token.split('.');
  const cases: Array<[string, string]> = [
    ['alg-none', jwt({ alg: 'none', typ: 'JWT' }, base, null)],
    ['alg-None', jwt({ alg: 'None', typ: 'JWT' }, base, null)],
    ['alg-none-with-signature', `${jwt({ alg: 'none', typ: 'JWT' }, base, null)}${sig}`],
    ...GUESSED_KEYS.map((k, i): [string, string] => [`hs256-guessed-key-${i}`, jwt({ alg: 'HS256', typ: 'JWT' }, base, k)]),
    // The development key is public: a session id that does not exist must still be refused.
    ['dev-key-unknown-session', jwt({ alg: 'HS256', typ: 'JWT' }, { ...base, sid: '00000000-0000-7000-8000-000000000000' }, DEV_SECRET)],
    ['dev-key-sid-of-another-user', jwt({ alg: 'HS256', typ: 'JWT' }, { ...base, sub: other ? payloadOf(other.token).sub : 'x' }, DEV_SECRET)],
    ['dev-key-sid-not-a-uuid', jwt({ alg: 'HS256', typ: 'JWT' }, { ...base, sid: "x' OR '1'='1" }, DEV_SECRET)],
    ['dev-key-sid-object', jwt({ alg: 'HS256', typ: 'JWT' }, { ...base, sid: { not: null } }, DEV_SECRET)],
    ['dev-key-expired', jwt({ alg: 'HS256', typ: 'JWT' }, { ...base, exp: now - 10 }, DEV_SECRET)],
    ['tampered-payload', `${h}.${b64u(JSON.stringify({ ...p, sub: other ? payloadOf(other.token).sub : 'admin' }))}.${sig}`],
    ['tampered-exp', `${h}.${b64u(JSON.stringify({ ...p, exp: now + 10 * 365 * 86400 }))}.${sig}`],
    ['signature-dropped', `${h}.${body}.`],
    ['signature-flipped', `${h}.${body}.${sig?.split('').reverse().join('')}`],
    ['hs512-header', jwt({ alg: 'HS512', typ: 'JWT' }, base, 'secret')],
    ['random-string', randomBytes(24).toString('hex')],
    ['random-base64-dots', `${b64u(randomBytes(30))}.${b64u(randomBytes(60))}.${b64u(randomBytes(32))}`],
    ['not-json-parts', 'eyJub3Q.anNvbg.x'],
    ['nul-and-unicode', `${h}\u0000.${body}`],
  ];
  for (const [label, token] of cases) {
    if (!attack.has(2)) return;
    // Header values must be ByteStrings for fetch; a NUL cannot be sent, so that case is dropped.
    if (/[^\x20-\x7e]/.test(token)) continue;
    await expectRefused(attack, label, { authorization: `Bearer ${token}` });
  }
  for (const [label, value] of [
    ['bearer-empty', 'Bearer '],
    ['basic-auth', `Basic ${b64u('admin:Vtc@2026demo')}`],
    ['token-without-scheme', real.token],
    ['very-long-bearer-8k', `Bearer ${'A'.repeat(8_000)}`],
    ['very-long-bearer-64k', `Bearer ${'A'.repeat(64_000)}`],
  ] as const) {
    if (!attack.has(2)) return;
    await expectRefused(attack, label, { authorization: value });
  }
  // Many huge headers: the server must answer (431 or anything below 500), not fall over.
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (let i = 0; i < 20; i++) headers[`x-junk-${i}`] = 'j'.repeat(4_000);
  await attack.http('POST', '/graphql', { headers, body: JSON.stringify({ query: VIEWER }), describe: 'POST /graphql with 80 KB of headers' });

  // Revoked: log in, log out, reuse.
  const fresh = await login(real.username);
  if (fresh) {
    const out = await attack.gql('mutation { logout }', undefined, { token: fresh, as: real.username, describe: 'mutation logout' });
    if (out.data?.logout !== true) attack.finding({ kind: 'note', what: 'logout', as: real.username, sent: 'mutation logout', got: outcomeOf(out, 'logout') });
    await expectRefused(attack, 'revoked', { authorization: `Bearer ${fresh}` });
  }
}

/** A document the server must refuse or answer, never with an internal error. */
async function send(attack: Attack, label: string, s: Session | null, query: string, variables?: Record<string, unknown>) {
  return attack.gql(query, variables, { token: s?.token, as: s?.username ?? 'anonymous', describe: label });
}

export async function hostileDocuments(attack: Attack, s: Session, someIds: Record<string, string>) {
  const deep = (n: number) => `query { viewer { user { ${'roles { organization { '.repeat(n)}__typename${' } }'.repeat(n)} } } }`;
  const aliasBomb = `query { ${Array.from({ length: 200 }, (_, i) => `a${i}: viewer { __typename }`).join(' ')} }`;
  const fieldBomb = `query { viewer { ${'__typename '.repeat(5000)} } }`;
  const directiveBomb = `query { viewer ${'@include(if: true) '.repeat(200)} { __typename } }`;
  const fragmentCycle = 'query { viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }';
  const fragmentFan = `query { viewer { ...F0 } } ${Array.from({ length: 12 }, (_, i) => `fragment F${i} on Viewer { user { __typename } ${i < 11 ? `...F${i + 1} ...F${i + 1}` : ''} }`).join(' ')}`;
  const nested = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  const classId = someIds.TrainingClass ?? encodeGlobalId('TrainingClass', '00000000-0000-0000-0000-000000000000');
  const personId = someIds.Person ?? encodeGlobalId('Person', '00000000-0000-0000-0000-000000000000');

  const cases: Array<[string, string, Record<string, unknown>?]> = [
    ['deep nesting 40', deep(40)],
    ['deep nesting 400', deep(400)],
    ['alias bomb 200', aliasBomb],
    ['field duplication 5000', fieldBomb],
    ['directive bomb 200', directiveBomb],
    ['fragment cycle', fragmentCycle],
    ['fragment fan-out 2^12', fragmentFan],
    ['unterminated string', 'query { viewer { user { username(x: "'],
    ['huge string argument 1 MB', 'query($n: String!) { trainees(first: 5, name: $n) { edges { node { id } } } }', { n: 'x'.repeat(1_000_000) }],
    ['NUL byte in a string variable', 'query($n: String!) { trainees(first: 5, name: $n) { edges { node { id } } } }', { n: 'a\u0000b' }],
    ['lone surrogate in a string variable', 'query($n: String!) { trainees(first: 5, name: $n) { edges { node { id } } } }', { n: 'a\ud800b' }],
    ['malformed global id', 'query($id: ID!) { node(id: $id) { id } }', { id: '%%%not-base64%%%' }],
    ['global id without colon', 'query($id: ID!) { node(id: $id) { id } }', { id: Buffer.from('TrainingClass').toString('base64') }],
    ['global id of an unknown type', 'query($id: ID!) { node(id: $id) { id } }', { id: encodeGlobalId('Secret', 'x') }],
    ['global id with a non-uuid', 'query($id: ID!) { node(id: $id) { id } }', { id: encodeGlobalId('TrainingClass', "1' OR '1'='1") }],
    ['global id __proto__', 'query($id: ID!) { node(id: $id) { id } }', { id: encodeGlobalId('__proto__', 'constructor') }],
    ['global id 100 KB', 'query($id: ID!) { node(id: $id) { id } }', { id: 'A'.repeat(100_000) }],
    ['id of the wrong type (person as class)', 'mutation($id: ID!) { submitClass(id: $id) { __typename ... on DomainError { code } } }', { id: personId }],
    ['id of the wrong type (class as person)', 'query($id: ID!) { personBalance(personId: $id) { __typename ... on DomainError { code } } }', { id: classId }],
    ['malformed cursor', 'query { classes(first: 5, after: "not-a-cursor") { edges { node { id } } } }'],
    ['cursor of another connection', `query { classes(first: 5, after: "${Buffer.from('GPC:S:nonsense').toString('base64')}") { edges { node { id } } } }`],
    ['cursor 50 KB', `query { trainees(first: 5, after: "${'Q'.repeat(50_000)}") { edges { node { id } } } }`],
    ['first = -1', 'query { classes(first: -1) { edges { node { id } } } }'],
    ['first = 2^31', 'query { classes(first: 2147483647) { edges { node { id } } } }'],
    ['first and last', 'query { classes(first: 5, last: 5) { edges { node { id } } } }'],
    ['impossible date 2026-13-45', 'query { classes(first: 5, startFrom: "2026-13-45") { edges { node { id } } } }'],
    ['impossible date 2026-02-30', 'query { classes(first: 5, startFrom: "2026-02-30", startTo: "2026-02-31") { edges { node { id } } } }'],
    ['calendarDays impossible', 'query { calendarDays(from: "2026-02-30", to: "2026-13-45") { __typename } }'],
    ['calendarDays reversed 1000 years', 'query { calendarDays(from: "3026-01-01", to: "1026-01-01") { __typename } }'],
    ['runEmploymentChecks impossible date', 'mutation { runEmploymentChecks(date: "2026-02-30") { __typename ... on DomainError { code } } }'],
    ['terminateApprenticeship impossible date', `mutation { terminateApprenticeship(id: "${encodeGlobalId('Apprenticeship', '00000000-0000-0000-0000-000000000000')}", endedOn: "2026-13-45", reason: "probe probe") { __typename ... on DomainError { code } } }`],
    ['__proto__ as a variable object', 'query($f: ScorecardFilter!) { scorecards(filter: $f, groupBy: INSTITUTION) { __typename } }', JSON.parse('{"f":{"__proto__":{"polluted":true},"from":"2026-01-01","to":"2026-12-31"}}')],
    ['constructor key in an input', 'query($f: ScorecardFilter!) { scorecards(filter: $f, groupBy: INSTITUTION) { __typename } }', { f: { constructor: { prototype: { x: 1 } } } }],
    ['deeply nested variables', 'query($f: ScorecardFilter!) { scorecards(filter: $f, groupBy: INSTITUTION) { __typename } }', { f: JSON.parse(nested(500)) }],
    ['enum as a string', 'query { classes(first: 5, status: "DRAFT") { edges { node { id } } } }'],
    ['unknown operation name', 'query A { viewer { __typename } } query B { viewer { __typename } }'],
    ['subscription', 'subscription { viewer { __typename } }'],
    ['introspection deep', `query { __schema { types { fields { type { ${'ofType { '.repeat(30)}name${' }'.repeat(30)} } } } } }`],
  ];
  for (const [label, query, variables] of cases) {
    if (!attack.has()) return;
    await send(attack, label, s, query, variables);
  }
  // The same at the anonymous login.
  const login = 'mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { __typename ... on DomainError { code } } }';
  for (const [label, u, p] of [
    ['login NUL in username', 'admin\u0000', 'x'],
    ['login lone surrogate', 'adm\udfffin', '\ud800'],
    ['login 1 MB password', 'admin', 'p'.repeat(1_000_000)],
    ['login __proto__', '__proto__', 'constructor'],
  ] as const) {
    if (!attack.has()) return;
    await send(attack, label, null, login, { u, p });
  }
  for (const [label, body] of [
    ['login variables as an array', JSON.stringify({ query: login, variables: ['a', 'b'] })],
    ['login variables null values', JSON.stringify({ query: login, variables: { u: null, p: null } })],
    ['body is a JSON string', JSON.stringify('query { viewer { __typename } }')],
    ['body is JSON null', 'null'],
    ['query is a number', JSON.stringify({ query: 42 })],
    ['batched request (array of 50)', JSON.stringify(Array.from({ length: 50 }, () => ({ query: login, variables: { u: 'admin', p: 'wrong' } })))],
    ['raw lone surrogate bytes', `{"query":"query { viewer { __typename } }","variables":{"x":"\\ud800"}}`],
    ['invalid UTF-8 bytes', Buffer.from([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('latin1')],
  ] as const) {
    if (!attack.has()) return;
    await attack.gql('', undefined, { body, describe: label });
  }
  const over = await attack.http('POST', '/graphql', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query { viewer { __typename } }', variables: { x: 'x'.repeat(3 * 1024 * 1024) } }),
    describe: 'POST /graphql 3 MB body',
  });
  if (over.status !== 413 && over.status < 500) attack.finding({ kind: 'note', what: 'body-cap', as: 'anonymous', sent: 'POST /graphql 3 MB body', got: `HTTP ${over.status}` });
  // GET without the preflight header (CSRF): must be refused, never executed.
  const get = await attack.http('GET', `/graphql?query=${encodeURIComponent('query { viewer { __typename user { id } } }')}`, {
    headers: { authorization: `Bearer ${s.token}` },
    as: s.username,
    describe: 'GET /graphql without apollo-require-preflight',
  });
  if (get.status === 200 && /"user":\{/.test(get.body)) {
    attack.finding({ kind: 'leak', what: 'csrf', as: s.username, sent: 'GET /graphql without preflight', got: `HTTP 200 with data` });
  }
  await attack.http('GET', `/graphql?query=${encodeURIComponent('mutation { logout }')}`, {
    headers: { 'apollo-require-preflight': '1', authorization: `Bearer ${s.token}` },
    as: s.username,
    describe: 'GET /graphql mutation with preflight',
  });
  await attack.http('GET', '/graphql?query=%E0%A4%A&variables=%7B', { headers: { 'apollo-require-preflight': '1' }, describe: 'GET /graphql bad percent-encoding' });
  await attack.http('PUT', '/graphql', { body: '{}', describe: 'PUT /graphql' });
  await attack.gql('', undefined, { body: 'query { viewer { __typename } }', headers: { 'content-type': 'text/plain' }, describe: 'POST /graphql as text/plain' });
}

/** Public pages with bad percent-encoding and odd paths. */
export async function publicRoutes(attack: Attack) {
  for (const path of [
    '/verify/%E0%A4%A',
    '/verify/%',
    '/verify/%ff%fe',
    '/verify/abc?name=%E0%A4%A',
    `/verify/${'9'.repeat(60)}?name=${'张'.repeat(200)}`,
    '/notices/%ff',
    '/notices/%E0%A4%A',
    '/notices/140000?after=%E0%A4%A',
    '/notices/140000?after=not-a-cursor',
    `/notices/140000?after=${'A'.repeat(5000)}`,
    '/notices?region=%ff',
    '/certificates/%2e%2e%2f%2e%2e%2fetc%2fpasswd.pdf',
    '/certificates/00000000-0000-0000-0000-000000000000.pdf',
    '/rosters/template.xlsx/..%2f..%2f',
    '/%E0%A4%A',
    '/graphql/%ff',
  ]) {
    if (!attack.has()) return;
    await attack.http('GET', path, { describe: `GET ${path.slice(0, 80)}` });
  }
}

/**
 * 40 parallel logins with a wrong password for `victim`, then the right one: a stranger must not be
 * able to lock the victim out. Returns whether the victim could still log in.
 */
export async function loginFlood(attack: Attack, victim: string, password: string): Promise<void> {
  if (!attack.has(42)) return;
  const login = 'mutation($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { __typename ... on LoginPayload { token } ... on DomainError { code } } }';
  const answers: GqlAnswer[] = await Promise.all(
    Array.from({ length: 40 }, (_, i) => attack.gql(login, { u: victim, p: `wrong-${i}` }, { describe: `login ${victim} wrong password (×40 parallel)` })),
  );
  const outcomes = new Map<string, number>();
  for (const a of answers) {
    const o = outcomeOf(a, 'login');
    outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
  }
  const summary = [...outcomes].map(([k, v]) => `${k}×${v}`).join(', ');
  attack.log(`flood: 40 wrong logins for ${victim}: ${summary}`);
  if (![...outcomes.keys()].some((k) => k.includes('RATE_LIMITED')) && !answers.some((a) => a.status === 429)) {
    attack.finding({ kind: 'note', what: 'no-rate-limit', as: 'anonymous', sent: `40 parallel wrong logins for ${victim}`, got: summary });
  }
  // The victim logs in from another client (another loopback source address; the same one where
  // the system has no other): a limit on the stranger's address must not stop them.
  let right = await attack.gql(login, { u: victim, p: password }, { localAddress: '127.0.0.2', describe: `login ${victim} right password after the flood (from 127.0.0.2)` });
  if (right.failed && /EADDRNOTAVAIL|EINVAL/.test(right.failed)) {
    right = await attack.gql(login, { u: victim, p: password }, { describe: `login ${victim} right password after the flood` });
  }
  const ok = typeof (right.data?.login as { token?: string } | undefined)?.token === 'string';
  if (!ok) {
    attack.finding({
      kind: 'leak',
      what: 'lockout-by-stranger',
      as: 'anonymous',
      sent: `40 parallel wrong logins for ${victim}, then the right password`,
      got: outcomeOf(right, 'login'),
    });
  }
}
