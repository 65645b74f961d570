import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { createFirstAdministrator } from './first-admin.ts';

let db: TestDatabase;
let prisma: PrismaClient;
beforeAll(async () => {
  db = await createTestDatabase('first_admin');
  prisma = createPrisma(db.url, { max: 2 });
});
afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

describe('the first administrator of a new deployment', () => {
  it('refuses a weak password and a bad username, and saves nothing', async () => {
    await expect(createFirstAdministrator(prisma, { username: 'root', displayName: '管理员', password: 'short' })).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    await expect(createFirstAdministrator(prisma, { username: 'Root Admin', displayName: '管理员', password: 'Strong#Pass2026' })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'username' } });
    expect(await prisma.user.count()).toBe(0);
  });

  it('is created once, audited with no actor; a second one is refused', async () => {
    const user = await createFirstAdministrator(prisma, { username: 'ops.admin', displayName: '运维管理员', password: 'Strong#Pass2026' });
    expect(user.roleBindings).toMatchObject([{ role: 'SYSTEM_ADMIN', regionCode: null, organizationId: null }]);
    expect(await prisma.auditLog.findFirstOrThrow({ where: { action: 'user.created', entityId: user.id } })).toMatchObject({ actorUserId: null, actorRole: 'SYSTEM' });
    await expect(createFirstAdministrator(prisma, { username: 'second.admin', displayName: '第二管理员', password: 'Strong#Pass2026' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await prisma.user.count()).toBe(1);
  });
});
