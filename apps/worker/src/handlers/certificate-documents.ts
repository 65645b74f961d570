import {
  CertificateRenderError,
  type RenderDocumentOptions,
  recordSessionRendered,
  renderCertificateDocument,
  sessionCertificateIds,
  unrenderedCertificateIds,
} from '@vtc/core';
import {
  defineHandler,
  RENDER_CERTIFICATE_JOB,
  RENDER_SESSION_DONE_JOB,
  RENDER_SESSION_JOB,
  renderCertificateJobId,
  renderSessionDoneJobId,
} from '@vtc/jobs';
import { UnrecoverableError } from 'bullmq';

/**
 * Plans the flow: one child per certificate, the parent runs when all have finished. A child that
 * fails for good (a render error, or a transient one after its attempts) does not hold the parent:
 * its failure is recorded on the certificate and counted by the parent. A retry (`retryOf`) plans a
 * flow of its own over the certificates not rendered yet.
 */
export const renderSessionHandler = defineHandler(RENDER_SESSION_JOB, async ({ sessionId, retryOf }, ctx) => {
  const ids = retryOf ? await unrenderedCertificateIds(ctx.prisma, sessionId) : await sessionCertificateIds(ctx.prisma, sessionId);
  await ctx.addFlow({
    name: RENDER_SESSION_DONE_JOB.name,
    queueName: RENDER_SESSION_DONE_JOB.queue,
    data: { sessionId },
    opts: { jobId: renderSessionDoneJobId(sessionId, retryOf) },
    children: ids.map((certificateId) => ({
      name: RENDER_CERTIFICATE_JOB.name,
      queueName: RENDER_CERTIFICATE_JOB.queue,
      data: { certificateId },
      opts: { ...RENDER_CERTIFICATE_JOB.options, jobId: renderCertificateJobId(certificateId, retryOf), ignoreDependencyOnFailure: true },
    })),
  });
  return { sessionId, certificates: ids.length, ...(retryOf ? { retryOf } : {}) };
});

export interface RenderCertificateHandlerOptions {
  /** The fonts for a certificate; default the installed ones. Tests inject a broken font here. */
  fonts?: (certificateId: string) => NonNullable<RenderDocumentOptions['fonts']>;
}

/**
 * Renders and stores one certificate's PDF with the installed fonts (parsed once per worker process).
 * Every failed attempt is recorded on the certificate (core). A render error would repeat, so it fails
 * the job at once; anything else (the database) is retried up to the job's attempts.
 */
export function createRenderCertificateHandler(options: RenderCertificateHandlerOptions = {}) {
  return defineHandler(RENDER_CERTIFICATE_JOB, async ({ certificateId }, ctx) => {
    const baseUrl = ctx.config.PUBLIC_URL ?? `http://localhost:${ctx.config.PORT}`;
    try {
      const r = await renderCertificateDocument(ctx.prisma, certificateId, { baseUrl, fonts: options.fonts?.(certificateId) });
      return r ? { certificateId, bytes: r.bytes } : { certificateId, skipped: 'unsigned' };
    } catch (err) {
      if (err instanceof CertificateRenderError) throw new UnrecoverableError(err.message);
      throw err;
    }
  });
}

export const renderCertificateHandler = createRenderCertificateHandler();

/** Runs once every child has finished; records rendered and failed counts (the audit row). */
export const renderSessionDoneHandler = defineHandler(RENDER_SESSION_DONE_JOB, async ({ sessionId }, ctx) => {
  const progress = await recordSessionRendered(ctx.prisma, sessionId);
  await ctx.job.updateProgress(100);
  return { sessionId, ...progress };
});
