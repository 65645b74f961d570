import { type PrismaClient, transaction } from '@vtc/db';
import { assertCalendarDate, assertNotFuture, DomainError, dateFromIso } from '@vtc/domain';
import { OUTBOX_EVENT_TYPES } from '@vtc/jobs';
import type { Actor } from '../shared/actor.ts';
import { audit } from '../shared/audit.ts';
import { today as shanghaiToday } from '../shared/clock.ts';
import { emit } from '../shared/outbox.ts';
import { hasRole } from '../shared/scope.ts';

export interface RequestCheckRunResult {
  runDate: string;
  /** The day's run existed already: running it again resumes it (chunks not done are enqueued again). */
  alreadyPlanned: boolean;
}

/**
 * A bureau officer or administrator asks for the day's run now (for demos, or after an outage): an
 * outbox event the relay turns into an `employment-check-run` job. Audited. A day after today is
 * refused: a check run on a future date would decide checkpoints that have not been reached.
 */
export async function requestEmploymentCheckRun(
  prisma: PrismaClient,
  actor: Actor,
  input: { runDate: string },
  today: string = shanghaiToday(),
): Promise<RequestCheckRunResult> {
  if (!hasRole(actor, 'BUREAU_OFFICER', 'SYSTEM_ADMIN')) {
    throw new DomainError('FORBIDDEN', { zh: '只有人社部门或系统管理员可以启动就业核查', en: 'Only a bureau officer or an administrator may run the employment checks' });
  }
  assertCalendarDate(input.runDate, 'date');
  assertNotFuture(input.runDate, today, 'date', { zh: '核查日期', en: 'The run date' });
  return transaction(prisma, async (tx) => {
    const existing = await tx.employmentCheckRun.findUnique({ where: { runDate: dateFromIso(input.runDate) }, select: { id: true } });
    await emit(tx, { type: OUTBOX_EVENT_TYPES.employmentCheckRunRequested, aggregateType: 'EmploymentCheckRun', aggregateId: input.runDate, payload: { runDate: input.runDate } });
    await audit(tx, actor, { action: 'employment.checks.run', entityType: 'EmploymentCheckRun', entityId: existing?.id ?? input.runDate, after: { runDate: input.runDate } });
    return { runDate: input.runDate, alreadyPlanned: existing !== null };
  });
}
