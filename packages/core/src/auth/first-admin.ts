import type { PrismaClient } from '@vtc/db';
import { DomainError } from '@vtc/domain';
import { createUser } from './auth.ts';

/**
 * The first system administrator of a new deployment, created from the command line
 * (`npm run create-admin`): production loads no demo accounts, and every other account is created by
 * someone signed in. Refused once an active administrator exists, so the command cannot be used to add
 * a second, unaudited administrator later. The audit row names no actor (the platform itself).
 */
export async function createFirstAdministrator(prisma: PrismaClient, input: { username: string; displayName: string; password: string }) {
  const existing = await prisma.roleBinding.count({ where: { role: 'SYSTEM_ADMIN', user: { status: 'ACTIVE' } } });
  if (existing > 0) {
    throw new DomainError(
      'CONFLICT',
      {
        zh: '系统管理员已存在:其他账号须由已登录的管理员创建',
        en: 'A system administrator exists already: further accounts are created by a signed-in administrator',
      },
      { field: 'username' },
    );
  }
  return createUser(prisma, null, { ...input, role: 'SYSTEM_ADMIN' });
}
