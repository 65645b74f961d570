import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@vtc/db';
import { DomainError } from '@vtc/domain';
import type { Actor, ActorRole } from './actor.ts';

/** Small fixtures core tests share; each test file still owns its database and data. */

/** An actor with one role binding (no user row: use cases only read the binding). */
export function testActor(role: ActorRole['role'], binding: Partial<Omit<ActorRole, 'role'>> = {}): Actor {
  const r: ActorRole = { role, regionCode: null, organizationId: null, personId: null, canViewIdNumbers: false, ...binding };
  return { userId: randomUUID(), username: `${role}-${r.organizationId ?? r.regionCode ?? r.personId}`, sessionId: null, roles: [r] };
}

const REGIONS: Record<string, { name: string; level: 'PROVINCE' | 'CITY' | 'COUNTY'; parentCode?: string }> = {
  '140000': { name: '山西省', level: 'PROVINCE' },
  '141000': { name: '临汾市', level: 'CITY', parentCode: '140000' },
  '141002': { name: '尧都区', level: 'COUNTY', parentCode: '141000' },
  '141023': { name: '襄汾县', level: 'COUNTY', parentCode: '141000' },
  '150000': { name: '内蒙古自治区', level: 'PROVINCE' },
  '150800': { name: '巴彦淖尔市', level: 'CITY', parentCode: '150000' },
  '150802': { name: '临河区', level: 'COUNTY', parentCode: '150800' },
};

/** These regions of Linfen and Bayannur (parents listed before children). */
export async function seedRegions(prisma: PrismaClient, codes: readonly string[]): Promise<void> {
  await prisma.region.createMany({ data: codes.map((code) => ({ code, ...REGIONS[code]! })) });
}

/** 养老护理员 (4-10-01-05) at LEVEL_4; its id. */
export async function seedCareOccupation(prisma: PrismaClient): Promise<string> {
  return (await prisma.occupation.create({ data: { code: '4-10-01-05', name: '养老护理员', levels: ['LEVEL_4'] } })).id;
}

/** A training institution; its id. */
export async function seedInstitution(prisma: PrismaClient, data: { name: string; regionCode: string; creditCode: string }): Promise<string> {
  return (await prisma.organization.create({ data: { ...data, kind: 'TRAINING_INSTITUTION' } })).id;
}

/** The DomainError `p` rejects with (anything else fails the test). */
export async function rejects(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}
