import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase, type TestDatabase } from '@vtc/db/testing';
import { DomainError, dateFromIso, storedPolicyInForce } from '@vtc/domain';
import { trainingRulesFor } from './policy.ts';

/**
 * Completion (trainingRulesFor), claim filing (policyFor: Prisma rows, dates as Date) and employment
 * checks (the chunk's SQL: dates as text) must apply the same policy version for the same region
 * and date. Two versions of one policy are seeded; each reading is asked for the same days.
 */
let db: TestDatabase;
let prisma: PrismaClient;

const policy = (version: number, kind: 'TRAINING' | 'CLASS_HOUR', code: string, from: string, to: string | null, minAttendanceRateBp: number) => ({
  code,
  version,
  name: `${code} v${version}`,
  regionCode: '141000',
  kind,
  status: 'PUBLISHED' as const,
  effectiveFrom: dateFromIso(from),
  effectiveTo: to === null ? null : dateFromIso(to),
  rules: { minAttendanceRateBp },
});

beforeAll(async () => {
  db = await createTestDatabase('training_policy');
  prisma = createPrisma(db.url);
  await prisma.region.createMany({
    data: [
      { code: '140000', name: '山西省', level: 'PROVINCE' },
      { code: '141000', name: '临汾市', level: 'CITY', parentCode: '140000' },
      { code: '141002', name: '尧都区', level: 'COUNTY', parentCode: '141000' },
    ],
  });
  await prisma.subsidyPolicy.createMany({
    data: [
      policy(1, 'TRAINING', 'LF-TRAINING', '2026-01-01', null, 7000),
      policy(2, 'TRAINING', 'LF-TRAINING', '2026-07-01', null, 9000),
      policy(1, 'CLASS_HOUR', 'LF-CLASS-HOUR', '2026-01-01', '2026-06-30', 7000),
      policy(2, 'CLASS_HOUR', 'LF-CLASS-HOUR', '2026-07-01', null, 9000),
    ],
  });
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

/** The rows as claim filing reads them (Prisma, dates as Date). */
function claimRows(kind: 'TRAINING' | 'CLASS_HOUR') {
  return prisma.subsidyPolicy.findMany({ where: { kind, status: { in: ['PUBLISHED', 'ACTIVE'] } } });
}

/** The rows as an employment-check chunk reads them (SQL, dates as text). */
function employmentRows() {
  return prisma.$queryRawUnsafe<Array<{ code: string; version: number; regionCode: string; kind: string; status: string; effectiveFrom: string; effectiveTo: string | null }>>(
    `SELECT code, version, "regionCode", kind::text AS kind, status::text AS status, "effectiveFrom"::text AS "effectiveFrom", "effectiveTo"::text AS "effectiveTo"
     FROM "SubsidyPolicy" WHERE kind::text = 'CLASS_HOUR' AND status::text IN ('PUBLISHED', 'ACTIVE')`,
  );
}

describe('one policy version per region and date for completion, claims and employment checks', () => {
  it.each<[string, number, number]>([
    ['2026-03-01', 1, 7000],
    ['2026-06-30', 1, 7000],
    ['2026-07-01', 2, 9000],
    ['2027-01-15', 2, 9000],
  ])('on %s: version %i (minimum %i bp) everywhere', async (on, version, bp) => {
    const rules = await prisma.$transaction((tx) => trainingRulesFor(tx, '141002', on));
    expect(rules.minAttendanceRateBp).toBe(bp);
    const query = { regionCode: '141002', basisDate: on };
    expect(storedPolicyInForce(await claimRows('TRAINING'), { ...query, kind: 'TRAINING' })?.version).toBe(version);
    expect(storedPolicyInForce(await claimRows('CLASS_HOUR'), { ...query, kind: 'CLASS_HOUR' })?.version).toBe(version);
    expect(storedPolicyInForce(await employmentRows(), { ...query, kind: 'CLASS_HOUR' })?.version).toBe(version);
  });

  it('before any policy: the national defaults, and no policy for claims', async () => {
    expect((await prisma.$transaction((tx) => trainingRulesFor(tx, '141002', '2025-12-31'))).minAttendanceRateBp).toBe(8000);
    expect(storedPolicyInForce(await claimRows('TRAINING'), { regionCode: '141002', kind: 'TRAINING', basisDate: '2025-12-31' })).toBeNull();
  });

  it('two policy codes of one kind in force: completion refuses with CONFLICT, as claim filing does', async () => {
    await prisma.subsidyPolicy.create({ data: { ...policy(1, 'TRAINING', 'LF-TRAINING-B', '2027-01-01', null, 8000) } });
    const err = await prisma.$transaction((tx) => trainingRulesFor(tx, '141002', '2027-02-01')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('CONFLICT');
    await expect(claimRows('TRAINING').then((rows) => storedPolicyInForce(rows, { regionCode: '141002', kind: 'TRAINING', basisDate: '2027-02-01' }))).rejects.toThrow(
      DomainError,
    );
    expect((await prisma.$transaction((tx) => trainingRulesFor(tx, '141002', '2026-12-31'))).minAttendanceRateBp).toBe(9000);
  });
});
