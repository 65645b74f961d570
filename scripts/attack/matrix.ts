/**
 * The authorisation matrix: every demo role reads every root query it can without arguments, the
 * objects it reaches are asked for again through `node(id)` (one scope: every path obeys the same
 * rule), personal numbers are looked for in everything it was shown, an anonymous caller gets
 * nothing beyond the public queries, and ids one tenant sees are tried by its neighbours through
 * `node(id)` and mutations, which must answer exactly as they answer for an id that does not exist.
 */
import { randomUUID } from 'node:crypto';
import {
  type Attack,
  decodeGlobalId,
  encodeGlobalId,
  type GqlAnswer,
  makeResidentId,
  outcomeOf,
  personalNumbersIn,
  shortId,
} from './client.ts';
import { type Field, named, requiredArgs, rootQuery, type Schema, type SelectOptions, selection } from './schema.ts';

export interface Session {
  username: string;
  token: string;
  canReveal: boolean;
}

export interface Reached {
  type: string;
  id: string;
  /** The first path it was seen at, e.g. `classes.edges.node.institution`. */
  path: string;
  /** Reached below another Node object (through a relation), not as a root list's item. */
  viaRelation: boolean;
}

/** Which other accounts hold records this account must not see; their ids are tried first. */
export const NEIGHBOURS: Record<string, string[]> = {
  institution1: ['institution2', 'hetao.school', 'college1'],
  institution2: ['institution1', 'hetao.school'],
  'hetao.school': ['institution1', 'institution2'],
  college1: ['institution1', 'institution2'],
  'yaodu.bureau': ['xiangfen.bureau', 'bayannur.bureau'],
  'xiangfen.bureau': ['yaodu.bureau', 'bayannur.bureau'],
  'linfen.bureau': ['bayannur.bureau'],
  'shanxi.bureau': ['bayannur.bureau'],
  'bayannur.bureau': ['linfen.bureau', 'yaodu.bureau'],
  evaluator1: ['hetao.school', 'institution2', 'enterprise1'],
  enterprise1: ['institution2', 'hetao.school', 'trainee1'],
  trainee1: ['institution2', 'hetao.school', 'enterprise1', 'yaodu.bureau'],
};

/** Root query fields anyone may call without a token. */
export const PUBLIC_QUERIES = new Set(['viewer', 'claimsUnderNotice', 'verifyCertificate']);

const LEVELS: Array<SelectOptions & { first: number }> = [
  { depth: 3, nestedScalars: true, nestedFirst: 5, first: 30 },
  { depth: 3, nestedScalars: false, nestedFirst: 5, first: 30 },
  { depth: 2, nestedScalars: false, nestedFirst: 5, first: 30 },
  { depth: 1, nestedScalars: false, nestedFirst: 5, first: 30 },
  { depth: 0, nestedScalars: false, nestedFirst: 5, first: 30 },
];

/** Rejected by the query limits or validation: not a finding, try a smaller query. */
function rejected(a: GqlAnswer): boolean {
  return (
    !a.data &&
    !!a.errors?.length &&
    a.errors.every((e) => ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT'].includes(String(e.extensions?.code)))
  );
}

/** Walk an answer: Node objects reached, and personal numbers shown (with where). */
export function walk(
  schema: Schema,
  value: unknown,
  path: string,
  underNode: boolean,
  reached: (r: Reached) => void,
  personal: (path: string, kind: 'id' | 'phone', value: string) => void,
): void {
  if (typeof value === 'string') {
    if (/(^|\.)id$/.test(path) || /cursor$/.test(path)) return;
    const { ids, phones } = personalNumbersIn(value);
    for (const v of ids) personal(path, 'id', v);
    for (const v of phones) personal(path, 'phone', v);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) walk(schema, v, path, underNode, reached, personal);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  const typename = typeof o.__typename === 'string' ? o.__typename : null;
  const isNode = typename !== null && schema.nodeTypes.has(typename) && typeof o.id === 'string';
  if (isNode) reached({ type: typename, id: o.id as string, path, viaRelation: underNode });
  for (const [k, v] of Object.entries(o)) {
    if (k === '__typename') continue;
    walk(schema, v, path ? `${path}.${k}` : k, underNode || isNode, reached, personal);
  }
}

/** Read everything a session can reach from the root queries; records PII findings on the way. */
export async function readAll(attack: Attack, schema: Schema, s: Session | null): Promise<Map<string, Reached>> {
  const as = s?.username ?? 'anonymous';
  const reached = new Map<string, Reached>();
  for (const f of schema.rootQueryFields()) {
    if (f.name === 'node' || requiredArgs(f).length) continue;
    if (!attack.has()) break;
    const a = await readRoot(attack, schema, f, s);
    if (!a) continue;
    walk(
      schema,
      a.data,
      '',
      false,
      (r) => {
        if (!reached.has(r.id)) reached.set(r.id, r);
      },
      (path, kind, value) => {
        if (s?.canReveal) return;
        attack.finding({
          kind: 'leak',
          what: kind === 'id' ? 'unmasked-id-number' : 'full-phone-number',
          as,
          sent: `query ${f.name} (depth ≤ 3)`,
          got: `${path} = ${value}`,
        });
      },
    );
  }
  return reached;
}

async function readRoot(attack: Attack, schema: Schema, f: Field, s: Session | null): Promise<GqlAnswer | null> {
  for (const level of LEVELS) {
    const q = rootQuery(schema, f, level, level.first);
    if (!q) return null;
    const a = await attack.gql(q, undefined, {
      token: s?.token,
      as: s?.username ?? 'anonymous',
      describe: `query ${f.name} depth ${level.depth}`,
    });
    if (a.failed) return null;
    if (!rejected(a)) return a;
  }
  return null;
}

/** `node(id)` of many ids, 15 a request: the typename answered for each (null when not visible). */
export async function nodeLookup(attack: Attack, s: Session | null, ids: string[]): Promise<Map<string, string | null | Error>> {
  const out = new Map<string, string | null | Error>();
  for (let i = 0; i < ids.length; i += 15) {
    if (!attack.has()) break;
    const chunk = ids.slice(i, i + 15);
    const vars: Record<string, string> = {};
    const decl: string[] = [];
    const sel: string[] = [];
    chunk.forEach((id, j) => {
      vars[`i${j}`] = id;
      decl.push(`$i${j}: ID!`);
      sel.push(`n${j}: node(id: $i${j}) { __typename id }`);
    });
    const a = await attack.gql(`query(${decl.join(', ')}) { ${sel.join(' ')} }`, vars, {
      token: s?.token,
      as: s?.username ?? 'anonymous',
      describe: `node(id) × ${chunk.length}`,
    });
    chunk.forEach((id, j) => {
      const v = a.data?.[`n${j}`] as { __typename?: string } | null | undefined;
      const err = a.errors?.find((e) => (e as { path?: string[] }).path?.[0] === `n${j}`);
      if (v) out.set(id, v.__typename ?? '?');
      else if (err) out.set(id, new Error(String(err.extensions?.code ?? err.message)));
      else if (a.data) out.set(id, null);
      else out.set(id, new Error(a.errors?.[0]?.extensions?.code ? String(a.errors[0].extensions.code) : `HTTP ${a.status}`));
    });
  }
  return out;
}

/** Up to `perType` entries of each type, spread over the paths they were reached at. */
function sample(entries: Reached[], perType: number): Reached[] {
  const byTypePath = new Map<string, Map<string, Reached[]>>();
  for (const e of entries) {
    const paths = byTypePath.get(e.type) ?? new Map<string, Reached[]>();
    const key = e.path.replace(/\.edges\.node/g, '');
    paths.set(key, [...(paths.get(key) ?? []), e]);
    byTypePath.set(e.type, paths);
  }
  const out: Reached[] = [];
  for (const paths of byTypePath.values()) {
    const lists = [...paths.values()];
    let taken = 0;
    for (let i = 0; taken < perType && lists.some((l) => l.length > i); i++) {
      for (const l of lists) {
        const e = l[i];
        if (e && taken < perType) {
          out.push(e);
          taken += 1;
        }
      }
    }
  }
  return out;
}

/** Every object a session reached must also be readable through node(id). */
export async function checkNodeConsistency(attack: Attack, s: Session, reached: Map<string, Reached>, perType: number) {
  const entries = [...reached.values()];
  const picked = [...sample(entries.filter((e) => e.viaRelation), perType), ...sample(entries.filter((e) => !e.viaRelation), 2)];
  const answers = await nodeLookup(
    attack,
    s,
    picked.map((p) => p.id),
  );
  for (const p of picked) {
    const a = answers.get(p.id);
    if (a === null) {
      attack.finding({
        kind: 'leak',
        what: p.viaRelation ? 'relation-not-node' : 'list-not-node',
        as: s.username,
        sent: `node(id: ${shortId(p.id)})`,
        got: `null, though ${p.type} was shown at ${p.path}`,
      });
    }
  }
}

/** An anonymous caller: every root query without arguments, node(id) and the public ones. */
export async function anonymous(attack: Attack, schema: Schema, someIds: string[]) {
  for (const f of schema.rootQueryFields()) {
    if (f.name === 'node' || requiredArgs(f).length || !attack.has()) continue;
    const q = rootQuery(schema, f, { depth: 1, nestedScalars: false, nestedFirst: 3 }, 5);
    if (!q) continue;
    const a = await attack.gql(q, undefined, { describe: `query ${f.name} without a token` });
    const value = a.data?.[f.name];
    const empty = value === null || value === undefined || (Array.isArray(value) && value.length === 0);
    if (!PUBLIC_QUERIES.has(f.name) && !empty) {
      attack.finding({ kind: 'leak', what: 'anonymous-data', as: 'anonymous', sent: `query ${f.name}`, got: JSON.stringify(value).slice(0, 160) });
    }
    if (!PUBLIC_QUERIES.has(f.name) && empty && a.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED' && !a.failed) {
      attack.finding({
        kind: 'note',
        what: 'anonymous-not-unauthenticated',
        as: 'anonymous',
        sent: `query ${f.name}`,
        got: outcomeOf(a, f.name),
      });
    }
  }
  const nodes = await nodeLookup(attack, null, someIds.slice(0, 15));
  for (const [id, v] of nodes) {
    if (typeof v === 'string') attack.finding({ kind: 'leak', what: 'anonymous-node', as: 'anonymous', sent: `node(id: ${shortId(id)})`, got: v });
  }
  const conn = named(schema.field('Query', 'claimsUnderNotice')?.type ?? { kind: 'SCALAR', name: 'String', ofType: null });
  const sel = schema.isLeaf(conn) ? '' : `{ ${selection(schema, conn, { depth: 2, nestedScalars: true, nestedFirst: 5 })} }`;
  const notice = await attack.gql(
    `query { claimsUnderNotice(regionCode: "140000", first: 50) ${sel} }`,
    undefined,
    { describe: 'query claimsUnderNotice(140000) without a token' },
  );
  scanPublic(attack, notice, 'claimsUnderNotice');
}

function scanPublic(attack: Attack, a: GqlAnswer, field: string) {
  const text = JSON.stringify(a.data ?? {});
  const { ids, phones } = personalNumbersIn(text);
  for (const v of [...ids, ...phones]) {
    attack.finding({ kind: 'leak', what: 'public-personal-number', as: 'anonymous', sent: `query ${field}`, got: v });
  }
}

interface Probe {
  /** The root field; the outcome is read from it. */
  field: string;
  kind: 'query' | 'mutation';
  /** Arguments, with `$id` where the foreign id goes. */
  args: string;
  /** A selection that never asks for personal data, only the outcome. */
  select?: string;
}

const OUTCOME = '{ __typename ... on DomainError { code } }';
const reason = '"attack probe: not a real request"';

/** Mutations and queries that take an id of each type. */
export function probesFor(type: string): Probe[] {
  const m = (field: string, args: string, select = OUTCOME): Probe => ({ field, kind: 'mutation', args, select });
  const q = (field: string, args: string, select = OUTCOME): Probe => ({ field, kind: 'query', args, select });
  switch (type) {
    case 'TrainingClass':
      return [
        m('approveClass', 'id: $id'),
        m('rejectClass', `id: $id, reason: ${reason}`),
        m('cancelClass', `id: $id, reason: ${reason}`),
        m('submitClass', 'id: $id'),
        m('startClass', 'id: $id'),
        m('enrollTrainee', `classId: $id, trainee: { idNumber: "${makeResidentId('141002', '19900101', 991)}", name: "探测" }`),
        q('employmentChecks', 'classId: $id'),
      ];
    case 'Person':
      return [m('revealIdNumber', `personId: $id, reason: ${reason}`), q('personBalance', 'personId: $id')];
    case 'SubsidyClaim':
      return [
        m('approveClaim', 'id: $id'),
        m('rejectClaim', `id: $id, reason: ${reason}`),
        m('closeClaimNotice', 'id: $id'),
        m('payClaim', 'id: $id, bankReference: "ATTACK-PROBE-1"'),
        m('recordClaimObjection', `claimId: $id, raisedByName: "探测", reason: ${reason}`),
      ];
    case 'Organization':
      return [q('organizationBalance', 'organizationId: $id'), q('dualCertificateReport', 'collegeId: $id, graduationYear: 2026')];
    case 'Certificate':
      return [m('revokeCertificate', `id: $id, reason: ${reason}`)];
    case 'Enrollment':
      return [m('withdrawEnrollment', `enrollmentId: $id, reason: ${reason}`), q('employmentChecks', 'enrollmentId: $id')];
    case 'Apprenticeship':
      return [m('completeApprenticeship', 'id: $id'), m('terminateApprenticeship', `id: $id, endedOn: "2026-12-01", reason: ${reason}`)];
    case 'AssessmentSession':
      return [m('closeAssessmentSession', 'sessionId: $id, issuedOn: "2026-12-01"')];
    case 'PaymentBatch':
      return [m('submitPaymentBatch', 'id: $id'), m('cancelPaymentBatch', `id: $id, reason: ${reason}`)];
    case 'StaffTrainingBatch':
      return [
        m(
          'addStaffTrainingParticipants',
          `batchId: $id, participants: [{ idNumber: "${makeResidentId('141002', '19900101', 993)}", name: "探测" }]`,
        ),
      ];
    case 'RosterImport':
      return [q('rosterImport', 'id: $id', '{ __typename }')];
    case 'ContributionImport':
      return [q('contributionImport', 'id: $id', '{ __typename }')];
    case 'ClaimObjection':
      return [m('resolveClaimObjection', 'id: $id, outcome: DISMISSED, resolution: "attack probe"')];
    case 'EmploymentRecord':
      return [m('decideEmploymentReport', `input: { recordId: $id, confirm: false, reason: ${reason} }`)];
    case 'AttendanceSession':
      return [m('recordAttendance', 'input: { sessionId: $id, records: [] }')];
    default:
      return [];
  }
}

async function runProbe(attack: Attack, s: Session, p: Probe, id: string): Promise<string> {
  const doc = `${p.kind}($id: ID!) { ${p.field}(${p.args}) ${p.select ?? OUTCOME} }`;
  const a = await attack.gql(doc, { id }, { token: s.token, as: s.username, describe: `${p.kind} ${p.field}(${shortId(id)})` });
  return outcomeOf(a, p.field);
}

/**
 * For each session, ids reached by others (neighbours first) that it did not reach: node(id) must
 * answer like an unknown id (null); for those, every probe must answer exactly like an unknown id.
 */
export async function crossTenant(
  attack: Attack,
  schema: Schema,
  sessions: Session[],
  reachedBy: Map<string, Map<string, Reached>>,
  perType: number,
  fileProbe?: (s: Session, type: string, id: string) => Promise<string | null>,
) {
  const existsInSchema = (p: Probe) => !!schema.field(p.kind === 'query' ? 'Query' : 'Mutation', p.field);
  for (const s of sessions) {
    if (!attack.has()) return;
    const own = reachedBy.get(s.username) ?? new Map<string, Reached>();
    const order = [...(NEIGHBOURS[s.username] ?? []), ...[...reachedBy.keys()].filter((u) => u !== s.username)];
    const candidates = new Map<string, Reached>();
    const perTypeCount = new Map<string, number>();
    for (const other of order) {
      for (const r of reachedBy.get(other)?.values() ?? []) {
        if (own.has(r.id) || candidates.has(r.id)) continue;
        if (['Region', 'Occupation', 'LabourBrand'].includes(r.type)) continue; // reference data: everyone's
        const n = perTypeCount.get(r.type) ?? 0;
        if (n >= perType * 3) continue;
        perTypeCount.set(r.type, n + 1);
        candidates.set(r.id, r);
      }
    }
    const ids = [...candidates.keys()];
    const visible = await nodeLookup(attack, s, ids);
    // A node lookup of an id that cannot exist is the baseline every foreign id must match.
    const invisibleByType = new Map<string, string[]>();
    for (const [id, v] of visible) {
      const r = candidates.get(id)!;
      if (v instanceof Error) {
        attack.finding({ kind: 'leak', what: 'existence', as: s.username, sent: `node(id: ${shortId(id)})`, got: `error ${v.message}, not null` });
        continue;
      }
      if (v !== null) continue; // visible to this session too: not foreign after all
      const l = invisibleByType.get(r.type) ?? [];
      if (l.length < perType) l.push(id);
      invisibleByType.set(r.type, l);
    }
    const invisible = [...invisibleByType].map(([t, l]) => `${t}×${l.length}`).join(' ');
    attack.log(`cross-tenant: ${s.username}: ${ids.length} ids of others tried, invisible and probed: ${invisible || 'none'}`);
    for (const [type, foreign] of invisibleByType) {
      const probes = probesFor(type).filter(existsInSchema);
      for (const p of probes) {
        if (!attack.has(1 + foreign.length)) return;
        const baseline = await runProbe(attack, s, p, encodeGlobalId(type, randomUUID()));
        for (const id of foreign) {
          const got = await runProbe(attack, s, p, id);
          if (got === baseline) continue;
          const wrote = got.startsWith('data:') && p.kind === 'mutation';
          attack.finding({
            kind: 'leak',
            what: wrote ? 'foreign-write' : got.startsWith('data:') ? 'foreign-read' : 'existence',
            as: s.username,
            sent: `${p.field}(${shortId(id)}) — ${type} it cannot read through node(id)`,
            got: `${got}, but ${baseline} for an id that does not exist`,
          });
        }
      }
      if (fileProbe) {
        const baseline = await fileProbe(s, type, encodeGlobalId(type, randomUUID()));
        if (baseline === null) continue;
        for (const id of foreign) {
          const got = await fileProbe(s, type, id);
          if (got !== baseline) {
            attack.finding({
              kind: 'leak',
              what: 'existence',
              as: s.username,
              sent: `file route for ${shortId(id)} — ${type} it cannot read through node(id)`,
              got: `${got}, but ${baseline} for an id that does not exist`,
            });
          }
        }
      }
    }
  }
}

/** The raw uuid of a global id (for routes that take it). */
export function rawIdOf(globalId: string): string | null {
  return decodeGlobalId(globalId)?.id ?? null;
}
