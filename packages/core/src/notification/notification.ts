import { type PrismaClient, type Tx, transaction } from '@vtc/db';
import { addDays, DomainError, isCalendarDate, shanghaiDate } from '@vtc/domain';

/**
 * Notifications: in-app messages written by the worker in response to events and schedules. Every
 * delivery is idempotent, because a job may run more than once (retries, a re-published outbox row,
 * a worker that died mid-job): a second delivery of the same thing is a no-op.
 */
export const NOTIFICATION_KINDS = {
  welcome: 'WELCOME',
  auditDigest: 'AUDIT_DIGEST',
} as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[keyof typeof NOTIFICATION_KINDS];

// ─────────────────────────────── welcome ───────────────────────────────

export interface DeliverWelcomeNotificationInput {
  userId: string;
  /** The `user.registered` OutboxEvent id: with the kind, the notification's unique key. */
  eventId: bigint;
}

export type DeliverWelcomeNotificationResult =
  | { status: 'created' }
  | { status: 'already-delivered' }
  | { status: 'user-not-found' };

const WELCOME_TEXT = {
  title: '欢迎使用职业技能培训管理平台 / Welcome to the vocational skills training platform',
  body:
    '您的账号已开通，可以在平台上报名培训、查看考核结果和证书。\n' +
    'Your account is ready: you can enrol in training and see your assessment results and certificates here.',
};

/**
 * Write the welcome notification of a newly registered user, once per `user.registered` event. The
 * unique key (sourceEventId, kind) makes a second delivery of the same event a no-op
 * (INSERT ... ON CONFLICT DO NOTHING), also when two deliveries race.
 */
export async function deliverWelcomeNotification(
  db: Tx,
  input: DeliverWelcomeNotificationInput,
): Promise<DeliverWelcomeNotificationResult> {
  const user = await db.user.findUnique({ where: { id: input.userId }, select: { id: true } });
  if (!user) return { status: 'user-not-found' };
  const { count } = await db.notification.createMany({
    data: [
      {
        userId: user.id,
        kind: NOTIFICATION_KINDS.welcome,
        title: WELCOME_TEXT.title,
        body: WELCOME_TEXT.body,
        sourceEventId: input.eventId,
      },
    ],
    skipDuplicates: true,
  });
  return count === 1 ? { status: 'created' } : { status: 'already-delivered' };
}

// ─────────────────────────────── audit digest ───────────────────────────────

export interface DeliverAuditDigestInput {
  /** The instant the digest is for: it digests the Asia/Shanghai calendar day before this one. */
  now: Date;
  /** Digest this Asia/Shanghai calendar date ('YYYY-MM-DD') instead (a manual re-run). */
  date?: string;
}

export interface AuditDigestResult {
  date: string;
  total: number;
  byAction: Array<{ action: string; count: number }>;
  /** Active system administrators. */
  recipients: number;
  /** Notifications written by this run (0 when the day was already digested for everyone). */
  created: number;
}

/**
 * Count one day's AuditLog rows by action and write an AUDIT_DIGEST notification, carrying the date in
 * its title, to every active SYSTEM_ADMIN. Idempotent per day and administrator: inside one transaction
 * holding an advisory lock for the date, administrators who already have that day's digest are skipped
 * (such notifications have no source event, so the (sourceEventId, kind) key cannot serve).
 */
export async function deliverAuditDigest(
  prisma: PrismaClient,
  input: DeliverAuditDigestInput,
): Promise<AuditDigestResult> {
  const date = input.date ?? addDays(shanghaiDate(input.now), -1);
  if (!isCalendarDate(date)) {
    throw new DomainError('VALIDATION', { zh: `无效的日期：${date}`, en: `Invalid date: ${date}` });
  }
  const from = shanghaiMidnight(date);
  const to = shanghaiMidnight(addDays(date, 1));

  return transaction(prisma, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`audit-digest:${date}`}))`;

    const groups = await tx.auditLog.groupBy({
      by: ['action'],
      where: { at: { gte: from, lt: to } },
      _count: { _all: true },
    });
    const byAction = groups
      .map((g) => ({ action: g.action, count: g._count._all }))
      .sort((a, b) => b.count - a.count || a.action.localeCompare(b.action));
    const total = byAction.reduce((sum, g) => sum + g.count, 0);

    const admins = await tx.user.findMany({
      where: { status: 'ACTIVE', roleBindings: { some: { role: 'SYSTEM_ADMIN' } } },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    const title = auditDigestTitle(date);
    const already = await tx.notification.findMany({
      where: { kind: NOTIFICATION_KINDS.auditDigest, title, userId: { in: admins.map((a) => a.id) } },
      select: { userId: true },
    });
    const done = new Set(already.map((n) => n.userId));
    const body = auditDigestBody(date, total, byAction);
    const missing = admins.filter((a) => !done.has(a.id));
    if (missing.length > 0) {
      await tx.notification.createMany({
        data: missing.map((a) => ({ userId: a.id, kind: NOTIFICATION_KINDS.auditDigest, title, body })),
      });
    }
    return { date, total, byAction, recipients: admins.length, created: missing.length };
  });
}

export function auditDigestTitle(date: string): string {
  return `审计日报 ${date} / Audit digest ${date}`;
}

function auditDigestBody(date: string, total: number, byAction: AuditDigestResult['byAction']): string {
  const lines = byAction.map((g) => `  ${g.action}: ${g.count}`);
  return [
    `${date}（北京时间）共记录审计日志 ${total} 条${total > 0 ? '，按操作统计：' : '。'}`,
    ...lines,
    '',
    `Audit log entries on ${date} (Asia/Shanghai): ${total}${total > 0 ? ', by action:' : '.'}`,
    ...lines,
  ].join('\n');
}

/** 00:00 Asia/Shanghai (UTC+8 all year, see domain shanghaiDate) of a calendar date, as an instant. */
function shanghaiMidnight(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}
