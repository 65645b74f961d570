import { createHash } from 'node:crypto';
import { type CertificateFonts, type CertificatePayload, parseSignature, renderCertificatePdf } from '@vtc/certificates';
import type { PrismaClient } from '@vtc/db';
import { audit } from '../shared/audit.ts';

/**
 * Rendered certificate PDFs. Rendering is deterministic for the same data, so writing a document
 * again (a retried job) stores the same bytes; the sha256 lets anyone check a copy.
 */
export async function renderCertificateDocument(
  prisma: PrismaClient,
  certificateId: string,
  options: { baseUrl: string; fonts: CertificateFonts },
): Promise<{ certificateId: string; bytes: number; sha256: string } | null> {
  const c = await prisma.certificate.findUnique({ where: { id: certificateId } });
  if (!c?.signedPayload || !c.signature) return null;
  const pdf = new Uint8Array(await renderCertificatePdf(c.signedPayload as unknown as CertificatePayload, parseSignature(c.signature), options));
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  await prisma.certificateDocument.upsert({
    where: { certificateId },
    create: { certificateId, pdf, sha256 },
    update: { pdf, sha256, renderedAt: new Date() },
  });
  return { certificateId, bytes: pdf.length, sha256 };
}

/** The certificates of an assessment session, in number order. */
export async function sessionCertificateIds(prisma: PrismaClient, sessionId: string): Promise<string[]> {
  const rows = await prisma.certificate.findMany({
    where: { assessmentResult: { sessionId } },
    select: { id: true },
    orderBy: { number: 'asc' },
  });
  return rows.map((r) => r.id);
}

/** How far the batch rendering of a session has come. */
export async function sessionRenderProgress(prisma: PrismaClient, sessionId: string) {
  const where = { assessmentResult: { sessionId } };
  const [total, rendered] = await Promise.all([
    prisma.certificate.count({ where }),
    prisma.certificate.count({ where: { ...where, document: { isNot: null } } }),
  ]);
  return { total, rendered };
}

export async function recordSessionRendered(prisma: PrismaClient, sessionId: string) {
  const progress = await sessionRenderProgress(prisma, sessionId);
  await audit(prisma as never, null, {
    action: 'certificates.rendered',
    entityType: 'AssessmentSession',
    entityId: sessionId,
    after: progress,
  });
  return progress;
}
