import { isUuid, type PrismaClient } from '@vtc/db';
import { DomainError } from '@vtc/domain';
import type { Actor } from '../shared/actor.ts';
import { certificateScope } from '../shared/scope.ts';
import { type RenderDocumentOptions, renderSignedCertificate } from './document.ts';

export interface CertificatePdf {
  /** The certificate number, which names the file. */
  number: string;
  pdf: Buffer;
}

/**
 * The PDF of a certificate for a signed-in user whose scope covers it (the holder, the issuer, the
 * class's institution, the region's bureau): the document the worker stored, or rendered now when
 * there is none yet. A certificate outside the scope, unsigned or unknown is NOT_FOUND alike, so the
 * answer does not tell which ids exist. The PDF prints only the masked ID number, so a download is
 * not an unmasked read and writes no audit row.
 */
export async function certificatePdf(
  prisma: PrismaClient,
  actor: Actor,
  certificateId: string,
  options: RenderDocumentOptions,
): Promise<CertificatePdf> {
  const c = isUuid(certificateId)
    ? await prisma.certificate.findFirst({
        where: { AND: [{ id: certificateId }, certificateScope(actor)] },
        select: { number: true, signedPayload: true, signature: true, document: { select: { pdf: true } } },
      })
    : null;
  if (!c?.signedPayload || !c.signature) {
    throw new DomainError('NOT_FOUND', { zh: '证书不存在或无权访问', en: 'Certificate not found' }, { field: 'id' });
  }
  const pdf = c.document?.pdf
    ? Buffer.from(c.document.pdf)
    : await renderSignedCertificate({ signedPayload: c.signedPayload, signature: c.signature }, options);
  return { number: c.number, pdf };
}
