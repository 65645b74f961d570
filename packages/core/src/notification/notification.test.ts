import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { auditDigestTitle, deliverAuditDigest, deliverWelcomeNotification, NOTIFICATION_KINDS } from './notification.ts';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase('notification');
  prisma = createPrisma(db.url);
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

async function createUser(opts: { role?: 'SYSTEM_ADMIN' | 'TRAINEE'; status?: 'ACTIVE' | 'DISABLED' } = {}) {
  const suffix = randomUUID().slice(0, 8);
  return prisma.user.create({
    data: {
      username: `u_${suffix}`,
      displayName: `User ${suffix}`,
      passwordHash: 'not-a-real-hash',
      status: opts.status ?? 'ACTIVE',
      roleBindings: opts.role ? { create: { role: opts.role } } : undefined,
    },
  });
}

describe('deliverWelcomeNotification', () => {
  it('writes one WELCOME notification, in Chinese and English, keyed by the source event', async () => {
    const user = await createUser();
    expect(await deliverWelcomeNotification(prisma, { userId: user.id, eventId: 101n })).toEqual({ status: 'created' });
    const rows = await prisma.notification.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: NOTIFICATION_KINDS.welcome, sourceEventId: 101n, readAt: null });
    expect(rows[0]!.title).toContain('欢迎使用职业技能培训管理平台');
    expect(rows[0]!.title).toContain('Welcome');
  });

  it('is a no-op the second time, also when two deliveries race', async () => {
    const user = await createUser();
    expect(await deliverWelcomeNotification(prisma, { userId: user.id, eventId: 202n })).toEqual({ status: 'created' });
    expect(await deliverWelcomeNotification(prisma, { userId: user.id, eventId: 202n })).toEqual({
      status: 'already-delivered',
    });

    const other = await createUser();
    const raced = await Promise.all(
      Array.from({ length: 5 }, () => deliverWelcomeNotification(prisma, { userId: other.id, eventId: 203n })),
    );
    expect(raced.filter((r) => r.status === 'created')).toHaveLength(1);
    expect(await prisma.notification.count({ where: { sourceEventId: { in: [202n, 203n] } } })).toBe(2);
  });

  it('reports a user that does not exist and writes nothing', async () => {
    expect(await deliverWelcomeNotification(prisma, { userId: randomUUID(), eventId: 303n })).toEqual({
      status: 'user-not-found',
    });
    expect(await prisma.notification.count({ where: { sourceEventId: 303n } })).toBe(0);
  });
});

describe('deliverAuditDigest', () => {
  // 2026-11-22 02:00 in Shanghai: the digest covers 2026-11-21 00:00–24:00 +08:00.
  const now = new Date('2026-11-22T02:00:00+08:00');
  const audit = (action: string, at: string) =>
    prisma.auditLog.create({ data: { action, entityType: 'Test', entityId: '1', at: new Date(at), actorRole: 'SYSTEM' } });

  it('counts yesterday (Asia/Shanghai) by action and notifies each active system administrator once', async () => {
    const admin = await createUser({ role: 'SYSTEM_ADMIN' });
    const disabledAdmin = await createUser({ role: 'SYSTEM_ADMIN', status: 'DISABLED' });
    const trainee = await createUser({ role: 'TRAINEE' });
    await audit('class.approve', '2026-11-21T00:00:00+08:00'); // first instant of the day: in
    await audit('class.approve', '2026-11-21T12:00:00+08:00');
    await audit('class.approve', '2026-11-21T23:59:59.999+08:00');
    await audit('user.login', '2026-11-21T08:30:00+08:00');
    await audit('user.login', '2026-11-20T23:59:59.999+08:00'); // the day before: out
    await audit('user.login', '2026-11-22T00:00:00+08:00'); // today: out

    const first = await deliverAuditDigest(prisma, { now });
    expect(first).toEqual({
      date: '2026-11-21',
      total: 4,
      byAction: [
        { action: 'class.approve', count: 3 },
        { action: 'user.login', count: 1 },
      ],
      recipients: 1,
      created: 1,
    });
    const rows = await prisma.notification.findMany({ where: { kind: NOTIFICATION_KINDS.auditDigest } });
    expect(rows.map((r) => r.userId)).toEqual([admin.id]);
    expect(rows[0]!.title).toBe(auditDigestTitle('2026-11-21'));
    expect(rows[0]!.body).toContain('class.approve: 3');
    expect(rows[0]!.body).toContain('共记录审计日志 4 条');
    expect(rows.some((r) => r.userId === disabledAdmin.id || r.userId === trainee.id)).toBe(false);

    // Same day again, twice at once: nothing new.
    const again = await Promise.all([deliverAuditDigest(prisma, { now }), deliverAuditDigest(prisma, { now })]);
    expect(again.map((r) => r.created)).toEqual([0, 0]);
    expect(await prisma.notification.count({ where: { kind: NOTIFICATION_KINDS.auditDigest } })).toBe(1);

    // An administrator added later gets that day's digest on a re-run; the first does not get a second.
    const lateAdmin = await createUser({ role: 'SYSTEM_ADMIN' });
    expect((await deliverAuditDigest(prisma, { now, date: '2026-11-21' })).created).toBe(1);
    expect(await prisma.notification.count({ where: { kind: NOTIFICATION_KINDS.auditDigest, userId: lateAdmin.id } })).toBe(1);

    // Another day is another digest; two first runs racing still write one per administrator.
    const later = new Date('2026-11-23T02:00:00+08:00');
    const raced = await Promise.all([deliverAuditDigest(prisma, { now: later }), deliverAuditDigest(prisma, { now: later })]);
    expect(raced[0]).toMatchObject({ date: '2026-11-22', total: 1, recipients: 2 });
    expect(raced.map((r) => r.created).sort()).toEqual([0, 2]);
    expect(await prisma.notification.count({ where: { title: auditDigestTitle('2026-11-22') } })).toBe(2);
  });

  it('rejects a date that is not a calendar date', async () => {
    await expect(deliverAuditDigest(prisma, { now, date: '2026-02-30' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
