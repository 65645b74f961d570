import { randomUUID } from 'node:crypto';
import { type Actor, fileClaim } from '@vtc/core';
import { createPrisma, type PrismaClient } from '@vtc/db';
import { createTestDatabase } from '@vtc/db/testing';
import { SUBSIDY_POLICIES } from '../prisma/seed/policies.ts';
import type { Bench } from './index.ts';
import { countStatements } from './statements.ts';

/**
 * npm run bench -- claims [--persons=500] [--classes=700] [--size=50]
 *
 * Filing training-subsidy claims (TRAINING, Linfen LF-TRAINING) through the real use case
 * (`fileClaim`: lock the class, gather the facts, the pure engine, write claim + lines + audit +
 * outbox in one transaction), on data inserted with set-based SQL (generate_series) beforehand:
 *   - persons/seconds/statements: ONE completed class of `persons` trainees, each with a LEVEL_4
 *     certificate: the time and SQL statements of that one filing;
 *   - year_*: a city's year, `classes` × `size` trainees (35,000 = Linfen's 2022 target), every class
 *     filed one after the other as the institutions would (the real path, rather than one set-based
 *     computation: the engine's explanation per line is the point of a claim); year_seconds is the
 *     total filing time, year_statements the total SQL statements, statements_per_claim their mean.
 * Statements are counted at the driver: every `query` node-postgres sends (BEGIN/COMMIT included)
 * while a filing runs. A claim's statement count does not depend on its number of persons (facts are
 * read with `in` lists, lines written with one createMany), so year_statements = classes × the
 * per-claim count.
 */
const FILED_AT = new Date('2026-12-20T04:00:00Z');

/** `count` trainees named <prefix><n> in classes <prefix>-<k> of `size`, completed, each with a LEVEL_4 certificate. */
async function insertYear(prisma: PrismaClient, ids: { inst: string; occupation: string }, prefix: string, classes: number, size: number, startOffsetDays: (k: string) => string) {
  const total = classes * size;
  await prisma.$executeRawUnsafe(
    `INSERT INTO "TrainingClass" (id, code, name, "institutionId", "regionCode", "occupationId", level, "trainingType", status,
       "plannedHours", "startDate", "endDate", venue, capacity, "completedAt", "updatedAt")
     SELECT gen_random_uuid(), '${prefix}-' || k, '养老护理员(四级)培训班', $1::uuid, '141002', $2::uuid, 'LEVEL_4', 'EMPLOYMENT_SKILLS', 'COMPLETED',
       80, d, d + 25, '教学楼', ${size}, (d + 25)::timestamp + interval '9 hours', now()
     FROM generate_series(1, ${classes}) k, LATERAL (SELECT ${startOffsetDays('k')} AS d) s`,
    ids.inst,
    ids.occupation,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Person" (id, name, "idNumberCipher", "idNumberHash", "idNumberMasked", "birthDate", sex, "originRegionCode", "priorityGroups", "updatedAt")
     SELECT gen_random_uuid(), '${prefix}' || g, 'x', md5('${prefix}a' || g) || md5('${prefix}b' || g), '141002********' || lpad((g % 10000)::text, 4, '0'),
       date '1990-01-01' + (g % 3000), CASE WHEN g % 2 = 0 THEN 'MALE'::"Sex" ELSE 'FEMALE'::"Sex" END, '141002', '{}', now()
     FROM generate_series(1, ${total}) g`,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Enrollment" (id, "classId", "personId", status, "attendanceRateBp", "priorityGroups", "completedAt")
     SELECT gen_random_uuid(), c.id, p.id, 'COMPLETED', 8000 + (substring(p.name from ${prefix.length + 1})::int % 2000), '{}', c."completedAt"
     FROM "Person" p JOIN "TrainingClass" c ON c.code = '${prefix}-' || ((substring(p.name from ${prefix.length + 1})::int - 1) / ${size} + 1)
     WHERE p.name LIKE '${prefix}%'`,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Certificate" (id, number, kind, "personId", "issuerId", "occupationId", level, "issuedOn", "verifyToken")
     SELECT gen_random_uuid(), 'S' || '${prefix === 'A' ? '1' : '2'}' || lpad(substring(p.name from ${prefix.length + 1}), 20, '0'), 'SKILL_LEVEL', p.id, $1::uuid, $2::uuid, 'LEVEL_4',
       c."endDate" + 5, md5('${prefix}v' || p.id::text)
     FROM "Enrollment" e JOIN "Person" p ON p.id = e."personId" JOIN "TrainingClass" c ON c.id = e."classId"
     WHERE c.code LIKE '${prefix}-%'`,
    ids.inst,
    ids.occupation,
  );
  await prisma.$executeRawUnsafe('ANALYZE');
  const rows = await prisma.trainingClass.findMany({ where: { code: { startsWith: `${prefix}-` } }, select: { id: true }, orderBy: { code: 'asc' } });
  return rows.map((r) => r.id);
}

export const claims: Bench = async (opts) => {
  const persons = Number(opts.persons ?? 500);
  const classes = Number(opts.classes ?? 700);
  const size = Number(opts.size ?? 50);
  const db = await createTestDatabase('bench_claims');
  const prisma = createPrisma(db.url, { max: 4 });
  try {
    await prisma.region.createMany({
      data: [
        { code: '140000', name: '山西省', level: 'PROVINCE' },
        { code: '141000', name: '临汾市', level: 'CITY', parentCode: '140000' },
        { code: '141002', name: '尧都区', level: 'COUNTY', parentCode: '141000' },
      ],
    });
    const occupation = await prisma.occupation.create({ data: { code: '4-10-01-05', name: '养老护理员', levels: ['LEVEL_5', 'LEVEL_4', 'LEVEL_3'] } });
    const inst = await prisma.organization.create({
      data: { name: '尧都区培训学校', kind: 'TRAINING_INSTITUTION', regionCode: '141002', creditCode: '52141002MJ0000001A' },
    });
    const seed = SUBSIDY_POLICIES.find((p) => p.code === 'LF-TRAINING')!;
    await prisma.subsidyPolicy.create({
      data: { code: seed.code, version: seed.version, name: seed.name, regionCode: seed.regionCode, kind: seed.kind, effectiveFrom: new Date(`${seed.effectiveFrom}T00:00:00Z`), rules: seed.rules as object, status: 'PUBLISHED' },
    });
    const actor: Actor = {
      userId: randomUUID(),
      username: 'bench',
      sessionId: null,
      roles: [{ role: 'INSTITUTION_STAFF', regionCode: null, organizationId: inst.id, personId: null, canViewIdNumbers: false }],
    };
    const ids = { inst: inst.id, occupation: occupation.id };

    // One class of `persons`.
    const [one] = await insertYear(prisma, ids, 'A', 1, persons, () => `date '2026-09-01'`);
    const c1 = countStatements();
    const t1 = performance.now();
    const r1 = await fileClaim(prisma, actor, { kind: 'TRAINING', classId: one! }, FILED_AT);
    const seconds = (performance.now() - t1) / 1000;
    c1.stop();
    if (r1.lines !== persons) throw new Error(`expected ${persons} lines, got ${r1.lines} (${r1.excluded} excluded)`);

    // A city's year: classes spread over 2026.
    const yearClasses = await insertYear(prisma, ids, 'B', classes, size, (k) => `date '2026-01-05' + ((${k} * 13) % 300)`);
    const c2 = countStatements();
    const t2 = performance.now();
    let lines = 0;
    for (const classId of yearClasses) lines += (await fileClaim(prisma, actor, { kind: 'TRAINING', classId }, FILED_AT)).lines;
    const yearSeconds = (performance.now() - t2) / 1000;
    c2.stop();
    if (lines !== classes * size) throw new Error(`expected ${classes * size} lines, got ${lines}`);

    return {
      persons,
      seconds: seconds.toFixed(3),
      statements: c1.n,
      year_persons: classes * size,
      year_classes: classes,
      year_seconds: yearSeconds.toFixed(2),
      year_statements: c2.n,
      statements_per_claim: (c2.n / classes).toFixed(1),
      year_lines_per_s: Math.round(lines / yearSeconds),
    };
  } finally {
    await prisma.$disconnect();
    await db.drop();
  }
};
