import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@vtc/db';
import { dateFromIso, isoDate } from '@vtc/domain';
import { SUBSIDY_POLICIES } from '../../../../prisma/seed/policies.ts';
import { ensureEmploymentChecks } from './ensure.ts';

/**
 * Test data for the employment checks (tests only): a Bayannur institution with staff, the seeded
 * BYN-CLASS-HOUR policy, and cohorts — a completed class, its COMPLETED enrollments, a CLASS_HOUR claim
 * with one base line per trainee, and for every `qualifyingEvery`-th trainee a 12-month labour
 * contract signed 2026-05-01 with the employer's insurance paid for May. Built with set-based SQL,
 * so a cohort of thousands takes well under a second.
 */

export const EMPLOYER_CODE = '91150802MA0000001X';
export const BASE_AMOUNT_FEN = 72_000; // 60 class hours × 12 yuan (tier 2 of BYN-CLASS-HOUR)
export const OCCUPATION_CODE = '4-10-01-05';

export interface Base {
  institutionId: string;
  occupationId: string;
  policyId: string;
  staffUserIds: string[];
}

export async function seedBase(prisma: PrismaClient): Promise<Base> {
  await prisma.region.createMany({
    data: [
      { code: '150000', name: '内蒙古自治区', level: 'PROVINCE' },
      { code: '150800', name: '巴彦淖尔市', level: 'CITY', parentCode: '150000' },
      { code: '150802', name: '临河区', level: 'COUNTY', parentCode: '150800' },
    ],
    skipDuplicates: true,
  });
  const occupation = await prisma.occupation.create({ data: { code: OCCUPATION_CODE, name: '养老护理员', subsidyTier: 2, levels: ['LEVEL_4'] } });
  const institution = await prisma.organization.create({
    data: { name: '临河区职业培训学校', kind: 'TRAINING_INSTITUTION', regionCode: '150802', creditCode: '52150802MJ0000001A' },
  });
  const seed = SUBSIDY_POLICIES.find((p) => p.code === 'BYN-CLASS-HOUR')!;
  const policy = await prisma.subsidyPolicy.create({
    data: {
      code: seed.code,
      version: seed.version,
      name: seed.name,
      regionCode: seed.regionCode,
      kind: seed.kind,
      effectiveFrom: dateFromIso(seed.effectiveFrom),
      rules: seed.rules as object,
      status: 'PUBLISHED',
    },
  });
  const staffUserIds: string[] = [];
  for (const [i, status] of (['ACTIVE', 'ACTIVE', 'DISABLED'] as const).entries()) {
    const user = await prisma.user.create({
      data: {
        username: `inst-staff-${i}-${randomBytes(3).toString('hex')}`,
        displayName: `Staff ${i}`,
        passwordHash: 'x',
        status,
        roleBindings: { create: { role: 'INSTITUTION_STAFF', organizationId: institution.id } },
      },
    });
    if (status === 'ACTIVE') staffUserIds.push(user.id);
  }
  return { institutionId: institution.id, occupationId: occupation.id, policyId: policy.id, staffUserIds };
}

export interface CohortOptions {
  size: number;
  /** Every n-th trainee (1-based) has a qualifying contract and insurance; 0 = none. */
  qualifyingEvery: number;
  completedAt?: string;
  /** Create the checks as completing the class does (default true). */
  ensureChecks?: boolean;
  /** Status of the CLASS_HOUR claim and of its base lines; null = no claim at all. */
  claim?: { status: 'SUBMITTED' | 'UNDER_REVIEW' | 'APPROVED' | 'REJECTED'; lineStatus: 'PENDING' | 'ACCEPTED' } | null;
}

export interface Cohort {
  tag: string;
  classId: string;
  claimId: string | null;
  enrollmentIds: string[];
  qualifyingPersonIds: string[];
}

export async function createCohort(prisma: PrismaClient, base: Base, options: CohortOptions): Promise<Cohort> {
  const tag = `c${randomBytes(4).toString('hex')}`;
  const completedAt = new Date(options.completedAt ?? '2026-03-31T09:00:00Z');
  const klass = await prisma.trainingClass.create({
    data: {
      code: `PX-${tag}`,
      name: '养老护理员',
      institutionId: base.institutionId,
      regionCode: '150802',
      occupationId: base.occupationId,
      level: 'LEVEL_4',
      trainingType: 'EMPLOYMENT_SKILLS',
      status: 'COMPLETED',
      plannedHours: 60,
      startDate: new Date('2026-03-01T00:00:00Z'),
      endDate: new Date('2026-03-31T00:00:00Z'),
      completedAt,
      venue: '101',
      capacity: options.size,
    },
  });
  await prisma.$executeRaw`
    INSERT INTO "Person" (id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex, "originRegionCode", "updatedAt")
    SELECT gen_random_uuid(), ${tag} || ':' || g, 'x', md5(${tag} || g) || md5('h' || ${tag} || g), '150802********' || lpad((g % 10000)::text, 4, '0'),
      '1990-01-01', 'MALE', '150802', now()
    FROM generate_series(1, ${options.size}::int) g`;
  await prisma.$executeRaw`
    INSERT INTO "Enrollment" (id, "classId", "personId", status, "attendanceRateBp", "completedAt")
    SELECT gen_random_uuid(), ${klass.id}::uuid, p.id, 'COMPLETED', 9000, ${completedAt}
    FROM "Person" p WHERE p.name LIKE ${`${tag}:%`}`;
  // As completeClass does: the completed trainees' checks exist from the day the class completes.
  if (options.ensureChecks !== false) await ensureEmploymentChecks(prisma, { today: isoDate(completedAt), classIds: [klass.id] });
  if (options.qualifyingEvery > 0) {
    await prisma.$executeRaw`
      INSERT INTO "EmploymentRecord" (id, "personId", "employerCreditCode", "employerName", source, "contractStart", "contractEnd", "updatedAt")
      SELECT gen_random_uuid(), p.id, ${EMPLOYER_CODE}, '河套农业公司', 'LABOUR_CONTRACT', '2026-05-01', '2027-04-30', now()
      FROM "Person" p WHERE p.name LIKE ${`${tag}:%`} AND split_part(p.name, ':', 2)::int % ${options.qualifyingEvery}::int = 0`;
    await prisma.$executeRaw`
      INSERT INTO "SocialInsuranceContribution" (id, "personId", "employerCreditCode", month, "insuranceType", "amountFen", "wageBaseFen")
      SELECT gen_random_uuid(), p.id, ${EMPLOYER_CODE}, '202605', 'PENSION', 48000, 400000
      FROM "Person" p WHERE p.name LIKE ${`${tag}:%`} AND split_part(p.name, ':', 2)::int % ${options.qualifyingEvery}::int = 0`;
  }
  let claimId: string | null = null;
  const claim = options.claim === undefined ? { status: 'UNDER_REVIEW' as const, lineStatus: 'ACCEPTED' as const } : options.claim;
  if (claim) {
    const basis = {
      type: 'CLASS',
      classId: klass.id,
      occupationCode: OCCUPATION_CODE,
      occupationTier: 2,
      targetLevel: 'LEVEL_4',
      startDate: '2026-03-01',
      completedOn: isoDate(completedAt),
    };
    const created = await prisma.subsidyClaim.create({
      data: {
        number: `BT-150802-2026-${tag}`,
        claimantId: base.institutionId,
        regionCode: '150802',
        policyId: base.policyId,
        kind: 'CLASS_HOUR',
        claimKind: 'CLASS_HOUR',
        basisRef: `class:${klass.id}`,
        computation: { basis, facts: {}, excluded: [], filedOn: '2026-04-10' },
        status: claim.status,
        totalFen: BigInt(BASE_AMOUNT_FEN * options.size),
        submittedAt: new Date('2026-04-10T02:00:00Z'),
      },
    });
    claimId = created.id;
    await prisma.$executeRaw`
      INSERT INTO "SubsidyClaimLine" (id, "claimId", "personId", "enrollmentId", kind, part, "occupationCode", level, "basisRef", "amountFen",
        "subsidyYear", "countsTowardLimit", "dedupKey", status, explanation)
      SELECT gen_random_uuid(), ${created.id}::uuid, e."personId", e.id, 'CLASS_HOUR', 'MAIN', ${OCCUPATION_CODE}, 'LEVEL_4', ${`class:${klass.id}`},
        ${BASE_AMOUNT_FEN}::int, 2026, true,
        'CLASS_HOUR|' || e."personId" || '|' || ${OCCUPATION_CODE} || '|LEVEL_4|class:' || ${klass.id} || '|MAIN',
        ${claim.lineStatus}::"ClaimLineStatus", '{}'::jsonb
      FROM "Enrollment" e WHERE e."classId" = ${klass.id}::uuid`;
  }
  const enrollments = await prisma.enrollment.findMany({ where: { classId: klass.id }, select: { id: true }, orderBy: { id: 'asc' } });
  const qualifying =
    options.qualifyingEvery > 0
      ? await prisma.$queryRaw<Array<{ id: string }>>`
          SELECT id::text AS id FROM "Person" WHERE name LIKE ${`${tag}:%`} AND split_part(name, ':', 2)::int % ${options.qualifyingEvery}::int = 0`
      : [];
  return { tag, classId: klass.id, claimId, enrollmentIds: enrollments.map((e) => e.id), qualifyingPersonIds: qualifying.map((q) => q.id) };
}

/** Dedup keys held by more than one live line (must always be empty). */
export async function duplicateKeys(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ dedupKey: string }>>`
    SELECT "dedupKey" FROM "SubsidyClaimLine" WHERE status <> 'REJECTED' GROUP BY "dedupKey" HAVING count(*) > 1`;
  return rows.map((r) => r.dedupKey);
}
