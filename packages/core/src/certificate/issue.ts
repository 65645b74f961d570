import { randomBytes } from 'node:crypto';
import type { PrismaClient, Tx } from '@vtc/db';
import { transaction } from '@vtc/db';
import { assertNotFuture, certificateNumberPrefix, dateFromIso, DomainError, formatCertificateNumber, type SkillLevel } from '@vtc/domain';
import { isBureauCovering } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { today as shanghaiToday } from '../shared/clock.ts';
import { certificateScope } from '../shared/scope.ts';
import { nextSerial } from '../shared/serial.ts';
import {
  type CertificateKind,
  type CertificatePayload,
  type CertificatePayloadInput,
  createCertificatePayload,
  formatSignature,
  type Signer,
  signerFromSeed,
  signPayload,
} from '@vtc/certificates';

/**
 * Issuing a certificate: number it, fix every printed field in a payload (@vtc/certificates
 * validates and canonicalises it), sign the payload and store all three. The signer is configured in
 * one place (certificateSigningFrom): Ed25519 today, an SM2 signer can replace it behind the same interface.
 */
export type CertificateSigning = Signer;

export function certificateSigningFrom(config: { CERT_SIGNING_KEY: string; CERT_KEY_ID: string }): CertificateSigning {
  return signerFromSeed(config.CERT_SIGNING_KEY, config.CERT_KEY_ID);
}

export interface IssueInput {
  kind: CertificateKind;
  person: { id: string; name: string; idNumberMasked: string };
  issuer: { id: string; name: string; creditCode: string; kind: string; evaluationCode: string | null };
  occupation: { id: string; code: string; name: string };
  level: SkillLevel | null;
  issuedOn: string;
  siteCode?: string;
  regionCode: string;
  assessmentResultId?: string | null;
  enrollmentId?: string | null;
  competitionEntryId?: string | null;
  /** Kind-specific printed fields (class code and hours, competition and award). */
  extra?: Partial<Pick<CertificatePayloadInput, 'classCode' | 'className' | 'trainingHours' | 'trainingStartOn' | 'trainingEndOn' | 'competitionName' | 'award' | 'rank'>>;
}

/** The number, by kind: national 22 characters for skill levels, documented schemes for the rest. */
export async function numberCertificate(tx: Tx, input: IssueInput): Promise<string> {
  const year = Number(input.issuedOn.slice(0, 4));
  if (input.kind === 'SKILL_LEVEL') {
    if (!input.level || !input.issuer.evaluationCode || !input.siteCode) throw new Error('skill-level certificate needs level, evaluation code and site');
    const parts = {
      evaluatorType: input.issuer.kind === 'ENTERPRISE' ? ('Y' as const) : ('S' as const),
      organizationCode: input.issuer.evaluationCode,
      provinceCode: input.regionCode.slice(0, 2),
      siteCode: input.siteCode,
      year,
      level: input.level,
    };
    const prefix = certificateNumberPrefix(parts);
    return formatCertificateNumber({ ...parts, serial: await nextSerial(tx, `certificate:${prefix}`) });
  }
  if (input.kind === 'SPECIAL_ABILITY') {
    // ZX-<evaluation org code>-<year>-<serial>: 专项职业能力证书, serial per organisation and year.
    const org = input.issuer.evaluationCode ?? '0000';
    const serial = await nextSerial(tx, `special:${org}:${year}`);
    return `ZX-${org}-${year}-${String(serial).padStart(6, '0')}`;
  }
  if (input.kind === 'TRAINING_COMPLETION') {
    // JY-<region>-<year>-<serial>: 培训结业证书, serial per region and year.
    const serial = await nextSerial(tx, `completion:${input.regionCode}:${year}`);
    return `JY-${input.regionCode}-${year}-${String(serial).padStart(6, '0')}`;
  }
  // JS-<region>-<year>-<serial>: 竞赛获奖证书.
  const serial = await nextSerial(tx, `competition:${input.regionCode}:${year}`);
  return `JS-${input.regionCode}-${year}-${String(serial).padStart(6, '0')}`;
}

export function certificatePayload(number: string, input: IssueInput): CertificatePayload {
  return createCertificatePayload({
    number,
    kind: input.kind,
    holderName: input.person.name,
    holderIdMasked: input.person.idNumberMasked,
    occupationCode: input.occupation.code,
    occupationName: input.occupation.name,
    level: input.level,
    issuerName: input.issuer.name,
    issuerCode: input.issuer.creditCode,
    issuedOn: input.issuedOn,
    ...(input.extra ?? {}),
  });
}

/** Issue one certificate; it never carries a date after today (Asia/Shanghai). */
export async function issueCertificate(tx: Tx, signing: CertificateSigning, input: IssueInput, today: string = shanghaiToday()) {
  assertNotFuture(input.issuedOn, today, 'issuedOn', { zh: '发证日期', en: 'The issue date' });
  const number = await numberCertificate(tx, input);
  const signed = signPayload(certificatePayload(number, input), signing);
  return tx.certificate.create({
    data: {
      number,
      kind: input.kind,
      personId: input.person.id,
      issuerId: input.issuer.id,
      occupationId: input.occupation?.id ?? null,
      level: input.level,
      issuedOn: dateFromIso(input.issuedOn),
      verifyToken: randomBytes(24).toString('base64url'),
      signature: formatSignature(signed.signature),
      signatureKeyId: signed.signature.keyId,
      signedPayload: signed.payload as object,
      assessmentResultId: input.assessmentResultId ?? null,
      enrollmentId: input.enrollmentId ?? null,
      competitionEntryId: input.competitionEntryId ?? null,
    },
  });
}

/**
 * Revoke a certificate (with a reason). The issuer or a bureau covering the issuer's region may; the
 * number is never reused, and verification answers REVOKED from then on.
 */
export async function revokeCertificate(prisma: PrismaClient, actor: Actor, input: { certificateId: string; reason: string }) {
  const reason = input.reason.trim();
  if (reason.length < 2 || reason.length > 500) {
    throw new DomainError('VALIDATION', { zh: '请填写撤销原因(2–500字)', en: 'Give a reason (2–500 characters)' }, { field: 'reason' });
  }
  return transaction(prisma, async (tx) => {
    const c = await tx.certificate.findFirst({ where: { AND: [{ id: input.certificateId }, certificateScope(actor)] }, include: { issuer: true } });
    if (!c) throw new DomainError('NOT_FOUND', { zh: '证书不存在或无权访问', en: 'Certificate not found' });
    const mayRevoke =
      actor.roles.some((r) => (r.role === 'EVALUATOR' || r.role === 'INSTITUTION_STAFF') && r.organizationId === c.issuerId) ||
      isBureauCovering(actor, c.issuer.regionCode);
    if (!mayRevoke) throw new DomainError('FORBIDDEN', { zh: '只有发证机构或其主管人社部门可以撤销证书', en: 'Only the issuer or its bureau may revoke' });
    if (c.status === 'REVOKED') throw new DomainError('INVALID_TRANSITION', { zh: '证书已撤销', en: 'The certificate is already revoked' });
    const updated = await tx.certificate.update({
      where: { id: c.id },
      data: { status: 'REVOKED', revokedAt: new Date(), revokeReason: reason },
    });
    await audit(tx, actor, { action: 'certificate.revoked', entityType: 'Certificate', entityId: c.id, before: { status: 'ISSUED' }, after: { status: 'REVOKED', reason } });
    return updated;
  });
}
