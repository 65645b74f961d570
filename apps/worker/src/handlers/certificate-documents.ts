import { recordSessionRendered, renderCertificateDocument, sessionCertificateIds } from '@vtc/core';
import { defineHandler, RENDER_CERTIFICATE_JOB, RENDER_SESSION_DONE_JOB, RENDER_SESSION_JOB } from '@vtc/jobs';

/** Plans the flow: one child per certificate, the parent runs when all are rendered. */
export const renderSessionHandler = defineHandler(RENDER_SESSION_JOB, async ({ sessionId }, ctx) => {
  const ids = await sessionCertificateIds(ctx.prisma, sessionId);
  await ctx.addFlow({
    name: RENDER_SESSION_DONE_JOB.name,
    queueName: RENDER_SESSION_DONE_JOB.queue,
    data: { sessionId },
    opts: { jobId: `render-session-done-${sessionId}` },
    children: ids.map((certificateId) => ({
      name: RENDER_CERTIFICATE_JOB.name,
      queueName: RENDER_CERTIFICATE_JOB.queue,
      data: { certificateId },
      opts: { jobId: `render-certificate-${certificateId}`, ...RENDER_CERTIFICATE_JOB.options },
    })),
  });
  return { sessionId, certificates: ids.length };
});

/** Renders and stores one certificate's PDF with the installed fonts (parsed once per worker process). */
export const renderCertificateHandler = defineHandler(RENDER_CERTIFICATE_JOB, async ({ certificateId }, ctx) => {
  const baseUrl = ctx.config.PUBLIC_URL ?? `http://localhost:${ctx.config.PORT}`;
  const r = await renderCertificateDocument(ctx.prisma, certificateId, { baseUrl });
  return r ? { certificateId, bytes: r.bytes } : { certificateId, skipped: 'unsigned' };
});

export const renderSessionDoneHandler = defineHandler(RENDER_SESSION_DONE_JOB, async ({ sessionId }, ctx) => {
  const progress = await recordSessionRendered(ctx.prisma, sessionId);
  await ctx.job.updateProgress(100);
  return { sessionId, ...progress };
});
