import type { PrismaClient } from '@vtc/db';
import type { CertificatePayload } from '@vtc/certificates';
import { maskPersonName } from '@vtc/domain';

/**
 * Public verification by number and holder name. "Not found" and "wrong name" answer alike, so the
 * service cannot be used to enumerate numbers or learn who holds one; only masked fields go out.
 */
export type VerificationStatus = 'VALID' | 'REVOKED' | 'NOT_FOUND';

export interface Verification {
  status: VerificationStatus;
  certificate: (CertificatePayload & { holderNameMasked: string; revokedAt: string | null; revokeReason: string | null; signatureKeyId: string | null; signature: string | null }) | null;
}

export async function verifyCertificate(prisma: PrismaClient, number: string, name: string): Promise<Verification> {
  const trimmed = number.trim().toUpperCase();
  if (!/^[A-Z0-9-]{10,40}$/.test(trimmed)) return { status: 'NOT_FOUND', certificate: null };
  const c = await prisma.certificate.findUnique({ where: { number: trimmed }, include: { person: { select: { name: true } } } });
  if (!c || !c.signedPayload || c.person.name !== name.trim()) return { status: 'NOT_FOUND', certificate: null };
  const payload = c.signedPayload as unknown as CertificatePayload;
  const { holderName: _omit, ...printed } = payload;
  return {
    status: c.status === 'REVOKED' ? 'REVOKED' : 'VALID',
    certificate: {
      ...printed,
      holderName: maskPersonName(payload.holderName),
      holderNameMasked: maskPersonName(payload.holderName),
      revokedAt: c.revokedAt?.toISOString() ?? null,
      revokeReason: c.revokeReason,
      signatureKeyId: c.signatureKeyId,
      signature: c.signature,
    },
  };
}
