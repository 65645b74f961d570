import type { Tx } from '@vtc/db';
import { lockRow } from '@vtc/db';
import { creditCodeRegion, DomainError, isoDate, monthKeyOf } from '@vtc/domain';
import { notFound } from '../../shared/access.ts';
import type { Actor } from '../../shared/actor.ts';
import { type Gathered, noLinks } from './gathered.ts';
import { certificateFacts, held, skillCertificates } from './skill-certificates.ts';

/**
 * SKILL_UPGRADE (the insured person, a TRAINEE user): their own skill-level certificate and the
 * months of unemployment-insurance contributions up to the certificate's month; the claimant is
 * the person (claimantPersonId), no organization.
 */
export async function gatherSkillUpgrade(tx: Tx, actor: Actor, certificateId: string): Promise<Gathered> {
  const personIds = [...new Set(actor.roles.filter((r) => r.role === 'TRAINEE' && r.personId).map((r) => r.personId!))];
  if (personIds.length !== 1) {
    throw new DomainError('FORBIDDEN', { zh: '失业保险技能提升补贴由参保职工本人申领', en: 'The skill-upgrade subsidy is claimed by the insured person themself' });
  }
  const personId = personIds[0]!;
  if (!(await lockRow(tx, 'Certificate', certificateId))) throw notFound('Certificate', '证书');
  const cert = await tx.certificate.findUniqueOrThrow({ where: { id: certificateId }, select: { personId: true, kind: true, status: true, issuedOn: true } });
  if (cert.personId !== personId) throw notFound('Certificate', '证书');
  if (cert.kind !== 'SKILL_LEVEL' || cert.status !== 'ISSUED') {
    throw new DomainError('INELIGIBLE', { zh: '只能凭有效的职业技能等级证书申领', en: 'Only a valid (issued) skill-level certificate can be claimed for' }, { field: 'certificateId' });
  }
  const upTo = monthKeyOf(isoDate(cert.issuedOn));
  const [certs, contributions, person] = await Promise.all([
    skillCertificates(tx, [personId]),
    tx.socialInsuranceContribution.findMany({
      where: { personId, insuranceType: 'UNEMPLOYMENT', month: { lte: upTo } },
      orderBy: [{ month: 'desc' }, { employerCreditCode: 'asc' }],
      select: { month: true, employerCreditCode: true },
    }),
    tx.person.findUniqueOrThrow({ where: { id: personId }, select: { originRegionCode: true } }),
  ]);
  const own = certs.get(personId) ?? [];
  const paid = own.find((c) => c.id === certificateId)!;
  const insuredMonths = new Set(contributions.map((c) => c.month)).size;
  // The claim belongs where the person is insured (the latest employer's region), else their origin.
  const candidates = [contributions[0] ? creditCodeRegion(contributions[0].employerCreditCode) : null, person.originRegionCode].filter((c): c is string => c !== null);
  const known = await tx.region.findMany({ where: { code: { in: candidates } }, select: { code: true } });
  const regionCode = candidates.find((c) => known.some((k) => k.code === c));
  if (!regionCode) {
    throw new DomainError('VALIDATION', { zh: '无法确定参保地,不能申领', en: 'The region where the person is insured is unknown; the claim cannot be filed' }, { field: 'certificateId' });
  }
  const facts = certificateFacts(paid);
  return {
    claimantId: null,
    claimantPersonId: personId,
    supplementsClaimId: null,
    regionCode,
    basisRef: `certificate:${certificateId}`,
    field: 'certificateId',
    basisDate: facts.issuedOn,
    basis: { type: 'CERTIFICATES', ref: `certificate:${facts.number}` },
    persons: [{ personId, certificate: facts, heldCertificates: held(own), insuredMonths }],
    links: new Map([[personId, { ...noLinks(), certificateId }]]),
  };
}
