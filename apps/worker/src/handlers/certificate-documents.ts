import { type CertificateFonts, loadCertificateFonts } from '@vtc/certificates';
import { recordSessionRendered, renderCertificateDocument, sessionCertificateIds } from '@vtc/core';
import { defineHandler, RENDER_CERTIFICATE_JOB, RENDER_SESSION_DONE_JOB, RENDER_SESSION_JOB } from '@vtc/jobs';

/** Fonts are parsed once per worker process (see packages/certificates/src/fonts.ts). */
let fonts: CertificateFonts | undefined;

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

export const renderCertificateHandler = defineHandler(RENDER_CERTIFICATE_JOB, async ({ certificateId }, ctx) => {
  fonts ??= loadCertificateFonts();
  const baseUrl = ctx.config.PUBLIC_URL ?? `http://localhost:${ctx.config.PORT}`;
  const r = await renderCertificateDocument(ctx.prisma, certificateId, { baseUrl, fonts });
  return r ? { certificateId, bytes: r.bytes } : { certificateId, skipped: 'unsigned' };
});

export const renderSessionDoneHandler = defineHandler(RENDER_SESSION_DONE_JOB, async ({ sessionId }, ctx) => {
  const progress = await recordSessionRendered(ctx.prisma, sessionId);
  await ctx.job.updateProgress(100);
  return { sessionId, ...progress };
});
