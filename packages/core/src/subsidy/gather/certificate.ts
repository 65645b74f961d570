import type { Tx } from '@vtc/db';
import { lockRow } from '@vtc/db';
import { type ClaimPerson, DomainError, isoDate } from '@vtc/domain';
import { isStaffOf, notFound, refusal } from '../../shared/access.ts';
import { assessmentSessionScope } from '../../shared/scope.ts';
import type { Actor } from '../../shared/actor.ts';
import { isEnterpriseStaffOf } from '../../staff-training/staff-training.ts';
import { type Gathered, type Links, noLinks } from './gathered.ts';
import { certificateFacts, held, skillCertificates } from './skill-certificates.ts';

/**
 * The claims on the skill-level certificates issued by one assessment session:
 * - CERTIFICATE (vocational college): a session of one of its own classes (a person enrolled in
 *   the college's class is taken as a graduating-year student).
 * - ENTERPRISE_SELF_EVALUATION (enterprise): a session the enterprise ran itself as the evaluation body.
 */
export type SessionClaimKind = 'CERTIFICATE' | 'ENTERPRISE_SELF_EVALUATION';

export async function gatherSessionCertificates(tx: Tx, actor: Actor, sessionId: string, kind: SessionClaimKind): Promise<Gathered> {
  if (!(await lockRow(tx, 'AssessmentSession', sessionId))) throw notFound('AssessmentSession', '考核场次');
  const session = await tx.assessmentSession.findUniqueOrThrow({
    where: { id: sessionId },
    include: { class: { include: { institution: { select: { id: true, kind: true } } } }, evaluationBody: { select: { id: true, kind: true } } },
  });
  let claimantId: string;
  const visible = async () => (await tx.assessmentSession.count({ where: { id: sessionId, AND: [assessmentSessionScope(actor)] } })) > 0;
  if (kind === 'CERTIFICATE') {
    const college = session.class?.institution;
    if (!session.class || !college || !isStaffOf(actor, college.id) || college.kind !== 'VOCATIONAL_COLLEGE') {
      throw refusal(await visible(), 'AssessmentSession', '考核场次', new DomainError('FORBIDDEN', {
        zh: '只有组织本场考核的职业院校可以申领取证补贴',
        en: 'Only the vocational college whose class took this assessment may claim its certificate subsidy',
      }));
    }
    claimantId = college.id;
  } else {
    const body = session.evaluationBody;
    if (body.kind !== 'ENTERPRISE' || !isEnterpriseStaffOf(actor, body.id)) {
      throw refusal(await visible(), 'AssessmentSession', '考核场次', new DomainError('FORBIDDEN', {
        zh: '只有作为本场考核评价机构的企业可以申领企业自主评价补贴',
        en: 'Only the enterprise that ran this assessment as its own evaluation body may claim the self-evaluation subsidy',
      }));
    }
    claimantId = body.id;
  }
  const issued = await tx.certificate.findMany({
    where: { kind: 'SKILL_LEVEL', status: 'ISSUED', assessmentResult: { sessionId } },
    orderBy: { personId: 'asc' },
    select: { id: true, personId: true },
  });
  if (issued.length === 0) {
    throw new DomainError('INELIGIBLE', { zh: '本场考核没有已发放的职业技能等级证书', en: 'This assessment session has issued no skill-level certificates' }, { field: 'sessionId' });
  }
  const personIds = [...new Set(issued.map((c) => c.personId))];
  const [certs, students] = await Promise.all([
    skillCertificates(tx, personIds),
    kind === 'CERTIFICATE'
      ? tx.enrollment.findMany({ where: { personId: { in: personIds }, class: { institutionId: claimantId } }, select: { personId: true } })
      : Promise.resolve([] as Array<{ personId: string }>),
  ]);
  const isStudent = new Set(students.map((s) => s.personId));
  const links = new Map<string, Links>();
  const persons: ClaimPerson[] = [];
  let basisDate = null as string | null;
  for (const c of issued) {
    if (links.has(c.personId)) continue;
    const own = certs.get(c.personId) ?? [];
    const cert = own.find((x) => x.id === c.id);
    if (!cert || cert.level === null || cert.occupation === null) continue;
    const facts = certificateFacts(cert);
    basisDate = basisDate === null || facts.issuedOn < basisDate ? facts.issuedOn : basisDate;
    links.set(c.personId, { ...noLinks(), certificateId: cert.id });
    persons.push({
      personId: c.personId,
      certificate: facts,
      heldCertificates: held(own),
      ...(kind === 'CERTIFICATE' ? { graduatingStudent: isStudent.has(c.personId) } : {}),
    });
  }
  return {
    claimantId,
    claimantPersonId: null,
    supplementsClaimId: null,
    regionCode: kind === 'CERTIFICATE' ? session.class!.regionCode : session.regionCode,
    basisRef: `session:${sessionId}`,
    field: 'sessionId',
    basisDate: basisDate ?? isoDate(session.scheduledOn),
    basis: { type: 'CERTIFICATES', ref: `session:${sessionId}` },
    persons,
    links,
  };
}
