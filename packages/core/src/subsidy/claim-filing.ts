import type { PrismaClient, Tx } from '@vtc/db';
import { isUniqueViolation, isUuid, type Prisma, transaction } from '@vtc/db';
import { type ClaimComputation, type ClaimKind, claimNumber, computeClaim, DomainError, POLICY_KIND_OF_CLAIM, payableFen, shanghaiDate } from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { emit } from '../shared/outbox.ts';
import { nextSerial } from '../shared/serial.ts';
import { claimLineRow, insertClaimLines } from './claim-lines.ts';
import { claimPolicyFor } from './claim-policy.ts';
import { gatherApprenticeships } from './gather/apprenticeship.ts';
import { gatherSessionCertificates } from './gather/certificate.ts';
import { gatherClass } from './gather/class.ts';
import { DEAD_CLAIM_STATUSES, type Gathered } from './gather/gathered.ts';
import { gatherSkillUpgrade } from './gather/skill-upgrade.ts';
import { gatherStaffTraining } from './gather/staff-training.ts';
import { historyOf } from './history.ts';


/**
 * Filing a subsidy claim (补贴申领). The claimant's facts are gathered by the gatherer of the kind
 * (gather/: class.ts for TRAINING, CLASS_HOUR and OUTCOME; certificate.ts for CERTIFICATE and
 * ENTERPRISE_SELF_EVALUATION; staff-training.ts for ENTERPRISE_TRAINING; skill-upgrade.ts for
 * SKILL_UPGRADE; apprenticeship.ts for APPRENTICESHIP_PREPAYMENT / _SETTLEMENT), the amounts come
 * from the pure engine (domain `computeClaim`) under the policy version in force on the basis date,
 * and the claim with its explained lines is written in ONE transaction.
 *
 * A claim for the same basis (claim kind + basisRef) that is still live is a CONFLICT; the basis row
 * (class, session, batch, certificate, apprenticeships) is locked first, so two filings of the same
 * basis serialise. Two claims racing for the same person meet the partial unique indexes on
 * SubsidyClaimLine (dedupKey and the yearly limit slot): the loser's transaction is rolled back whole
 * and the caller gets a CONFLICT naming the person.
 *
 * SQL statements per claim do not grow with the number of persons: every fact is read with one
 * set-based query (`in` lists), and all lines are written with one INSERT taking them as a single
 * JSON parameter (so the 65,535 bind-parameter limit never forces chunking).
 */
export type FileClaimKind = Exclude<ClaimKind, 'EMPLOYMENT_UPLIFT'>;

export const FILE_CLAIM_KINDS: readonly FileClaimKind[] = [
  'TRAINING',
  'CLASS_HOUR',
  'CERTIFICATE',
  'ENTERPRISE_TRAINING',
  'ENTERPRISE_SELF_EVALUATION',
  'SKILL_UPGRADE',
  'APPRENTICESHIP_PREPAYMENT',
  'APPRENTICESHIP_SETTLEMENT',
  'OUTCOME',
];

export interface FileClaimInput {
  kind: FileClaimKind;
  /** TRAINING, CLASS_HOUR, OUTCOME: the completed class. */
  classId?: string | null;
  /** CERTIFICATE, ENTERPRISE_SELF_EVALUATION: the assessment session whose certificates are claimed. */
  sessionId?: string | null;
  /** ENTERPRISE_TRAINING: the completed staff-training batch. */
  batchId?: string | null;
  /** SKILL_UPGRADE: the claimant's own skill-level certificate. */
  certificateId?: string | null;
  /** APPRENTICESHIP_*: the apprenticeships and the year (1 = first) claimed. */
  apprenticeshipIds?: readonly string[] | null;
  yearIndex?: number | null;
  /** APPRENTICESHIP_SETTLEMENT: the pre-payment claim settled (its apprenticeships and year are used). */
  prepaymentClaimId?: string | null;
}

export interface FileClaimResult {
  claimId: string;
  number: string;
  totalFen: number;
  lines: number;
  excluded: number;
  computation: ClaimComputation;
}

export const CLAIM_FILED_EVENT = 'claim.filed';

/** Apprenticeships per claim (a year of one enterprise's apprentices). */
export const MAX_APPRENTICESHIPS_PER_CLAIM = 2_000;

/** After a lost race: which person's line is already held by another live claim. */
async function conflictFor(prisma: PrismaClient, computation: ClaimComputation): Promise<DomainError> {
  const keys = computation.lines.map((l) => l.dedupKey);
  const slots = computation.lines.filter((l) => l.limitSlot !== null);
  const or: Prisma.SubsidyClaimLineWhereInput[] = [{ dedupKey: { in: keys } }];
  for (const l of slots) or.push({ personId: l.personId, subsidyYear: l.subsidyYear, limitSlot: l.limitSlot });
  const taken = await prisma.subsidyClaimLine.findFirst({
    where: { status: { not: 'REJECTED' }, OR: or },
    orderBy: { personId: 'asc' },
    select: { personId: true, dedupKey: true, claim: { select: { number: true } }, person: { select: { name: true, idNumberMasked: true } } },
  });
  const who = taken ? `${taken.person.name}(${taken.person.idNumberMasked})` : '';
  return new DomainError(
    'CONFLICT',
    {
      zh: taken ? `${who}的补贴已在申领${taken.claim.number}中申报,本次申领未保存` : '同一人员的补贴正被另一申领同时申报,本次申领未保存',
      en: taken
        ? `Person ${taken.person.idNumberMasked} is already claimed in claim ${taken.claim.number}; nothing was filed`
        : 'Another claim for the same person was filed at the same time; nothing was filed',
    },
    { field: 'persons', personId: taken?.personId ?? null, claimNumber: taken?.claim.number ?? null },
  );
}

const ID_FIELD: Record<FileClaimKind, keyof FileClaimInput> = {
  TRAINING: 'classId',
  CLASS_HOUR: 'classId',
  OUTCOME: 'classId',
  CERTIFICATE: 'sessionId',
  ENTERPRISE_SELF_EVALUATION: 'sessionId',
  ENTERPRISE_TRAINING: 'batchId',
  SKILL_UPGRADE: 'certificateId',
  APPRENTICESHIP_PREPAYMENT: 'apprenticeshipIds',
  APPRENTICESHIP_SETTLEMENT: 'apprenticeshipIds',
};

function required(field: string, kind: string): DomainError {
  return new DomainError('VALIDATION', { zh: `${kind}申领须提供${field}`, en: `${field} is required for a ${kind} claim` }, { field });
}

/** The input checks that need no database: the kind, and the basis ids it needs (well-formed). */
function validateInput(input: FileClaimInput): void {
  const kind = input.kind;
  if (!(FILE_CLAIM_KINDS as readonly string[]).includes(kind)) {
    throw new DomainError('VALIDATION', { zh: `不能直接申报的申领类别:${String(kind)}`, en: `Claim kind ${String(kind)} cannot be filed here` }, { field: 'kind' });
  }
  if (kind === 'APPRENTICESHIP_SETTLEMENT' && input.prepaymentClaimId) {
    if (!isUuid(input.prepaymentClaimId)) throw required('prepaymentClaimId', kind);
    return;
  }
  if (kind === 'APPRENTICESHIP_PREPAYMENT' || kind === 'APPRENTICESHIP_SETTLEMENT') {
    const ids = input.apprenticeshipIds ?? [];
    if (ids.length === 0) throw required(kind === 'APPRENTICESHIP_SETTLEMENT' ? 'apprenticeshipIds (or prepaymentClaimId)' : 'apprenticeshipIds', kind);
    if (ids.length > MAX_APPRENTICESHIPS_PER_CLAIM) {
      throw new DomainError(
        'VALIDATION',
        { zh: `一次申领最多${MAX_APPRENTICESHIPS_PER_CLAIM}名学徒`, en: `At most ${MAX_APPRENTICESHIPS_PER_CLAIM} apprenticeships per claim` },
        { field: 'apprenticeshipIds' },
      );
    }
    const bad = ids.findIndex((id) => !isUuid(id));
    if (bad >= 0) throw new DomainError('VALIDATION', { zh: `第${bad + 1}个学徒培训编号无效`, en: `Apprenticeship id ${bad + 1} is not valid` }, { field: 'apprenticeshipIds', row: bad + 1 });
    const y = input.yearIndex;
    if (typeof y !== 'number' || !Number.isInteger(y) || y < 1 || y > 10) {
      throw new DomainError('VALIDATION', { zh: '学徒年度须为1起的整数', en: 'yearIndex must be a whole number from 1' }, { field: 'yearIndex' });
    }
    return;
  }
  const field = ID_FIELD[kind];
  const id = input[field];
  if (typeof id !== 'string' || !isUuid(id)) throw required(field, kind);
}

async function gather(tx: Tx, actor: Actor, input: FileClaimInput, filedOn: string): Promise<Gathered> {
  const kind = input.kind;
  switch (kind) {
    case 'TRAINING':
    case 'CLASS_HOUR':
    case 'OUTCOME':
      return gatherClass(tx, actor, input.classId!, kind);
    case 'CERTIFICATE':
    case 'ENTERPRISE_SELF_EVALUATION':
      return gatherSessionCertificates(tx, actor, input.sessionId!, kind);
    case 'ENTERPRISE_TRAINING':
      return gatherStaffTraining(tx, actor, input.batchId!);
    case 'SKILL_UPGRADE':
      return gatherSkillUpgrade(tx, actor, input.certificateId!);
    case 'APPRENTICESHIP_PREPAYMENT':
    case 'APPRENTICESHIP_SETTLEMENT':
      return gatherApprenticeships(tx, actor, kind, input, filedOn);
    default:
      throw new DomainError('VALIDATION', { zh: `未知的申领类别:${String(kind)}`, en: `Unknown claim kind ${String(kind)}` }, { field: 'kind' });
  }
}

export async function fileClaim(prisma: PrismaClient, actor: Actor, input: FileClaimInput, now: Date = new Date()): Promise<FileClaimResult> {
  validateInput(input);
  const kind = input.kind;
  const filedOn = shanghaiDate(now);
  let computed = null as ClaimComputation | null;
  try {
    return await transaction(
      prisma,
      async (tx) => {
        const g = await gather(tx, actor, input, filedOn);
        const existing = await tx.subsidyClaim.findFirst({
          where: { claimKind: kind, basisRef: g.basisRef, status: { notIn: [...DEAD_CLAIM_STATUSES] } },
          select: { number: true },
        });
        if (existing) {
          throw new DomainError(
            'CONFLICT',
            { zh: `已有针对同一对象的申领${existing.number}`, en: `Claim ${existing.number} already covers this ${kind} basis (${g.field})` },
            { field: g.field, claimNumber: existing.number },
          );
        }
        const { row, policy } = await claimPolicyFor(tx, g.regionCode, POLICY_KIND_OF_CLAIM[kind], g.basisDate);
        const extra = g.complete?.(policy) ?? { facts: {} };
        const history = await historyOf(tx, g.persons.map((p) => p.personId));
        const computation = computeClaim({ policy, kind, basis: g.basis, persons: g.persons, history, filedOn });
        if (extra.explain) for (const l of computation.lines) l.explanation = extra.explain(l.explanation);
        computation.facts = { ...computation.facts, ...extra.facts };
        if (computation.totalFen < 0) computation.facts = { ...computation.facts, netFen: computation.totalFen, recoverFen: -computation.totalFen };
        computed = computation;
        if (computation.lines.length === 0) {
          throw new DomainError(
            'INELIGIBLE',
            { zh: '没有符合补贴条件的人员,申领未保存', en: 'No person qualifies for a subsidy; nothing was filed' },
            { field: 'persons', excluded: computation.excluded.map((x) => ({ personId: x.personId, rule: x.rule })) },
          );
        }
        const year = Number(filedOn.slice(0, 4));
        const serial = await nextSerial(tx, `claim:${g.regionCode}:${year}`);
        const number = claimNumber(g.regionCode, year, serial);
        const claim = await tx.subsidyClaim.create({
          data: {
            number,
            claimantId: g.claimantId,
            claimantPersonId: g.claimantPersonId,
            supplementsClaimId: g.supplementsClaimId,
            regionCode: g.regionCode,
            policyId: row.id,
            kind: policy.kind,
            claimKind: kind,
            basisRef: g.basisRef,
            // The basis is kept so supplementary claims (the employment uplift) can be computed on it.
            computation: { basis: g.basis, facts: computation.facts, excluded: computation.excluded, filedOn } as object,
            status: 'SUBMITTED',
            totalFen: BigInt(payableFen(computation.totalFen)),
            submittedAt: now,
          },
          select: { id: true },
        });
        const data = computation.lines.map((l) => claimLineRow(claim.id, l, g.links.get(l.personId)));
        await insertClaimLines(tx, data);
        const summary = { number, kind, basisRef: g.basisRef, policy: computation.policy, totalFen: computation.totalFen, lines: computation.lines.length, excluded: computation.excluded.length };
        await audit(tx, actor, { action: 'claim.file', entityType: 'SubsidyClaim', entityId: claim.id, after: summary });
        await emit(tx, {
          type: CLAIM_FILED_EVENT,
          aggregateType: 'SubsidyClaim',
          aggregateId: claim.id,
          payload: { claimId: claim.id, number, kind, totalFen: computation.totalFen, lines: computation.lines.length },
        });
        return { claimId: claim.id, number, totalFen: computation.totalFen, lines: computation.lines.length, excluded: computation.excluded.length, computation };
      },
      { timeoutMs: 60_000 },
    );
  } catch (e) {
    if (computed !== null && isUniqueViolation(e)) throw await conflictFor(prisma, computed);
    throw e;
  }
}
