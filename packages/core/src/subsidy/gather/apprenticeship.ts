import { createHash } from 'node:crypto';
import type { Tx } from '@vtc/db';
import { lockRows } from '@vtc/db';
import { ageOn, apprenticeshipYearFacts, type ClaimPerson, DomainError, isoDate } from '@vtc/domain';
import { notFound } from '../../shared/access.ts';
import { apprenticeshipScope } from '../../shared/scope.ts';
import type { Actor } from '../../shared/actor.ts';
import { isEnterpriseStaffOf } from '../../staff-training/staff-training.ts';
import { DEAD_CLAIM_STATUSES, type Gathered, type Links, noLinks } from './gathered.ts';
import { held, skillCertificates } from './skill-certificates.ts';

/**
 * APPRENTICESHIP_PREPAYMENT / _SETTLEMENT (enterprise): one year of its apprenticeships (the year's
 * facts from domain apprenticeshipYearFacts); a settlement of a pre-payment claim names it
 * (supplementsClaimId) and pays the balance, or claws the pre-payment back (a negative CLAWBACK
 * line) when the apprenticeship ended early.
 */
export type ApprenticeshipClaimKind = 'APPRENTICESHIP_PREPAYMENT' | 'APPRENTICESHIP_SETTLEMENT';

/** What names the apprenticeships claimed: the ids and year, or (a settlement) the pre-payment claim. */
export interface ApprenticeshipBasisInput {
  apprenticeshipIds?: readonly string[] | null;
  yearIndex?: number | null;
  prepaymentClaimId?: string | null;
}

/** The basis of a set of apprenticeships and a year: the same set (in any order) is the same basis. */
function apprenticeshipSetRef(ids: readonly string[], yearIndex: number): string {
  const h = createHash('sha256').update([...ids].sort().join(',')).digest('hex').slice(0, 24);
  return `apprenticeships:year:${yearIndex}:${h}`;
}

export async function gatherApprenticeships(
  tx: Tx,
  actor: Actor,
  kind: ApprenticeshipClaimKind,
  input: ApprenticeshipBasisInput,
  filedOn: string,
): Promise<Gathered> {
  let ids: string[];
  let yearIndex: number;
  let supplementsClaimId: string | null = null;
  let basisRef: string;
  let field = 'apprenticeshipIds';
  if (kind === 'APPRENTICESHIP_SETTLEMENT' && input.prepaymentClaimId) {
    field = 'prepaymentClaimId';
    const pre = await tx.subsidyClaim.findUnique({
      where: { id: input.prepaymentClaimId },
      select: { id: true, claimKind: true, claimantId: true, status: true, lines: { select: { apprenticeshipId: true, basisRef: true } } },
    });
    if (!pre || !pre.claimantId || !isEnterpriseStaffOf(actor, pre.claimantId)) throw notFound('SubsidyClaim', '预付申领');
    if (pre.claimKind !== 'APPRENTICESHIP_PREPAYMENT') {
      throw new DomainError('VALIDATION', { zh: '所选申领不是学徒培训预付申领', en: 'The claim named is not an apprenticeship pre-payment claim' }, { field });
    }
    if ((DEAD_CLAIM_STATUSES as readonly string[]).includes(pre.status)) {
      throw new DomainError('INVALID_TRANSITION', { zh: '预付申领已被驳回或撤回,无需结算', en: 'The pre-payment claim was rejected or withdrawn; there is nothing to settle' }, { field, status: pre.status });
    }
    ids = [...new Set(pre.lines.map((l) => l.apprenticeshipId).filter((x): x is string => x !== null))];
    const years = new Set(pre.lines.map((l) => Number(/:year:(\d+)$/.exec(l.basisRef)?.[1] ?? 0)));
    yearIndex = [...years][0] ?? 0;
    if (ids.length === 0 || years.size !== 1 || yearIndex < 1) {
      throw new DomainError('VALIDATION', { zh: '该预付申领没有可结算的学徒年度', en: 'The pre-payment claim has no apprenticeship year to settle' }, { field });
    }
    supplementsClaimId = pre.id;
    basisRef = `settles:${pre.id}`;
  } else {
    ids = [...new Set(input.apprenticeshipIds ?? [])];
    yearIndex = input.yearIndex ?? 0;
    basisRef = apprenticeshipSetRef(ids, yearIndex);
  }
  const found = new Set(await lockRows(tx, 'Apprenticeship', ids));
  // One not visible to the actor (another enterprise's) answers as a missing one does.
  const visible = new Set((await tx.apprenticeship.findMany({ where: { id: { in: [...found] }, AND: [apprenticeshipScope(actor)] }, select: { id: true } })).map((a) => a.id));
  const missing = ids.find((id) => !found.has(id) || !visible.has(id));
  if (missing) {
    const n = ids.indexOf(missing) + 1;
    throw new DomainError('NOT_FOUND', { zh: `第${n}个学徒培训不存在或无权访问`, en: `Apprenticeship ${n} of the list not found` }, { field: 'apprenticeshipIds', row: n, apprenticeshipId: missing });
  }
  const list = await tx.apprenticeship.findMany({
    where: { id: { in: ids } },
    orderBy: { id: 'asc' },
    select: { id: true, enterpriseId: true, personId: true, regionCode: true, targetLevel: true, startDate: true, endDate: true, status: true, occupation: { select: { code: true } }, person: { select: { name: true } } },
  });
  const enterpriseIds = new Set(list.map((a) => a.enterpriseId));
  const enterpriseId = list[0]!.enterpriseId;
  if (enterpriseIds.size !== 1 || !isEnterpriseStaffOf(actor, enterpriseId)) {
    throw new DomainError('FORBIDDEN', { zh: '只有学徒所在企业可以申领学徒培训补贴', en: "Only the apprentices' enterprise may claim the apprenticeship subsidy" });
  }
  const regions = new Set(list.map((a) => a.regionCode));
  if (regions.size !== 1) {
    throw new DomainError('VALIDATION', { zh: '一次申领的学徒须属于同一地区', en: 'The apprenticeships of one claim must be in one region' }, { field: 'apprenticeshipIds' });
  }
  const links = new Map<string, Links>();
  const persons: ClaimPerson[] = [];
  const personIds = list.map((a) => a.personId);
  const [people, certs] = await Promise.all([
    tx.person.findMany({ where: { id: { in: personIds } }, select: { id: true, sex: true, birthDate: true, priorityGroups: true } }),
    skillCertificates(tx, personIds),
  ]);
  const byPerson = new Map(people.map((p) => [p.id, p]));
  const starts: string[] = [];
  for (const a of list) {
    if (a.status === 'DRAFT') {
      throw new DomainError('INVALID_TRANSITION', { zh: `${a.person.name}的学徒培训尚未开始`, en: `The apprenticeship of ${a.person.name} has not started` }, { field: 'apprenticeshipIds', apprenticeshipId: a.id });
    }
    if (links.has(a.personId)) {
      throw new DomainError('VALIDATION', { zh: '同一学徒在一次申领中只能出现一次', en: 'An apprentice appears twice in one claim' }, { field: 'apprenticeshipIds', apprenticeshipId: a.id });
    }
    const facts = apprenticeshipYearFacts(
      { id: a.id, occupationCode: a.occupation.code, targetLevel: a.targetLevel, startDate: isoDate(a.startDate), endDate: isoDate(a.endDate), status: a.status },
      yearIndex,
      filedOn,
    );
    if (!facts) {
      throw new DomainError(
        'VALIDATION',
        { zh: `${a.person.name}的学徒培训没有第${yearIndex}年`, en: `The apprenticeship of ${a.person.name} has no year ${yearIndex}` },
        { field: 'yearIndex', apprenticeshipId: a.id },
      );
    }
    starts.push(facts.yearStartsOn);
    const p = byPerson.get(a.personId)!;
    links.set(a.personId, { ...noLinks(), apprenticeshipId: a.id });
    persons.push({
      personId: a.personId,
      sex: p.sex,
      ageAtStart: ageOn(isoDate(p.birthDate), isoDate(a.startDate)),
      priorityGroupsAtEnrollment: p.priorityGroups,
      heldCertificates: held(certs.get(a.personId) ?? []),
      apprenticeship: facts,
    });
  }
  return {
    claimantId: enterpriseId,
    claimantPersonId: null,
    supplementsClaimId,
    regionCode: list[0]!.regionCode,
    basisRef,
    field,
    basisDate: starts.sort()[0]!,
    basis: { type: 'APPRENTICESHIPS', ref: basisRef },
    persons,
    links,
  };
}
