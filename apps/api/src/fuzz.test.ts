import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createFixtures, type Fixtures, startTestApi, type TestApi } from './testing.ts';

/**
 * Hostile input, generated: every mutation and every query field with arguments is called with
 * values built from the schema itself (introspection), most of them plausible and some of them bad:
 * NUL bytes, lone surrogates, huge strings, `__proto__`, malformed and wrongly typed global ids,
 * garbage cursors, impossible dates, out-of-range numbers, unknown enum values and values of the
 * wrong JSON type, by several roles and anonymously. Whatever comes back must be an answer the
 * client can act on: never "Internal error", never HTTP 500. Deterministic (fixed seed) and bounded.
 */
// FUZZ_SEED / FUZZ_RUNS explore further locally; the suite runs with the fixed values.
const SEED = Number(process.env.FUZZ_SEED ?? 20260701);
const RUNS_PER_FIELD = Number(process.env.FUZZ_RUNS ?? 30);
const ROLES = ['admin', 'institution1', 'linfen.bureau', 'enterprise1', 'trainee.a'] as const;

let api: TestApi;
let fx: Fixtures;
const tokens: Record<string, string> = {};
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
}
interface FullType {
  kind: string;
  name: string;
  fields: Array<{ name: string; args: InputValue[]; type: TypeRef }> | null;
  inputFields: InputValue[] | null;
  enumValues: Array<{ name: string }> | null;
  possibleTypes: Array<{ name: string }> | null;
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }';
const INTROSPECTION = `{ __schema { types { kind name
  fields { name args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } }
  inputFields { name type { ${TYPE_REF} } }
  enumValues { name }
  possibleTypes { name } } } }`;

let types: Map<string, FullType>;
/** Calls that reached a resolver and got an answer back (not refused while coercing variables). */
const executed = { n: 0 };
let goodIds: string[] = [];

beforeAll(async () => {
  api = await startTestApi('fuzz');
  fx = await createFixtures(api.prisma, api.config);
  for (const u of ROLES) tokens[u] = await api.login(u);
  const r = await api.gql<{ __schema: { types: FullType[] } }>(INTROSPECTION, {}, tokens.admin);
  types = new Map(r.data!.__schema.types.map((t) => [t.name, t]));
  const enrollment = await api.prisma.enrollment.findFirstOrThrow({ where: { classId: fx.classA } });
  const occupation = await api.prisma.occupation.findFirstOrThrow();
  goodIds = [
    gid('TrainingClass', fx.classA),
    gid('TrainingClass', fx.classB),
    gid('Person', fx.personA),
    gid('Organization', fx.institution1),
    gid('Organization', fx.enterprise),
    gid('Enrollment', enrollment.id),
    gid('Occupation', occupation.id),
    gid('Certificate', randomUUID()),
    gid('SubsidyClaim', randomUUID()),
  ];
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

/** The root fields under test: every mutation (but the one that ends the caller's session) and every query with arguments. */
function rootFields(): Array<{ op: 'query' | 'mutation'; name: string; args: InputValue[]; type: TypeRef }> {
  const out: Array<{ op: 'query' | 'mutation'; name: string; args: InputValue[]; type: TypeRef }> = [];
  for (const [op, typeName] of [['mutation', 'Mutation'], ['query', 'Query']] as const) {
    for (const f of types.get(typeName)?.fields ?? []) {
      if (f.args.length === 0 || f.name === 'logout') continue;
      out.push({ op, name: f.name, args: f.args, type: f.type });
    }
  }
  return out;
}

const printType = (t: TypeRef): string =>
  t.kind === 'NON_NULL' ? `${printType(t.ofType!)}!` : t.kind === 'LIST' ? `[${printType(t.ofType!)}]` : t.name!;
const named = (t: TypeRef): TypeRef => (t.ofType ? named(t.ofType) : t);

function selection(t: TypeRef): string {
  const n = types.get(named(t).name!)!;
  if (n.kind === 'SCALAR' || n.kind === 'ENUM') return '';
  const isError = n.possibleTypes?.some((p) => p.name === 'DomainError');
  return isError ? '{ __typename ... on DomainError { code field messageZh } }' : '{ __typename }';
}

const JUNK: unknown[] = [null, {}, [], true, -1, 0, 1e300, 'x', '', [null], { a: 1 }];
const EVIL_STRINGS = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  "'; DROP TABLE \"Person\"; --",
  '%E0%A4%A',
  '\u202e\u0000',
  '１２３',
  ' ',
  '\n\t',
];
const badString = fc.oneof(
  fc.constantFrom(...EVIL_STRINGS),
  fc.string16bits({ maxLength: 30 }),
  fc.fullUnicodeString({ maxLength: 30 }),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => '字'.repeat(n)),
  fc.string16bits({ maxLength: 8 }).map((s) => `${s}\u0000${s}`),
);
const badId = fc.oneof(
  fc.constantFrom(
    'x',
    '',
    '__proto__',
    'constructor',
    '%%%',
    'AAAA',
    '====',
    randomUUID(),
    b64(':'),
    b64('TrainingClass:'),
    b64('TrainingClass:not-a-uuid'),
    b64('TrainingClass:00000000-0000-0000-0000-000000000000'),
    b64(`TrainingClass:${randomUUID()}:extra`),
    b64('__proto__:1'),
    b64('constructor:00000000-0000-4000-8000-000000000000'),
    b64(`Person:${'a'.repeat(5000)}`),
    b64('Person:1\u0000'),
    b64('Nope:1'),
    b64('AuditLog:1'),
    'VHJhaW5pbmdDbGFzczo\u0000',
  ),
  fc.string16bits({ maxLength: 40 }).map(b64),
  fc.string16bits({ maxLength: 40 }),
  fc.uuid().map((u) => gid('TrainingClass', u)),
);
const badCursor = fc.oneof(
  badId,
  fc.constantFrom(b64('GPC:S:not-a-uuid'), b64('GPC:J:{bad'), b64('GPC:N:abc'), b64('GPC:D:2026-13-45'), b64('GPC:X:1'), b64('OffsetConnection:-5'), b64('OffsetConnection:1e9'), 'not-a-cursor'),
);
const badDate = fc.oneof(
  fc.constantFrom('2026-13-45', '2026-02-30', '0000-00-00', '9999-99-99', '2026-1-1', '', 'abc', '2026-02-29', '+20260-01-01', '2026-05-01T00:00:00Z', '2026-05-01\u0000', '２０２６-０１-０１', '-001-01-01', '1000-01-01', '9999-12-31'),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15) }).map((d) => (Number.isNaN(d.getTime()) ? 'NaN' : d.toISOString().slice(0, 10))),
);
const badInt = fc.oneof(fc.constantFrom(-1, 0, -2147483648, 2147483647, 2147483648, 1.5, -0, Number.MAX_SAFE_INTEGER, '1'), fc.integer());

function leafGood(name: string, argName: string): fc.Arbitrary<unknown> {
  const t = types.get(name)!;
  if (t.kind === 'ENUM') return fc.constantFrom(...t.enumValues!.map((v) => v.name));
  switch (name) {
    case 'ID':
      return fc.constantFrom(...goodIds);
    case 'Date':
      return fc.constantFrom('2026-05-01', '2026-11-18', '2025-01-01', '2026-12-31');
    case 'DateTime':
      return fc.constantFrom('2026-11-18T01:00:00Z', '2026-05-01T08:00:00+08:00');
    case 'Int':
      return fc.integer({ min: 0, max: 100 });
    case 'Float':
      return fc.double({ min: 0, max: 1000, noNaN: true });
    case 'Boolean':
      return fc.boolean();
    default:
      if (argName === 'after' || argName === 'before') return fc.constant(undefined);
      return fc.oneof(fc.constantFrom('x', '测试', '141002', '4-10-01-05', 'PX-141002-0001', '尧都区阳光职业培训学校'), fc.string({ maxLength: 12 }));
  }
}

function leafBad(name: string, argName: string): fc.Arbitrary<unknown> {
  const t = types.get(name)!;
  const junk = fc.constantFrom(...JUNK);
  if (t.kind === 'ENUM') return fc.oneof(fc.constantFrom('NOPE', '__proto__', 'constructor', 'valueOf', 'value\u0000'), junk);
  switch (name) {
    case 'ID':
      return fc.oneof({ weight: 4, arbitrary: badId }, { weight: 1, arbitrary: junk });
    case 'Date':
      return fc.oneof({ weight: 4, arbitrary: badDate }, { weight: 1, arbitrary: junk });
    case 'DateTime':
      return fc.oneof(badDate, fc.constantFrom('2026-13-45T99:99:99Z', '+275761-01-01T00:00:00Z', 'now'), junk);
    case 'Int':
    case 'Float':
      return fc.oneof({ weight: 4, arbitrary: badInt }, { weight: 1, arbitrary: junk });
    case 'Boolean':
      return junk;
    default:
      if (argName === 'after' || argName === 'before') return badCursor;
      return fc.oneof({ weight: 4, arbitrary: badString }, { weight: 1, arbitrary: junk });
  }
}

/** A value for an input type: mostly plausible, sometimes bad at any depth. */
function valueFor(t: TypeRef, argName: string, depth = 0): fc.Arbitrary<unknown> {
  if (t.kind === 'NON_NULL') return valueFor(t.ofType!, argName, depth);
  if (t.kind === 'LIST') {
    const item = valueFor(t.ofType!, argName, depth + 1);
    return fc.oneof(
      { weight: 5, arbitrary: fc.array(item, { maxLength: 3 }) },
      { weight: 1, arbitrary: item.map((v) => (JSON.stringify(v ?? null).length < 200 ? Array.from({ length: 3000 }, () => v) : [v])) },
      { weight: 1, arbitrary: item },
    );
  }
  const full = types.get(t.name!)!;
  if (full.kind === 'INPUT_OBJECT') {
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of full.inputFields ?? []) {
      const v = depth > 4 ? fc.constant(null) : valueFor(f.type, f.name, depth + 1);
      fields[f.name] = f.type.kind === 'NON_NULL' ? v : fc.option(v, { nil: undefined, freq: 3 });
    }
    const obj = fc.record(fields).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
    return fc.oneof(
      { weight: 12, arbitrary: obj },
      { weight: 1, arbitrary: obj.map((o) => ({ ...JSON.parse('{"__proto__": {"admin": true}, "constructor": {"x": 1}}'), ...o })) },
      { weight: 1, arbitrary: fc.constantFrom(...JUNK) },
    );
  }
  return fc.oneof({ weight: 3, arbitrary: leafGood(t.name!, argName) }, { weight: 2, arbitrary: leafBad(t.name!, argName) });
}

interface Failure {
  field: string;
  role: string;
  status: number;
  message: string;
  variables: string;
}

async function call(field: ReturnType<typeof rootFields>[number], role: string | null, variables: Record<string, unknown>): Promise<Failure | null> {
  const defs = field.args.map((a, i) => `$a${i}: ${printType(a.type)}`).join(', ');
  const uses = field.args.map((a, i) => `${a.name}: $a${i}`).join(', ');
  const query = `${field.op} F(${defs}) { ${field.name}(${uses}) ${selection(field.type)} }`;
  const body = JSON.stringify({ query, variables });
  // Bodies over the limit are refused at the edge (413, tested in http.test.ts) before any parsing.
  if (Buffer.byteLength(body) > api.config.MAX_BODY_BYTES) return null;
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}) },
    body,
  });
  const text = await res.text();
  let errors: Array<{ message: string; extensions?: { code?: string } }> = [];
  try {
    errors = (JSON.parse(text) as { errors?: typeof errors }).errors ?? [];
  } catch {
    errors = [{ message: `not JSON: ${text.slice(0, 100)}` }];
  }
  const internal = errors.find((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || /Internal error/i.test(e.message) || e.message.startsWith('not JSON'));
  const body2 = (() => { try { return JSON.parse(text) as { data?: Record<string, unknown> | null }; } catch { return {}; } })();
  if (body2.data && Object.values(body2.data).some((v) => v !== null)) executed.n += 1;
  if (res.status < 500 && !internal) return null;
  const shown = JSON.stringify(variables, (_k, v) => (typeof v === 'string' && v.length > 60 ? `${v.slice(0, 20)}…(${v.length})` : Array.isArray(v) && v.length > 5 ? `[${v.length} items]` : v));
  return { field: field.name, role: role ?? 'anonymous', status: res.status, message: internal?.message ?? text.slice(0, 200), variables: shown };
}

describe('generated hostile input never yields an internal error or HTTP 500', () => {
  it('every mutation and every query field with arguments, by several roles and anonymously', async () => {
    const failures: Failure[] = [];
    let calls = 0;
    for (const [i, field] of rootFields().entries()) {
      const args: Record<string, fc.Arbitrary<unknown>> = {};
      field.args.forEach((a, j) => {
        const v = valueFor(a.type, a.name);
        args[`a${j}`] = a.type.kind === 'NON_NULL' ? v : fc.option(v, { nil: undefined, freq: 4 });
      });
      const arb = fc.tuple(fc.constantFrom<string | null>(...ROLES, null), fc.record(args));
      await fc.assert(
        fc.asyncProperty(arb, async ([role, vars]) => {
          calls += 1;
          const failure = await call(field, role, JSON.parse(JSON.stringify(vars)) as Record<string, unknown>);
          if (failure) failures.push(failure);
          return true;
        }),
        { seed: SEED + i, numRuns: RUNS_PER_FIELD },
      );
    }
    // One line per field that failed: the first input found for it.
    const byField = new Map<string, Failure>();
    for (const f of failures) if (!byField.has(f.field)) byField.set(f.field, f);
    expect({ calls, fieldsWithInternalErrors: [...byField.values()] }).toEqual({ calls, fieldsWithInternalErrors: [] });
    expect(calls).toBeGreaterThan(1000);
    // Most calls must get past variable coercion, or the test would only exercise graphql-js.
    expect(executed.n).toBeGreaterThan(calls / 4);
  }, 300_000);

  it('/verify/<number> with any bytes, well or badly percent-encoded, never answers 500', async () => {
    const segment = fc.oneof(
      fc.constantFrom('%E0%A4%A', '%', '%%', '%zz', '%C0%AF', '%ED%A0%80', '%00', '%FF%FE', 'ZS-2026-%', 'a%2Fb', '%E4%BD%A0%E5%A5%BD'),
      fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }).map((bytes) => bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
      fc.stringOf(fc.constantFrom('%', 'A', 'f', '0', 'E', '9', 'z'), { minLength: 1, maxLength: 20 }),
    );
    const seen: Array<[string, number]> = [];
    await fc.assert(
      fc.asyncProperty(segment, fc.boolean(), async (s, withName) => {
        const res = await fetch(`${api.url}/verify/${s}${withName ? '?name=%E6%9D%8E' : ''}`);
        await res.text();
        if (res.status >= 500) seen.push([s, res.status]);
        return true;
      }),
      { seed: SEED, numRuns: 60 },
    );
    expect(seen).toEqual([]);
  }, 60_000);
});
