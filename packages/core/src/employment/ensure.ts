import { Prisma, type PrismaClient, type Tx } from '@vtc/db';
import { assertCalendarDate, DEFAULT_CHECKPOINT_MONTHS, policyCheckpointMonths, regionScopePrefix } from '@vtc/domain';
import { publishedPolicies, validated } from './policies.ts';

export interface EnsureChecksScope {
  today: string;
  /** Only these classes (a class completing creates its own checks). */
  classIds?: readonly string[];
  /**
   * Default checkpoints only for enrollments completed on or after this date (the daily run's safety
   * net after the classes' own); a policy's own window is always ensured for every enrollment.
   */
  completedSince?: string | null;
}

/**
 * Create the missing checks of COMPLETED enrollments completed on or before `today`, in one
 * statement. Checkpoints: DEFAULT_CHECKPOINT_MONTHS for everyone, plus the window (withinMonths) of
 * each published CLASS_HOUR uplift or OUTCOME policy for classes in its region. Returns how many were created.
 * Completing a class creates its checks (completeClass); the daily run ensures the recent rest.
 */
export async function ensureEmploymentChecks(prisma: PrismaClient | Tx, scope: EnsureChecksScope): Promise<{ created: number }> {
  const { today } = scope;
  assertCalendarDate(today, 'today');
  if (scope.completedSince) assertCalendarDate(scope.completedSince, 'completedSince');
  const classIds = scope.classIds ? [...scope.classIds] : null;
  const since = scope.completedSince ?? null;
  const prefixes: string[] = [];
  const months: number[] = [];
  const sinces: Array<string | null> = [];
  for (const m of DEFAULT_CHECKPOINT_MONTHS) {
    prefixes.push('');
    months.push(m);
    sinces.push(since);
  }
  for (const row of await publishedPolicies(prisma, ['CLASS_HOUR', 'OUTCOME'])) {
    const p = validated(row);
    const within = p && policyCheckpointMonths(p);
    if (!p || within === null) continue;
    prefixes.push(regionScopePrefix(p.regionCode));
    months.push(within);
    sinces.push(null);
  }
  // When every checkpoint counts only completions since `since` (no policy window of its own to fill in
  // for everyone), only those enrollments are read: completed since then themselves, or without a date of
  // their own in a class completed since then (x_enrollment_completed_at, x_training_class_completed_at),
  // instead of every completed enrollment there is.
  const floor = classIds === null && since !== null && sinces.every((x) => x !== null) ? since : null;
  const ts = Prisma.sql`(${floor}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`;
  const enrollments = floor
    ? Prisma.sql`(SELECT e2.id, e2."classId", e2."personId", e2.status, e2."completedAt" FROM "Enrollment" e2 WHERE e2."completedAt" >= ${ts}
        UNION ALL
        SELECT e3.id, e3."classId", e3."personId", e3.status, e3."completedAt" FROM "TrainingClass" c3
        CROSS JOIN LATERAL (SELECT x.* FROM "Enrollment" x WHERE x."classId" = c3.id AND x."completedAt" IS NULL OFFSET 0) e3
        WHERE c3."completedAt" >= ${ts})`
    : Prisma.sql`"Enrollment"`;
  const created = await prisma.$executeRaw`
    INSERT INTO "EmploymentCheck" (id, "enrollmentId", "personId", "classId", "checkpointMonths", "completedOn", "dueOn", "updatedAt")
    SELECT DISTINCT ON (e.id, m.months) gen_random_uuid(), e.id, e."personId", e."classId", m.months, d.completed_on,
      (d.completed_on + make_interval(months => m.months))::date, now()
    FROM ${enrollments} e
    JOIN "TrainingClass" c ON c.id = e."classId"
    CROSS JOIN LATERAL (SELECT (COALESCE(e."completedAt", c."completedAt") AT TIME ZONE 'Asia/Shanghai')::date AS completed_on) d
    JOIN unnest(${prefixes}::text[], ${months}::int[], ${sinces}::date[]) AS m(prefix, months, since)
      ON c."regionCode" LIKE m.prefix || '%' AND (m.since IS NULL OR d.completed_on >= m.since)
    WHERE e.status = 'COMPLETED' AND d.completed_on IS NOT NULL AND d.completed_on <= ${today}::date
      AND (${classIds}::uuid[] IS NULL OR c.id = ANY(${classIds}::uuid[]))
      AND NOT EXISTS (SELECT 1 FROM "EmploymentCheck" k WHERE k."enrollmentId" = e.id AND k."checkpointMonths" = m.months)
    ORDER BY e.id, m.months
    ON CONFLICT ("enrollmentId", "checkpointMonths") DO NOTHING`;
  return { created };
}

