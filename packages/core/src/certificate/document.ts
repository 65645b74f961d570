import { createHash } from 'node:crypto';
import { type CertificateFonts, type CertificatePayload, loadCertificateFonts, parseSignature, renderCertificatePdf } from '@vtc/certificates';
import { lockRow, type PrismaClient, transaction } from '@vtc/db';
import { DomainError } from '@vtc/domain';
import { errorMessage, OUTBOX_EVENT_TYPES } from '@vtc/jobs';
import { isBureauCovering, notFound } from '../shared/access.ts';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { emit } from '../shared/outbox.ts';
import { assessmentSessionScope } from '../shared/scope.ts';

/**
 * Rendered certificate PDFs. Rendering is deterministic for the same data, so writing a document
 * again (a retried job) stores the same bytes; the sha256 lets anyone check a copy.
 */

export interface RenderDocumentOptions {
  /** Public base URL of the verification page printed in the QR code. */
  baseUrl: string;
  /**
   * The fonts to draw with; by default the installed CJK fonts, parsed once per process. A function is
   * called when the certificate is drawn, so a font that cannot be loaded is that render's failure.
   */
  fonts?: CertificateFonts | (() => CertificateFonts);
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
    fonts: typeof options.fonts === 'function' ? options.fonts() : (options.fonts ?? certificateFonts()),
  });
}

/**
 * Drawing the PDF failed (no usable font, a payload the renderer refuses). Rendering is deterministic,
 * so the same data fails the same way: a job does not retry it; it is recorded, and retried on request
 * (retryCertificateRendering) once the cause is fixed.
 */
export class CertificateRenderError extends Error {
  override readonly name = 'CertificateRenderError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Render and store one certificate's PDF (the worker's render-certificate job). Null when the
 * certificate is unsigned (nothing to print). A failure is recorded on the certificate
 * (CertificateRenderFailure: attempts, last error) and rethrown: a drawing error as
 * CertificateRenderError, anything else (the database) as it is, for the job to retry. A success
 * clears the failure in the transaction that stores the document.
 */
export async function renderCertificateDocument(
  prisma: PrismaClient,
  certificateId: string,
  options: RenderDocumentOptions,
): Promise<{ certificateId: string; bytes: number; sha256: string } | null> {
  try {
    const c = await prisma.certificate.findUnique({ where: { id: certificateId } });
    if (!c?.signedPayload || !c.signature) return null;
    let pdf: Uint8Array<ArrayBuffer>;
    try {
      pdf = new Uint8Array(await renderSignedCertificate({ signedPayload: c.signedPayload, signature: c.signature }, options));
    } catch (err) {
      throw new CertificateRenderError(errorMessage(err));
    }
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    await transaction(prisma, async (tx) => {
      await tx.certificateDocument.upsert({
        where: { certificateId },
        create: { certificateId, pdf, sha256 },
        update: { pdf, sha256, renderedAt: new Date() },
      });
      await tx.certificateRenderFailure.deleteMany({ where: { certificateId } });
    });
    return { certificateId, bytes: pdf.length, sha256 };
  } catch (err) {
    await recordRenderFailure(prisma, certificateId, err);
    throw err;
  }
}

/** Count a failed render attempt and keep its error (best effort: the database may be what failed). */
async function recordRenderFailure(prisma: PrismaClient, certificateId: string, err: unknown): Promise<void> {
  const lastError = err instanceof CertificateRenderError ? err.reason : errorMessage(err);
  try {
    await prisma.$executeRaw`
      INSERT INTO "CertificateRenderFailure" ("certificateId", attempts, "lastError", "failedAt")
      SELECT id, 1, ${lastError}, now() FROM "Certificate" WHERE id = ${certificateId}::uuid
      ON CONFLICT ("certificateId") DO UPDATE SET attempts = "CertificateRenderFailure".attempts + 1,
        "lastError" = EXCLUDED."lastError", "failedAt" = EXCLUDED."failedAt"`;
  } catch {
    // The job's own failure reason still carries the error; the retry records it.
  }
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

/** The signed certificates of a session without a stored PDF (failed, or never rendered), in number order. */
export async function unrenderedCertificateIds(prisma: PrismaClient, sessionId: string): Promise<string[]> {
  const rows = await prisma.certificate.findMany({
    where: { assessmentResult: { sessionId }, document: { is: null }, signature: { not: null } },
    select: { id: true },
    orderBy: { number: 'asc' },
  });
  return rows.map((r) => r.id);
}

/** A certificate whose last render attempt failed. */
export interface RenderFailure {
  certificateId: string;
  certificateNumber: string;
  attempts: number;
  reason: string;
  failedAt: Date;
}

export interface RenderProgress {
  /** Certificates of the session. */
  total: number;
  /** Of them, with a stored PDF. */
  rendered: number;
  /** Of them, not rendered and whose last attempt failed (a transient error may still be retried by the job). */
  failed: number;
  /** The most recent failure's error, or null. */
  lastError: string | null;
  /** The failed certificates, most recent first (at most `failureLimit`). */
  failures: RenderFailure[];
}

/** How far the batch rendering of a session has come: rendered, failed (with reasons) and the total. */
export async function sessionRenderProgress(prisma: PrismaClient, sessionId: string, { failureLimit = 100 } = {}): Promise<RenderProgress> {
  const where = { assessmentResult: { sessionId } };
  const failedWhere = { certificate: { ...where, document: { is: null } } };
  const [total, rendered, failed, failures] = await Promise.all([
    prisma.certificate.count({ where }),
    prisma.certificate.count({ where: { ...where, document: { isNot: null } } }),
    prisma.certificateRenderFailure.count({ where: failedWhere }),
    prisma.certificateRenderFailure.findMany({
      where: failedWhere,
      orderBy: [{ failedAt: 'desc' }, { certificateId: 'asc' }],
      take: failureLimit,
      include: { certificate: { select: { number: true } } },
    }),
  ]);
  return {
    total,
    rendered,
    failed,
    lastError: failures[0]?.lastError ?? null,
    failures: failures.map((f) => ({
      certificateId: f.certificateId,
      certificateNumber: f.certificate.number,
      attempts: f.attempts,
      reason: f.lastError,
      failedAt: f.failedAt,
    })),
  };
}

/** The end of a render flow (every job rendered or failed for good): its counts, in the audit log. */
export async function recordSessionRendered(prisma: PrismaClient, sessionId: string) {
  const { total, rendered, failed } = await sessionRenderProgress(prisma, sessionId, { failureLimit: 0 });
  const progress = { total, rendered, failed };
  await audit(prisma as never, null, {
    action: 'certificates.rendered',
    entityType: 'AssessmentSession',
    entityId: sessionId,
    after: progress,
  });
  return progress;
}

/**
 * Render again the certificates of a closed session that have no PDF (their render failed, or their
 * job was lost), e.g. once the missing font is installed. For the session's evaluation body or a
 * bureau covering its region; a session the actor cannot see is NOT_FOUND. Audited; the outbox event
 * `certificate.render.retry.requested` becomes a render flow over those certificates only.
 */
export async function retryCertificateRendering(prisma: PrismaClient, actor: Actor, input: { sessionId: string }): Promise<{ count: number; total: number }> {
  return transaction(prisma, async (tx) => {
    const s = await tx.assessmentSession.findFirst({ where: { AND: [{ id: input.sessionId }, assessmentSessionScope(actor)] } });
    if (!s) throw notFound('Assessment session', '评价考核场次');
    const evaluator = actor.roles.some((r) => r.role === 'EVALUATOR' && r.organizationId === s.evaluationBodyId);
    if (!evaluator && !isBureauCovering(actor, s.regionCode)) {
      throw new DomainError('FORBIDDEN', {
        zh: '只有评价机构或辖区人社部门可以重新生成证书',
        en: 'Only the evaluation body or a bureau covering the session may retry certificate rendering',
      });
    }
    if (s.status !== 'CLOSED') {
      throw new DomainError('INVALID_TRANSITION', { zh: '评价考核场次尚未结束', en: 'The assessment session is not closed' }, { field: 'sessionId' });
    }
    await lockRow(tx, 'AssessmentSession', s.id); // one retry at a time per session
    const where = { assessmentResult: { sessionId: s.id } };
    const [total, pending, failed] = await Promise.all([
      tx.certificate.count({ where }),
      tx.certificate.count({ where: { ...where, document: { is: null }, signature: { not: null } } }),
      tx.certificateRenderFailure.count({ where: { certificate: { ...where, document: { is: null } } } }),
    ]);
    if (pending === 0) {
      throw new DomainError('VALIDATION', { zh: '本场次的证书均已生成', en: 'Every certificate of the session is rendered' }, { field: 'sessionId' });
    }
    await audit(tx, actor, {
      action: 'certificates.render.retried',
      entityType: 'AssessmentSession',
      entityId: s.id,
      before: { total, unrendered: pending, failed },
    });
    await emit(tx, {
      type: OUTBOX_EVENT_TYPES.certificateRenderRetryRequested,
      aggregateType: 'AssessmentSession',
      aggregateId: s.id,
      payload: { sessionId: s.id },
    });
    return { count: pending, total };
  });
}
