import { deliverAuditDigest } from '@vtc/core';
import { AUDIT_DIGEST_JOB, defineHandler } from '@vtc/jobs';

/** Digests the day before the run was due (not before it ran), so a retry after midnight digests the same day. */
export const auditDigestHandler = defineHandler(AUDIT_DIGEST_JOB, async (payload, { prisma, job }) => {
  const digest = await deliverAuditDigest(prisma, { now: job.dueAt, date: payload.date });
  return { date: digest.date, total: digest.total, recipients: digest.recipients, created: digest.created };
});
