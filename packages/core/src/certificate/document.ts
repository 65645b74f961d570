import { createHash } from 'node:crypto';
import { type CertificateFonts, type CertificatePayload, loadCertificateFonts, parseSignature, renderCertificatePdf } from '@vtc/certificates';
import type { PrismaClient } from '@vtc/db';
import { audit } from '../shared/audit.ts';

/**
 * Rendered certificate PDFs. Rendering is deterministic for the same data, so writing a document
 * again (a retried job) stores the same bytes; the sha256 lets anyone check a copy.
 */

export interface RenderDocumentOptions {
  /** Public base URL of the verification page printed in the QR code. */
  baseUrl: string;
  /** The fonts to draw with; by default the installed CJK fonts, parsed once per process. */
  fonts?: CertificateFonts;
}

let installedFonts: CertificateFonts | undefined;

/** The installed CJK fonts, loaded on first use (throws CertificateFontError when there are none). */
export function certificateFonts(): CertificateFonts {
  installedFonts ??= loadCertificateFonts();
  return installedFonts;
}

/** The PDF of a signed certificate: its signed payload and signature, as printed. */
export async function renderSignedCertificate(
  certificate: { signedPayload: unknown; signature: string },
  options: RenderDocumentOptions,
): Promise<Buffer> {
  return renderCertificatePdf(certificate.signedPayload as CertificatePayload, parseSignature(certificate.signature), {
    baseUrl: options.baseUrl,
    fonts: options.fonts ?? certificateFonts(),
  });
}

export async function renderCertificateDocument(
  prisma: PrismaClient,
  certificateId: string,
  options: RenderDocumentOptions,
): Promise<{ certificateId: string; bytes: number; sha256: string } | null> {
  const c = await prisma.certificate.findUnique({ where: { id: certificateId } });
  if (!c?.signedPayload || !c.signature) return null;
  const pdf = new Uint8Array(await renderSignedCertificate({ signedPayload: c.signedPayload, signature: c.signature }, options));
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
